"""The face path on real photos (CPU, MediaPipe), without ROS: near and far faces, groups,
people crossing, and the landmarks the emotion models see."""

import numpy as np
import pytest

from emotion_ros.landmarks.indices import NUM_LANDMARKS
from emotion_ros.node_config import node_defaults
from emotion_ros.vision.boxes import overlap
from emotion_ros.vision.face_crop import eye_centres
from emotion_ros.vision.face_detection import WINDOW_PER_FACE, scan_windows
from emotion_ros.vision.face_mesh import still_image_detector
from emotion_ros.vision.frame_processor import FaceFrameProcessor

from face_images import astronaut_bgr, grace_hopper_bgr, make_frames, two_faces_frame
from package_photos import compose_faces

FRAME_NS = 33_000_000


def processor(**changes) -> FaceFrameProcessor:
    """The face node's processor from config/face_node.yaml with deterministic ids, no crops
    and ``changes``."""
    parameters = {**node_defaults("face_node"), "deterministic_ids": True, "face_crop_size": 0}
    return FaceFrameProcessor.from_parameters({**parameters, **changes})


def full_scan(width: int, height: int) -> int:
    """Frames after which the default detector has looked at every window of such frames once,
    while it follows faces, and the faces it found are confirmed."""
    p = node_defaults("face_node")
    windows = scan_windows(width, height, WINDOW_PER_FACE * p["min_face_size"])
    return len(windows) * p["detection_interval"] + p["tracker_min_hits"]


def play(face_processor: FaceFrameProcessor, frame: np.ndarray, frames: int, first: int = 1):
    """Give ``frame`` as camera frames ``first`` to ``first + frames - 1``; return the last
    frame's faces."""
    faces = []
    for i in range(first, first + frames):
        faces, reset = face_processor.process(frame, i * FRAME_NS)
        assert not reset
    return faces


def interocular(landmarks: np.ndarray) -> float:
    right, left = eye_centres(landmarks)
    return float(np.linalg.norm(left - right))


@pytest.fixture(scope="module")
def still_detector():
    with still_image_detector(max_faces=4) as detector:
        yield detector


@pytest.mark.parametrize(
    ("photo", "face_box"),
    # (x0, y0, x1, y1) of each face, read off the photos by eye: the ROI must overlap it.
    [(astronaut_bgr, (170, 60, 280, 190)), (grace_hopper_bgr, (165, 120, 365, 345))],
)
def test_each_photo_gives_one_face_with_478_points_inside_its_box(still_detector, photo, face_box):
    image = photo()
    faces = still_detector.detect(image)
    assert len(faces) == 1
    face = faces[0]
    assert face.landmarks.shape == (NUM_LANDMARKS, 3)
    x, y, w, h = face.roi
    assert (face.landmarks[:, 0] >= x - 1).all() and (face.landmarks[:, 0] <= x + w + 1).all()
    assert (face.landmarks[:, 1] >= y - 1).all() and (face.landmarks[:, 1] <= y + h + 1).all()
    x0, y0, x1, y1 = face_box
    overlap_w = max(0, min(x + w, x1) - max(x, x0))
    overlap_h = max(0, min(y + h, y1) - max(y, y0))
    assert overlap_w * overlap_h > 0.6 * w * h, f"ROI {face.roi} is not on the face {face_box}"
    # landmark 1 (nose tip) lies near the middle of the box
    nose = face.landmarks[1, :2]
    assert abs(nose[0] - (x + w / 2)) < 0.25 * w


def test_two_composed_faces_give_two_ids_left_to_right():
    face_processor = processor()
    faces = play(face_processor, two_faces_frame(), 2)
    face_processor.close()
    assert [f.face_id for f in faces] == ["f00000", "f00001"]
    assert faces[0].face.roi[0] < faces[1].face.roi[0]
    assert all(f.face.landmarks.shape == (NUM_LANDMARKS, 3) for f in faces)


