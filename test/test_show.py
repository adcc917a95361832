"""`emotion-ros show` as a user runs it: a photo, a video, a bag; one drawn box per face."""

import cv2
import numpy as np
import pytest

from emotion_ros.package_paths import share_path
from emotion_ros.visualization.overlay import GREEN

from face_images import astronaut_bgr, grace_hopper_bgr, two_faces_frame
from user_commands import run_as_user

BAG = share_path("data", "eval", "labelled")


def drawn_boxes(png) -> list[tuple[int, int, int, int]]:
    """The face boxes in a picture: outlines in the overlay's green (the label band may cover
    the top edge), told from the class bars, which are green too but filled."""
    image = cv2.imread(str(png), cv2.IMREAD_COLOR)
    mask = np.all(image == np.array(GREEN, np.uint8), axis=2).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    return sorted(
        (int(x), int(y), int(w), int(h))
        for x, y, w, h, area in stats[1:count]
        if w > 20 and h > 20 and area < 0.3 * w * h
    )


def test_a_photo_gets_one_box_per_face_with_its_emotions(tmp_path):
    photo = tmp_path / "two people.jpg"
    cv2.imwrite(str(photo), two_faces_frame())
    done = run_as_user("emotion-ros", "show", str(photo), timeout_s=300)
    assert done.code == 0, done.lines
    out = tmp_path / "two people-shown.png"
    assert done.lines[-1] == f"wrote {out}: frame 0, 2 face(s)"
    boxes = drawn_boxes(out)
    assert len(boxes) == 2, boxes
    # one inside each pasted head: the astronaut's (x 10-300) and Grace Hopper's (x 330-630)
    assert boxes[0][0] >= 10 and boxes[0][0] + boxes[0][2] <= 300
    assert boxes[1][0] >= 330 and boxes[1][0] + boxes[1][2] <= 630
    faces = [line for line in done.lines if line.startswith("face ")]
    assert [line.split(":")[0] for line in faces] == ["face 1", "face 2"]


def test_every_face_of_a_group_photo_is_found_small_ones_too():
    """Four people of 30-75 px faces on a 1280x720 photo: MediaPipe's mesh on the whole photo
    finds none of them; show and explain find them as the face node does."""
    from emotion_ros.visualization.still_faces import still_faces

    photo = np.full((720, 1280, 3), 128, np.uint8)
    people = [
        (cv2.resize(astronaut_bgr(), (220, 220)), 40, 60),
        (cv2.resize(grace_hopper_bgr(), (190, 220)), 360, 400),
        (cv2.resize(astronaut_bgr(), (160, 160)), 700, 120),
        (cv2.resize(grace_hopper_bgr(), (160, 185)), 1000, 420),
    ]
    for person, x, y in people:
        photo[y : y + person.shape[0], x : x + person.shape[1]] = person
    found = still_faces(photo)
    assert [sample.face_id for _, sample in found] == ["face 1", "face 2", "face 3", "face 4"]
    for (face, sample), (person, x, y) in zip(found, people, strict=True):
        fx, fy, fw, fh = face.roi
        assert x <= fx and fx + fw <= x + person.shape[1], (face.roi, x)
        assert y <= fy and fy + fh <= y + person.shape[0], (face.roi, y)
        assert sample.crop.shape == (48, 48) and sample.crop.std() > 10


def test_a_face_that_fills_the_photo_is_found_as_in_training():
    """A portrait cropped to the face, as data sets crop theirs: the detector finds nothing in
    it (it wants context around a face); the still-image mesh on the whole photo does."""
    from emotion_ros.vision.face_mesh import still_image_detector
    from emotion_ros.visualization.still_faces import face_boxes, still_faces

    grace = grace_hopper_bgr()
    with still_image_detector() as mesh:
        x, y, w, h = mesh.detect(grace)[0].roi
    portrait = cv2.resize(grace[y : y + h, x : x + w], (224, 224))
    assert face_boxes(portrait) == []
    [(face, sample)] = still_faces(portrait)
    assert face.roi[2] > 150 and sample.crop.shape == (48, 48)


def test_a_video_is_drawn_frame_by_frame_with_tracked_ids(tmp_path):
    clip = share_path("data", "default_faces.mp4")
    out = tmp_path / "clip.avi"
    done = run_as_user("emotion-ros", "show", str(clip), "--out", str(out), timeout_s=600)
    assert done.code == 0, done.lines
    source, drawn = cv2.VideoCapture(str(clip)), cv2.VideoCapture(str(out))
    frames = int(source.get(cv2.CAP_PROP_FRAME_COUNT))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == frames
    assert done.lines[-1].startswith(f"wrote {out}: {frames} frames, ")
    one = tmp_path / "frame40.png"
    done = run_as_user("emotion-ros", "show", str(clip), "--frame", "40", "--out", str(one))
    assert done.code == 0, done.lines
    ids = [line.split(":")[0] for line in done.lines if line.startswith("f0")]
    assert ids and len(drawn_boxes(one)) == len(ids), (ids, done.lines)


def test_a_bag_frame_and_what_is_refused(tmp_path):
    out = tmp_path / "bag-frame.png"
    done = run_as_user("emotion-ros", "show", str(BAG), "--frame", "10", "--out", str(out))
    assert done.code == 0, done.lines
    assert done.lines[-1] == f"wrote {out}: frame 10, 1 face(s)"
    assert len(drawn_boxes(out)) == 1
    done = run_as_user("emotion-ros", "show", str(BAG), "--out", str(tmp_path / "all.png"))
    assert (done.code, done.lines[-1]) == (
        2, "emotion-ros show: a PNG holds one frame: give --frame N (or --out a video file)"
    )  # fmt: skip
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    done = run_as_user("emotion-ros", "show", str(notes))
    assert done.code == 2 and done.lines[-1].startswith(f"emotion-ros show: {notes} is not an")
    done = run_as_user("emotion-ros", "show", str(BAG), "--frame", "100000", "--out", str(out))
    assert (done.code, done.lines[-1]) == (2, f"emotion-ros show: {BAG} has no frame 100000")


@pytest.mark.parametrize("name", ["broken.png"])
def test_an_unreadable_photo_is_named(tmp_path, name):
    (tmp_path / name).write_bytes(b"\x89PNG broken")
    done = run_as_user("emotion-ros", "show", str(tmp_path / name))
    assert (done.code, done.lines[-1]) == (
        2, f"emotion-ros show: cannot read {tmp_path / name} as an image"
    )  # fmt: skip
