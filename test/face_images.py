"""Frames with real faces for the tests: the photos that ship in packages, composed and moved."""

import sys
from pathlib import Path

import numpy as np

from package_photos import (
    ASTRONAUT_HEAD,
    GRACE_HOPPER_HEAD,
    astronaut_bgr,
    grace_hopper_bgr,
    head_crop,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from make_default_clip import make_frames

__all__ = ["astronaut_bgr", "grace_hopper_bgr", "group_photo_bgr", "make_frames", "two_faces_frame"]


def two_faces_frame() -> np.ndarray:
    """Both heads side by side in one 640x480 frame (astronaut left, Grace Hopper right)."""
    import cv2

    frame = np.full((480, 640, 3), 120, np.uint8)
    left = cv2.resize(head_crop(astronaut_bgr(), ASTRONAUT_HEAD), (290, 316))
    right = cv2.resize(head_crop(grace_hopper_bgr(), GRACE_HOPPER_HEAD), (300, 309))
    frame[80:396, 10:300] = left
    frame[85:394, 330:630] = right
    return frame


def group_photo_bgr() -> np.ndarray:
    """The real photo of six people round a table (1280x886, faces 96-121 px wide) that ships in
    insightface's wheel (requirements/test-photos.txt); skips the test where it is not installed
    (a ROS install's colcon test, where rosdep has no key for it)."""
    import importlib.util

    import cv2
    import pytest

    spec = importlib.util.find_spec("insightface")
    if spec is None or spec.origin is None:
        pytest.skip("insightface's wheel (the group photo) is not installed: tools/setup_venv.sh")
    return cv2.imread(str(Path(spec.origin).parent / "data" / "images" / "t1.jpg"))
