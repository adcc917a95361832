"""Landmark augmentation for training: jitter, small 3-D head rotations, left/right mirroring.

All work on (..., 478, 3) landmarks in any consistent frame (pixels or normalised); they are
applied before normalisation, so the model sees what a real camera would give.
"""

import numpy as np

from emotion_ros.landmarks.indices import MIRROR_PERMUTATION, NOSE_TIP


def jitter(points: np.ndarray, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Add independent Gaussian noise of ``scale`` (in the points' units) to every coordinate."""
    return points + rng.normal(0.0, scale, points.shape).astype(points.dtype)


def rotation_matrix(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """3x3 rotation for angles in radians (yaw about y, pitch about x, roll about z)."""
    cy, sy = np.cos(yaw), np.sin(yaw)
    cp, sp = np.cos(pitch), np.sin(pitch)
    cr, sr = np.cos(roll), np.sin(roll)
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return rz @ rx @ ry


def rotate(points: np.ndarray, yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Rotate one face (478, 3) about its nose tip."""
    centre = points[NOSE_TIP]
    rotated = (points - centre) @ rotation_matrix(yaw, pitch, roll).T + centre
    return rotated.astype(points.dtype)


def random_rotation(
    points: np.ndarray, max_degrees: tuple[float, float, float], rng: np.random.Generator
) -> np.ndarray:
    """Rotate by uniform random yaw, pitch and roll within +-max_degrees."""
    angles = np.radians(rng.uniform(-1, 1, 3) * np.asarray(max_degrees))
    return rotate(points, *angles)


def mirror(points: np.ndarray) -> np.ndarray:
    """Mirror a face left/right: flip x about the nose tip and swap left and right landmarks."""
    flipped = points.copy()
    centre_x = points[..., NOSE_TIP : NOSE_TIP + 1, 0]
    flipped[..., 0] = 2 * centre_x - points[..., 0]
    return flipped[..., MIRROR_PERMUTATION, :]
