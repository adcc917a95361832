"""Face boxes in pixels: from landmarks, clipped to the image, compared with each other.

A box is (x, y, width, height) in integer pixels. The face path compares boxes from two sources
(the detector's and the mesh's bounding box); measured on the package photos the detector's
square box is 0.89 of the mesh box's width and 1.01 of its height, with the same centre, so
both are compared and cropped by their centre and their larger side.
"""

import numpy as np

Box = tuple[int, int, int, int]  # x, y, width, height


def landmarks_box(landmarks: np.ndarray) -> Box:
    """The bounding box of the landmarks' x and y, also where it leaves the image."""
    x0, y0 = np.floor(landmarks[:, :2].min(axis=0)).astype(int)
    x1, y1 = np.ceil(landmarks[:, :2].max(axis=0)).astype(int)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def clip_box(box: Box, width: int, height: int) -> Box:
    """``box`` cut to a width x height image (zero-sized when it lies outside)."""
    x, y, w, h = box
    x0, x1 = max(0, x), min(width, x + w)
    y0, y1 = max(0, y), min(height, y + h)
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def centre_and_size(box: Box) -> tuple[np.ndarray, float]:
    """The box's centre and its larger side (at least one pixel)."""
    x, y, w, h = box
    return np.array([x + w / 2.0, y + h / 2.0]), max(float(max(w, h)), 1.0)


def match_cost(previous: Box, current: Box) -> float:
    """How unlikely ``current`` is the same face as ``previous``: the distance of their centres
    in face sizes plus the absolute log change of size."""
    c1, s1 = centre_and_size(previous)
    c2, s2 = centre_and_size(current)
    return float(np.linalg.norm(c1 - c2) / max(s1, s2) + abs(np.log(s2 / s1)))


def _intersection(a: Box, b: Box) -> int:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy


def overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not touch)."""
    inter = _intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def covered(a: Box, b: Box) -> float:
    """The fraction of the smaller of two boxes that the other one covers."""
    smaller = min(a[2] * a[3], b[2] * b[3])
    return _intersection(a, b) / smaller if smaller > 0 else 0.0


def contains_centre(outer: Box, inner: Box) -> bool:
    """Whether the centre of ``inner`` lies inside ``outer``."""
    (cx, cy), _ = centre_and_size(inner)
    x, y, w, h = outer
    return bool(x <= cx <= x + w and y <= cy <= y + h)
