"""People at 3-4 m: a real group photo, its faces 50-120 px wide in a 1280x720 frame, through the
face node's processing path with its shipped settings (CPU, MediaPipe, no ROS)."""

import cv2
import numpy as np
import pytest

from emotion_ros.node_config import node_defaults
from emotion_ros.vision.boxes import overlap
from emotion_ros.vision.frame_processor import FaceFrameProcessor

from face_images import group_photo_bgr

FRAME_NS = 33_333_333
FRAMES = 50
SETTLED = 15  # frames for the detector's first scan of a 720p frame and the tracker's min hits
# the six faces of the photo (x, y, w, h) at full size, read off it
FACES = [
    (54, 270, 120, 128),
    (278, 160, 104, 106),
    (468, 280, 114, 136),
    (752, 364, 100, 116),
    (902, 78, 114, 128),
    (1138, 286, 98, 114),
]


def play_group(scale: float) -> list[list]:
    """The group photo scaled by ``scale`` in the top left of a grey 1280x720 frame, the camera
    panning a pixel a frame; each frame's faces."""
    photo = cv2.resize(group_photo_bgr(), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((720, 1280, 3), 110, np.uint8)
    height, width = min(720, photo.shape[0]), min(1280, photo.shape[1])
    frame[:height, :width] = photo[:height, :width]
    parameters = {**node_defaults("face_node"), "deterministic_ids": True, "face_crop_size": 0}
    processor = FaceFrameProcessor.from_parameters(parameters)
    played = []
    try:
        for i in range(FRAMES):
            faces, _ = processor.process(np.roll(frame, i % 4, axis=1), (i + 1) * FRAME_NS)
            played.append(faces)
    finally:
        processor.close()
    return played


@pytest.mark.parametrize(
    ("scale", "smallest_px", "share"),
    # faces 48-62 px (people at 3-4 m; found in about half of the frames before) and 96-121 px
    [(0.5, 45, 0.90), (1.0, 90, 0.98)],
)
def test_five_of_six_real_faces_are_found_in_nearly_every_frame_with_stable_ids(
    scale, smallest_px, share
):
    played = play_group(scale)[SETTLED:]
    boxes = [tuple(round(v * scale) for v in box) for box in FACES]
    people = [
        [f for f in faces if any(overlap(f.face.roi, b) >= 0.3 for b in boxes)] for faces in played
    ]
    found = [len(faces) for faces in people]
    assert sum(n >= 5 for n in found) >= share * len(played), found
    widths = [f.face.roi[2] for faces in people for f in faces]
    assert min(widths) >= smallest_px * 0.8, sorted(set(widths))
    ids = {f.face_id for faces in people for f in faces}
    assert len(ids) <= 6, f"one id per person while the camera pans: {sorted(ids)}"
    # known: the chip carousel on the table passes for a 25-33 px face in some frames at half
    # size (the mesh finds a face in its crop); nothing else does
    false = {
        f.face_id
        for faces, real in zip(played, people, strict=True)
        for f in faces
        if f not in real
    }
    assert len(false) <= (1 if scale < 1 else 0), false
