"""Real face photos that ship inside installed packages (no dataset is committed or downloaded).

``skimage.data.astronaut()``: Eileen Collins, smiling (public domain, NASA).
matplotlib's ``grace_hopper.jpg``: Grace Hopper, a neutral portrait (public domain, US Navy).
"""

from pathlib import Path

import cv2
import matplotlib
import numpy as np


def astronaut_bgr() -> np.ndarray:
    """Return the 512x512 astronaut photo (smiling) as BGR."""
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def grace_hopper_bgr() -> np.ndarray:
    """Return the 512x600 Grace Hopper portrait (neutral) as BGR."""
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"matplotlib's sample photo is missing: {path}")
    return image


# Head-and-shoulders crops (y0, y1, x0, x1) around each face, found with MediaPipe once.
ASTRONAUT_HEAD = (10, 250, 115, 335)
GRACE_HOPPER_HEAD = (60, 420, 90, 440)


def head_crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Return ``image[y0:y1, x0:x1]`` as a copy."""
    y0, y1, x0, x1 = box
    return image[y0:y1, x0:x1].copy()
