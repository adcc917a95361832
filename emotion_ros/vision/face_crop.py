"""Square face crops, rolled so the eyes are level: a stable input for image-based models."""

import cv2
import numpy as np

# Outer eye corners of the MediaPipe mesh (the subject's right and left eye).
RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 33, 263


def aligned_crop(image_bgr: np.ndarray, landmarks: np.ndarray, size: int = 224) -> np.ndarray:
    """Return a (size, size, 3) crop centred on the face, eyes level, with a 25 % margin."""
    right, left = landmarks[RIGHT_EYE_OUTER, :2], landmarks[LEFT_EYE_OUTER, :2]
    angle = float(np.degrees(np.arctan2(left[1] - right[1], left[0] - right[0])))
    lo, hi = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
    centre = (lo + hi) / 2.0
    side = float(max(hi - lo)) * 1.25
    matrix = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), angle, size / side)
    matrix[:, 2] += np.array([size / 2.0, size / 2.0]) - centre
    return cv2.warpAffine(image_bgr, matrix, (size, size), flags=cv2.INTER_LINEAR)
