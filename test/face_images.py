"""Frames with real faces for the tests: the photos that ship in packages, composed and moved."""

import sys
from pathlib import Path

import numpy as np

from emotion_ros.training.package_photos import (
    ASTRONAUT_HEAD,
    GRACE_HOPPER_HEAD,
    astronaut_bgr,
    grace_hopper_bgr,
    head_crop,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from make_default_clip import make_frames

__all__ = ["astronaut_bgr", "grace_hopper_bgr", "make_frames", "two_faces_frame"]


def two_faces_frame() -> np.ndarray:
    """Both heads side by side in one 640x480 frame (astronaut left, Grace Hopper right)."""
    import cv2

    frame = np.full((480, 640, 3), 120, np.uint8)
    left = cv2.resize(head_crop(astronaut_bgr(), ASTRONAUT_HEAD), (290, 316))
    right = cv2.resize(head_crop(grace_hopper_bgr(), GRACE_HOPPER_HEAD), (300, 309))
    frame[80:396, 10:300] = left
    frame[85:394, 330:630] = right
    return frame