def test_moving_clip_keeps_one_id_per_face():
    face_processor = processor()
    ids_per_frame = []
    for i, frame in enumerate(make_frames()[::2]):  # every other frame: faces move twice as far
        faces, reset = face_processor.process(frame, (i + 1) * 133_000_000)
        assert not reset
        ids_per_frame.append({f.face_id: f.face.roi[0] for f in faces})
    face_processor.close()
    seen = set().union(*ids_per_frame)
    assert seen == {"f00000", "f00001"}, f"ids changed along the clip: {sorted(seen)}"
    # the astronaut (first id) stays on the left of Grace Hopper whenever both are in view
    both = [ids for ids in ids_per_frame if len(ids) == 2]
    assert both and all(ids["f00000"] < ids["f00001"] for ids in both)


def test_stamps_going_backwards_reset_the_tracker_and_frames_still_process():
    face_processor = processor(tracker_min_hits=1)
    frame = astronaut_bgr()
    face_processor.process(frame, 2_000)
    faces, reset = face_processor.process(frame, 1_000)
    assert reset
    assert [f.face_id for f in faces] == ["f00001"]  # a new track: the old one was forgotten
    faces, reset = face_processor.process(frame, 3_000)
    face_processor.close()
    assert not reset and [f.face_id for f in faces] == ["f00001"]


@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket"])
def test_photos_without_a_person_give_no_face(name):
    """A cup, a cat and a rocket launch (skimage's photos) through a full scan: nothing."""
    from skimage import data

    frame = np.ascontiguousarray(getattr(data, name)()[:, :, ::-1])
    face_processor = processor()
    faces = play(face_processor, frame, full_scan(frame.shape[1], frame.shape[0]))
    face_processor.close()
    assert faces == []


@pytest.mark.parametrize(
    ("width", "height", "faces"),
    [
        # four people at 2.5-4 m from a 640x480 camera, faces of 40-80 px, one near person
        (640, 480, [(40, 90, 110), (55, 540, 90), (70, 120, 380), (80, 520, 370), (160, 330, 240)]),
        # a room at 720p: six far faces of 40-80 px around two nearer ones
        (1280, 720, [(40, 100, 100), (45, 640, 80), (50, 1180, 110), (60, 110, 620),
                     (70, 660, 640), (80, 1170, 600), (150, 380, 330), (220, 930, 330)]),
    ],
)  # fmt: skip
def test_every_face_of_a_group_is_found_meshed_and_kept(width, height, faces):
    placed = [
        ("astronaut" if i % 2 else "grace_hopper", w, x, y) for i, (w, x, y) in enumerate(faces)
    ]
    frame, boxes = compose_faces(width, height, placed)
    face_processor = processor()
    found = play(face_processor, frame, full_scan(width, height))
    again = play(face_processor, frame, 5, first=full_scan(width, height) + 1)
    face_processor.close()
    assert len(found) == len(boxes), [f.face.roi for f in found]
    ids = [f.face_id for f in found]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "one id per face, oldest first"
    for box in boxes:
        [face] = [f for f in found if overlap(box, f.face.roi) >= 0.5]
        x, y, w, h = box  # the mesh lies on the face it belongs to, whatever its size
        inside = (
            (face.face.landmarks[:, 0] > x - 0.2 * w)
            & (face.face.landmarks[:, 0] < x + 1.2 * w)
            & (face.face.landmarks[:, 1] > y - 0.2 * h)
            & (face.face.landmarks[:, 1] < y + 1.2 * h)
        )
        assert inside.mean() > 0.98, f"the mesh of {face.face_id} is off its face {box}"
    assert [f.face_id for f in again] == ids, "the ids must not change on a still scene"


def test_a_small_face_in_a_real_photo_that_the_whole_image_mesh_misses():
    """skimage's cameraman: a 60 px face in a 512x512 photo. MediaPipe's mesh of the whole image
    misses it; upscaled three times it finds it, where the face path finds it at its size."""
    import cv2
    from skimage import data

    photo = np.ascontiguousarray(np.repeat(data.camera()[:, :, None], 3, axis=2))
    with still_image_detector() as whole:
        assert whole.detect(photo) == []
        [big] = whole.detect(cv2.resize(photo, None, fx=3, fy=3))
    expected = tuple(round(v / 3) for v in big.roi)
    face_processor = processor()
    [face] = play(face_processor, photo, full_scan(512, 512))
    face_processor.close()
    assert overlap(face.face.roi, expected) > 0.6, (face.face.roi, expected)


