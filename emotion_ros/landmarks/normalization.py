"""Landmark normalisation: the one definition shared by training and the nodes.

Pixels depend on where the face is, how big it is and how the head is tilted; the models should
only see the shape of the face. So points are (1) centred on the nose tip, (2) rolled in the image
plane so the outer eye corners are level, and (3) divided by the 3-D distance between the outer
eye corners (inter-ocular distance; 3-D so that turning the head does not shrink it). z is on the
same scale as x (FaceLandmarks.msg), so it goes through the same scaling. Yaw and pitch are left
in: the models learn them from augmentation. Model cards name this by ``NORMALIZATION_VERSION``.
"""

import numpy as np

from emotion_ros.landmarks.indices import (
    LEFT_EYE_OUTER,
    LOWER_FACE_INDICES,
    NOSE_TIP,
    NUM_LANDMARKS,
    RIGHT_EYE_OUTER,
)

NORMALIZATION_VERSION = "nose-tip-centre/eye-roll/iod-3d/v1"
LOWER_FACE_FEATURES = len(LOWER_FACE_INDICES) * 3  # 189
ALL_LANDMARK_FEATURES = NUM_LANDMARKS * 3  # 1434


def normalize_landmarks(points: np.ndarray) -> np.ndarray:
    """Return (..., 478, 3) landmarks centred, eye-levelled and scaled (float32).

    Raises:
        ValueError: for a shape other than (..., 478, 3), or eyes on top of each other.
    """
    points = np.asarray(points, dtype=np.float32)
    if points.shape[-2:] != (NUM_LANDMARKS, 3):
        raise ValueError(f"expected (..., {NUM_LANDMARKS}, 3) landmarks, got {points.shape}")
    centred = points - points[..., NOSE_TIP : NOSE_TIP + 1, :]
    eyes = points[..., LEFT_EYE_OUTER, :] - points[..., RIGHT_EYE_OUTER, :]
    distance = np.linalg.norm(eyes, axis=-1)
    if np.any(distance < 1e-6):
        raise ValueError("the outer eye corners coincide; cannot normalise these landmarks")
    angle = np.arctan2(eyes[..., 1], eyes[..., 0])
    cos, sin = np.cos(-angle)[..., None], np.sin(-angle)[..., None]
    x, y, z = centred[..., 0], centred[..., 1], centred[..., 2]
    rolled = np.stack([x * cos - y * sin, x * sin + y * cos, z], axis=-1)
    return (rolled / distance[..., None, None]).astype(np.float32)


def lower_face_features(points: np.ndarray) -> np.ndarray:
    """Return (..., 189): the normalised 63 lower-face points, flattened x, y, z per point."""
    normalized = normalize_landmarks(points)[..., LOWER_FACE_INDICES, :]
    return normalized.reshape(*normalized.shape[:-2], LOWER_FACE_FEATURES)


def all_landmark_features(points: np.ndarray) -> np.ndarray:
    """Return (..., 1434): all 478 normalised points, flattened."""
    normalized = normalize_landmarks(points)
    return normalized.reshape(*normalized.shape[:-2], ALL_LANDMARK_FEATURES)
