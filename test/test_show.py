"""`emotion-ros show` as a user runs it: a photo, a video, a bag; one drawn box per face, and
a panel beside the frame that a group photo's faces share without overlap."""

import dataclasses

import cv2
import numpy as np
import pytest
from group_photo import group_photo

from emotion_ros.package_paths import share_path
from emotion_ros.vision.boxes import Box, overlap
from emotion_ros.visualization.overlay import COLUMN, DARK, FULL, KEY_COLOURS, TRACK

from face_images import astronaut_bgr, grace_hopper_bgr, two_faces_frame
from user_commands import run_as_user

BAG = share_path("data", "eval", "labelled")


def drawn_boxes(png, frame_width: int) -> list[tuple[int, int, int, int]]:
    """The face boxes drawn over the frame (left of the panel): outlines in a face's key colour
    (with its number's tag on top), told from the filled bars of the panel."""
    image = cv2.imread(str(png), cv2.IMREAD_COLOR)[:, :frame_width]
    boxes = []
    for colour in KEY_COLOURS:
        mask = np.all(image == np.array(colour, np.uint8), axis=2).astype(np.uint8)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        boxes += [
            (int(x), int(y), int(w), int(h))
            for x, y, w, h, area in stats[1:count]
            if w > 20 and h > 20 and area < 0.3 * w * h
        ]
    return sorted(boxes)


def test_a_photo_gets_one_box_per_face_with_its_emotions(tmp_path, monkeypatch):
    """Without --out the picture goes into the current directory, not beside the photo; a
    second run says that it replaced the first one's picture."""
    (tmp_path / "photos").mkdir()
    photo = tmp_path / "photos" / "two people.jpg"
    cv2.imwrite(str(photo), two_faces_frame())
    monkeypatch.chdir(tmp_path)
    done = run_as_user("emotion-ros", "show", str(photo), timeout_s=300)
    assert done.code == 0, done.lines
    assert done.lines[-1] == "wrote two people-shown.png: frame 0, 2 face(s)"
    assert sorted(p.name for p in (tmp_path / "photos").iterdir()) == ["two people.jpg"]
    out = tmp_path / "two people-shown.png"
    assert cv2.imread(str(out)).shape == (480, 640 + COLUMN, 3)  # the frame, one panel column
    boxes = drawn_boxes(out, 640)
    assert len(boxes) == 2, boxes
    # one inside each pasted head: the astronaut's (x 10-300) and Grace Hopper's (x 330-630)
    assert boxes[0][0] >= 10 and boxes[0][0] + boxes[0][2] <= 300
    assert boxes[1][0] >= 330 and boxes[1][0] + boxes[1][2] <= 630
    faces = [line for line in done.lines if line.startswith("face ")]
    assert [line.split(":")[0] for line in faces] == ["face 1", "face 2"]
    again = run_as_user("emotion-ros", "show", str(photo), timeout_s=300)
    assert again.lines[-1] == (
        "wrote two people-shown.png (replaced the older file): frame 0, 2 face(s)"
    )


@pytest.fixture(scope="module")
def shown_group():
    """``show``'s drawing of the six-person group photo, and the photo's face boxes."""
    from emotion_ros.visualization.show import show_photo

    photo, boxes = group_photo()
    return show_photo(photo), boxes


def inside(box: Box, width: int, height: int) -> bool:
    x, y, w, h = box
    return x >= 0 and y >= 0 and x + w <= width and y + h <= height