@pytest.mark.parametrize("vertical_offset", [0.0, 0.6])
def test_two_people_crossing_keep_their_ids(vertical_offset):
    """Two faces of 70 and 64 px walk past each other, Grace Hopper in front; at the same
    height she hides the astronaut for about ten frames. Both keep their ids throughout."""
    face_processor = processor()
    frames, ids, seen = 60, set(), []
    for i in range(frames):
        t = i / (frames - 1)
        people = [
            ("astronaut", 70, 150 + 340 * t, 220),
            ("grace_hopper", 64, 490 - 340 * t, 220 + vertical_offset * 80),
        ]
        frame, boxes = compose_faces(640, 480, people)
        faces, _ = face_processor.process(frame, (i + 1) * FRAME_NS)
        ids |= {f.face_id for f in faces}
        if overlap(*boxes) == 0.0:  # whose face it is is plain while they do not touch
            seen += [
                (f.face_id, max((0, 1), key=lambda k: overlap(boxes[k], f.face.roi))) for f in faces
            ]
    face_processor.close()
    assert ids == {"f00000", "f00001"}
    assert set(seen) == {("f00000", 0), ("f00001", 1)}, sorted(set(seen))
    # both are published again once they are apart (the last ten frames)
    assert seen[-10:].count(("f00000", 0)) == 5 and seen[-10:].count(("f00001", 1)) == 5


@pytest.mark.parametrize("photo", ["astronaut", "grace_hopper"])
@pytest.mark.parametrize("face_width", [150, 300])
def test_crop_meshes_match_the_whole_image_mesh_the_models_were_trained_on(
    still_detector, photo, face_width
):
    """Models were trained on whole-photo meshes (still mode); the face path meshes crops. On a
    large face both see the same geometry: the mean point distance is under 4 % of the
    distance between the eyes (measured: about 2 %, as close as whole-frame video mode is)."""
    frame, _ = compose_faces(640, 480, [(photo, face_width, 330, 250)])
    [whole] = still_detector.detect(frame)
    face_processor = processor()
    [face] = play(face_processor, frame, 4)
    face_processor.close()
    crop = face.face.landmarks
    scale = interocular(whole.landmarks)
    assert np.linalg.norm(crop[:, :2] - whole.landmarks[:, :2], axis=1).mean() < 0.04 * scale
    # z is on x's scale in both (relative depth: each mesh's mean depth differs a little)
    depth = (crop[:, 2] - crop[:, 2].mean()) - (
        whole.landmarks[:, 2] - whole.landmarks[:, 2].mean()
    )
    assert np.abs(depth).mean() < 0.04 * scale


def test_max_faces_follows_the_largest_faces():
    placed = [("astronaut", w, 80 + 110 * i, 240) for i, w in enumerate([45, 90, 50, 80, 40])]
    frame, boxes = compose_faces(640, 480, placed)
    face_processor = processor(max_faces=2)
    faces = play(face_processor, frame, full_scan(640, 480))
    face_processor.close()
    matched = sorted(k for f in faces for k, b in enumerate(boxes) if overlap(b, f.face.roi) > 0.5)
    assert matched == [1, 3]


def test_starting_the_face_path_writes_nothing_to_stderr_and_stderr_works_after():
    """Nine MediaPipe graphs start with two C++ log lines each; a user sees none of them."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from emotion_ros.node_config import node_defaults\n"
        "from emotion_ros.vision.frame_processor import FaceFrameProcessor\n"
        "processor = FaceFrameProcessor.from_parameters(node_defaults('face_node'))\n"
        "os.write(2, b'still here\\n')\n"
        "processor.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "still here\n"
