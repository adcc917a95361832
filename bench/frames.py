"""640x480 frames with 1 or 4 real faces (the photos that ship in packages), for the benchmarks."""

import cv2
import numpy as np

from emotion_ros.training.package_photos import (
    ASTRONAUT_HEAD,
    GRACE_HOPPER_HEAD,
    astronaut_bgr,
    grace_hopper_bgr,
    head_crop,
)


def frame_with_faces(count: int) -> np.ndarray:
    """One face centred, or four heads in a 2x2 grid."""
    heads = [
        head_crop(astronaut_bgr(), ASTRONAUT_HEAD),
        head_crop(grace_hopper_bgr(), GRACE_HOPPER_HEAD),
    ]
    frame = np.full((480, 640, 3), 110, np.uint8)
    if count == 1:
        head = cv2.resize(heads[0], (300, 327))
        frame[76:403, 170:470] = head
        return frame
    if count != 4:
        raise ValueError("frames have 1 or 4 faces")
    for i in range(4):
        head = cv2.resize(heads[i % 2], (300, 230))
        row, col = divmod(i, 2)
        frame[5 + row * 240 : 235 + row * 240, 10 + col * 320 : 310 + col * 320] = head
    return frame
