"""Face crops aligned with the mesh: eyes level, at fixed places, a fixed distance apart.

The appearance model sees every face the same way whatever the camera, the distance or the head
roll: a similarity transform puts the centres of the two eyes (the mean of each eye's corners)
on one row at ``EYE_LINE`` of the crop's height, ``EYE_SPACING`` of its width apart. Those two
numbers are the median framing of FER2013's faces as MediaPipe sees them (7,067 test images:
eye centres 0.359 of the width apart, their midpoint at 0.394 of the height, the chin at the
bottom edge), so a crop from a camera frame looks like the faces the model was trained on.
Pixels outside the image repeat the border.
"""

import cv2
import numpy as np

from emotion_ros.landmarks.indices import (
    LEFT_EYE_INNER,
    LEFT_EYE_OUTER,
    RIGHT_EYE_INNER,
    RIGHT_EYE_OUTER,
)

EYE_LINE = 0.394
EYE_SPACING = 0.359


def eye_centres(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(right, left) eye centres in pixels: the means of each eye's two corners."""
    right = (landmarks[RIGHT_EYE_OUTER, :2] + landmarks[RIGHT_EYE_INNER, :2]) / 2.0
    left = (landmarks[LEFT_EYE_OUTER, :2] + landmarks[LEFT_EYE_INNER, :2]) / 2.0
    return right, left


def alignment_matrix(landmarks: np.ndarray, size: int, margin: int = 0) -> np.ndarray:
    """The 2x3 affine matrix from image pixels to a (size + 2 * margin)^2 aligned crop.

    ``margin`` widens the crop on every side at the same scale (training shifts the crop inside
    it); the canonical crop is the centre ``size`` x ``size``.

    Raises:
        ValueError: the eye centres coincide (not a face mesh).
    """
    right, left = eye_centres(np.asarray(landmarks, dtype=np.float64))
    delta = left - right
    distance = float(np.hypot(*delta))
    if distance < 1e-6:
        raise ValueError("the eye centres coincide; cannot align this face")
    scale = EYE_SPACING * size / distance
    angle = np.arctan2(delta[1], delta[0])
    cos, sin = scale * np.cos(-angle), scale * np.sin(-angle)
    rotation = np.array([[cos, -sin], [sin, cos]])
    middle = (left + right) / 2.0
    target = np.array([0.5 * size + margin, EYE_LINE * size + margin])
    return np.hstack([rotation, (target - rotation @ middle)[:, None]])


def aligned_crop(
    image: np.ndarray, landmarks: np.ndarray, size: int, margin: int = 0
) -> np.ndarray:
    """The aligned face crop of ``image`` (grey or BGR, the crop has the same channels).

    A face much larger than the crop is first shrunk by area averaging (only the region the crop
    covers), so a 400-pixel face does not alias into a 48-pixel crop; bilinear warping alone
    would sample it like a nearest-neighbour resize.
    """
    side = size + 2 * margin
    matrix = alignment_matrix(landmarks, size, margin)
    scale = float(np.hypot(*matrix[0, :2]))
    if scale < 0.5:
        corners = np.array([[0, 0], [side, 0], [0, side], [side, side]], np.float64)
        inverse = cv2.invertAffineTransform(matrix)
        inside = corners @ inverse[:, :2].T + inverse[:, 2]
        height, width = image.shape[:2]
        x0, y0 = np.clip(np.floor(inside.min(axis=0)).astype(int) - 2, 0, [width, height])
        x1, y1 = np.clip(np.ceil(inside.max(axis=0)).astype(int) + 2, 0, [width, height])
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            shrink = 2.0 * scale
            region = cv2.resize(
                image[y0:y1, x0:x1], None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA
            )
            # region pixel r = (image pixel - (x0, y0)) * shrink: fold that into the matrix
            matrix = np.hstack([matrix[:, :2] / shrink, (matrix @ [x0, y0, 1.0])[:, None]])
            image = region
    return cv2.warpAffine(
        image, matrix, (side, side), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