def test_a_group_photo_gets_a_row_per_face_beside_it_overlapping_nothing(shown_group):
    frame, faces = shown_group
    layout = frame.layout
    assert len(frame.faces) == len(faces) == 6
    height, width = frame.image.shape[:2]
    assert layout.canvas == (width, height) and height == 720 and width > 1280
    rows = layout.rows
    assert len(rows) == 6 and all(inside(row, width, height) for row in rows), rows
    assert all(inside(tag, width, height) for tag in layout.tags), layout.tags
    for k, row in enumerate(rows):
        assert all(overlap(row, other) == 0 for other in rows[k + 1 :]), rows
        covered = [face for face in faces + [f.roi for f in frame.faces] if overlap(row, face)]
        assert covered == [], (row, covered)
    # every row in full, however small its face (70 to 130 px): header, valence/arousal and a
    # bar per class, the largest bar in the face's colour and as long as its probability
    assert layout.detail == FULL
    for k, (face, (x, y, w, h)) in enumerate(zip(frame.faces, rows, strict=True)):
        assert h >= (2 + len(face.class_names)) * layout.line - layout.pad
        colour = np.all(frame.image[y : y + h, x : x + w] == KEY_COLOURS[k], axis=2)
        bar_lengths = colour[:, colour.shape[1] // 3 :].sum(axis=1)
        assert bar_lengths.max() > 0.5 * max(face.probabilities) * 100, bar_lengths.max()


def test_the_text_has_a_dark_backing_on_a_light_photo():
    """A face on a white photo (a light shirt): its tag and its row are white on dark grey."""
    from emotion_ros.emotion_classes import CLASS_NAMES
    from emotion_ros.visualization.overlay import FaceOverlay, draw_faces, face_layout

    white = np.full((480, 640, 3), 255, np.uint8)
    probabilities = (0.9, 0.02, 0.02, 0.02, 0.02, 0.02)
    faces = [FaceOverlay("face 1", (300, 200, 112, 112), "Happy", 0.9, probabilities, CLASS_NAMES)]
    layout = face_layout(white.shape, faces)
    drawn = draw_faces(white, faces)
    grey = cv2.cvtColor(drawn, cv2.COLOR_BGR2GRAY)
    for x, y, w, h in [layout.tags[0], layout.rows[0]]:
        region = grey[y : y + h, x : x + w]
        backing, text = np.percentile(region, 25), np.percentile(region, 99.5)
        assert backing <= DARK[0] + 10 and text >= 200, (backing, text)
    x, y, w, h = layout.tags[0]
    assert y + h <= 200 and x == 300, "the tag sits on the box's top left corner"


def test_a_carried_face_says_how_old_its_mesh_is_beside_its_tag():
    """The face node's mesh budget carries a group's faces in turn: the overlay says so."""
    from emotion_ros.emotion_classes import CLASS_NAMES
    from emotion_ros.nodes.overlay_node import mesh_age_ms
    from emotion_ros.visualization.overlay import FaceOverlay, draw_faces, face_layout

    frame = np.full((480, 640, 3), 90, np.uint8)
    probabilities = (0.9, 0.02, 0.02, 0.02, 0.02, 0.02)
    fresh = FaceOverlay("f00001", (300, 200, 112, 112), "Happy", 0.9, probabilities, CLASS_NAMES)
    age = mesh_age_ms(frame_ns=10_066_666_666, mesh_ns=10_000_000_000)
    assert age == pytest.approx(66.7, abs=0.1)
    assert mesh_age_ms(10_000_000_000, 0) == 0.0, "an unset mesh_stamp is this frame's"
    carried = dataclasses.replace(fresh, mesh_age_ms=age)
    layout = face_layout(frame.shape, [fresh])
    changed = np.any(draw_faces(frame, [fresh]) != draw_faces(frame, [carried]), axis=2)
    x, y, w, h = layout.tags[0]
    beside = changed[y : y + h, x + w : x + w + 4 * h]
    assert beside.any(), "the age is written right of the face's tag"
    changed[y : y + h, x + w : x + w + 4 * h] = False
    assert not changed.any(), "nothing else changes"


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


def test_a_video_is_drawn_frame_by_frame_with_tracked_ids(tmp_path, monkeypatch):
    """The bundled clip, as the README shows it: the video goes into the current directory
    (not the checkout's data/), every frame one panel column wider than the clip's."""
    clip = share_path("data", "default_faces.mp4")
    monkeypatch.chdir(tmp_path)
    done = run_as_user("emotion-ros", "show", str(clip), timeout_s=600)
    assert done.code == 0, done.lines
    out = tmp_path / "default_faces-shown.mp4"
    source, drawn = cv2.VideoCapture(str(clip)), cv2.VideoCapture(str(out))
    frames = int(source.get(cv2.CAP_PROP_FRAME_COUNT))
    assert int(drawn.get(cv2.CAP_PROP_FRAME_COUNT)) == frames
    assert (drawn.get(cv2.CAP_PROP_FRAME_WIDTH), drawn.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (
        640 + COLUMN, 480
    )  # fmt: skip
    assert done.lines[-1].startswith(f"wrote default_faces-shown.mp4: {frames} frames, ")
    assert not (clip.parent / "default_faces-shown.mp4").exists()
    done = run_as_user("emotion-ros", "show", str(clip), "--frame", "40")
    assert done.code == 0, done.lines
    assert done.lines[-1].startswith("wrote default_faces-frame40-shown.png: frame 40, ")
    ids = [line.split(":")[0] for line in done.lines if line.startswith("f0")]
    one = tmp_path / "default_faces-frame40-shown.png"
    assert ids and len(drawn_boxes(one, 640)) == len(ids), (ids, done.lines)


def test_a_bag_frame_and_what_is_refused(tmp_path):
    out = tmp_path / "bag-frame.png"
    done = run_as_user("emotion-ros", "show", str(BAG), "--frame", "10", "--out", str(out))
    assert done.code == 0, done.lines
    assert done.lines[-1] == f"wrote {out}: frame 10, 1 face(s)"
    assert len(drawn_boxes(out, 640)) == 1
    # all six bars (track and fill) lie in the panel, inside the picture
    panel = cv2.imread(str(out))[:, 640:]
    bars = np.zeros(panel.shape[:2], np.uint8)
    for colour in (TRACK, KEY_COLOURS[0]):
        bars |= np.all(panel == np.array(colour, np.uint8), axis=2)
    count, _, stats, _ = cv2.connectedComponentsWithStats(bars)
    assert sum(w > 50 for w in stats[1:count, 2]) == 6, stats
    done = run_as_user("emotion-ros", "show", str(BAG), "--out", str(tmp_path / "all.png"))
    assert (done.code, done.lines[-1]) == (
        2, "emotion-ros show: a PNG holds one frame: give --frame N (or --out a video file)"
    )  # fmt: skip
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    done = run_as_user("emotion-ros", "show", str(notes))
    assert done.code == 2 and done.lines[-1].startswith(f"emotion-ros show: {notes} is not an")
    done = run_as_user("emotion-ros", "show", str(BAG), "--frame", "100000", "--out", str(out))
    assert done.code == 2, "said before the graph runs the whole bag"
    assert done.lines[-1].startswith(f"emotion-ros show: {BAG} has no frame 100000 (its frames")


@pytest.mark.parametrize("command", ["show", "explain"])
def test_a_source_that_does_not_exist_is_one_line(tmp_path, command):
    missing = tmp_path / "nothere.jpg"
    done = run_as_user("emotion-ros", command, str(missing))
    assert (done.code, done.lines) == (2, [f"emotion-ros {command}: {missing} does not exist"])


@pytest.mark.parametrize("name", ["broken.png"])
def test_an_unreadable_photo_is_named(tmp_path, name):
    (tmp_path / name).write_bytes(b"\x89PNG broken")
    done = run_as_user("emotion-ros", "show", str(tmp_path / name))
    assert (done.code, done.lines[-1]) == (
        2, f"emotion-ros show: cannot read {tmp_path / name} as an image"
    )  # fmt: skip
