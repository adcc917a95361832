"""Frames with real faces for the benchmarks (the photos that ship in packages), on a grid."""

import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from package_photos import PHOTOS, compose_faces


def grid_faces(count: int, width: int, height: int) -> list[tuple[str, float, float, float]]:
    """``count`` faces, alternating photos, one per cell of a grid over the frame, each as large
    as its cell allows (its head is about 1.8 face widths wide and 2 tall), at most 220 px."""
    cols = math.ceil(math.sqrt(count * width / height))
    rows = math.ceil(count / cols)
    cell_w, cell_h = width / cols, height / rows
    face = min(cell_w / 1.8, cell_h / 2.0, 220.0)
    return [
        (PHOTOS[i % 2], face, (i % cols + 0.5) * cell_w, (i // cols + 0.5) * cell_h)
        for i in range(count)
    ]


def frame_with_faces(count: int, width: int = 640, height: int = 480) -> np.ndarray:
    """A width x height BGR frame with ``count`` real faces on a grid."""
    frame, _ = compose_faces(width, height, grid_faces(count, width, height))
    return frame
