"""MediaPipe face mesh and tracking on real photos (CPU), without ROS."""

import numpy as np
import pytest

from emotion_ros.landmarks.indices import NUM_LANDMARKS
from emotion_ros.node_config import default_settings
from emotion_ros.vision.face_mesh import FaceMeshDetector, FaceMeshSettings, still_image_detector
from emotion_ros.vision.face_tracker import FaceTracker, TrackerSettings
from emotion_ros.vision.frame_processor import FaceFrameProcessor

from face_images import astronaut_bgr, grace_hopper_bgr, make_frames, two_faces_frame


def mesh(**changes) -> FaceMeshDetector:
    """A video-mode detector with config/face_node.yaml's settings and ``changes``."""
    return FaceMeshDetector(default_settings(FaceMeshSettings, "face_node", **changes))


def tracker(**changes) -> FaceTracker:
    """A tracker with config/face_node.yaml's settings, deterministic ids and ``changes``."""
    changes.setdefault("deterministic_ids", True)
    return FaceTracker(default_settings(TrackerSettings, "face_node", **changes))


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


def test_two_composed_faces_give_two_ids():
    processor = FaceFrameProcessor(mesh(max_faces=4), tracker(tracker_min_hits=1), 0, None)
    frame = two_faces_frame()
    faces, _ = processor.process(frame, 1)
    faces, _ = processor.process(frame, 2)
    assert [f.face_id for f in faces] == ["f00000", "f00001"]
    assert faces[0].face.roi[0] < faces[1].face.roi[0]


def test_moving_clip_keeps_one_id_per_face():
    processor = FaceFrameProcessor(mesh(max_faces=4), tracker(), 0, None)
    ids_per_frame = []
    for i, frame in enumerate(make_frames()[::2]):  # every other frame: faces move twice as far
        faces, reset = processor.process(frame, (i + 1) * 133_000_000)
        assert not reset
        ids_per_frame.append({f.face_id: f.face.roi[0] for f in faces})
    seen = set().union(*ids_per_frame)
    assert seen == {"f00000", "f00001"}, f"ids changed along the clip: {sorted(seen)}"
    # the astronaut (first id) stays on the left of Grace Hopper whenever both are in view
    both = [ids for ids in ids_per_frame if len(ids) == 2]
    assert both and all(ids["f00000"] < ids["f00001"] for ids in both)


def test_stamps_going_backwards_reset_the_tracker_and_frames_still_process():
    processor = FaceFrameProcessor(mesh(max_faces=4), tracker(tracker_min_hits=1), 0, None)
    frame = astronaut_bgr()
    processor.process(frame, 2_000)
    faces, reset = processor.process(frame, 1_000)
    assert reset
    assert [f.face_id for f in faces] == ["f00001"]  # a new track: the old one was forgotten
    faces, reset = processor.process(frame, 3_000)
    assert not reset and len(faces) == 1


def test_an_image_without_faces_gives_none():
    with mesh(max_faces=2) as detector:
        assert detector.detect(np.full((480, 640, 3), 127, np.uint8)) == []


def test_tiles_find_a_far_face_that_the_whole_frame_pass_misses():
    import cv2

    from emotion_ros.training.package_photos import ASTRONAUT_HEAD, head_crop

    head = head_crop(astronaut_bgr(), ASTRONAUT_HEAD)
    small = cv2.resize(head, (137, 150))  # a head of 150 px in a 1280x960 frame (~4 m away)
    frame = np.full((960, 1280, 3), 120, np.uint8)
    frame[600:750, 800:937] = small
    with still_image_detector(max_faces=4) as whole:
        assert whole.detect(frame) == []
    settings = default_settings(FaceMeshSettings, "face_node", max_faces=4, tile_size=480)
    with FaceMeshDetector(settings, static_image_mode=True) as tiled:
        faces = tiled.detect(frame)
    assert len(faces) == 1, "overlapping tiles must not report the same face twice"
    x, y, w, h = faces[0].roi
    assert x >= 800 and x + w <= 937 and y >= 600 and y + h <= 750
