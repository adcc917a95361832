"""What each model role takes as input: the one definition used by every export and card.

The recipe, ``emotion-ros train`` and ``emotion-ros export`` all export through this, so a role's
input names, shapes, symbolic axes and feature definition cannot drift between them.
"""

from dataclasses import dataclass
from typing import Any

import torch

from emotion_ros.audio.features import DEFAULT_LOG_MEL, frames_for
from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.landmarks.indices import LOWER_FACE_INDICES
from emotion_ros.landmarks.normalization import (
    ALL_LANDMARK_FEATURES,
    LOWER_FACE_FEATURES,
    NORMALIZATION_VERSION,
)
from emotion_ros.models.model_files import MODALITIES
from emotion_ros.vision.face_crop import EYE_LINE, EYE_SPACING

TEMPORAL_FRAMES = 16
CROP_SIZE = 48  # FER2013's own resolution: a larger crop of its faces holds no more detail
MODALITY_COUNT = len(MODALITIES)


@dataclass(frozen=True)
class RoleSpec:
    """A role's architecture, example input shapes (batch 1), dynamic axes and features."""

    architecture: str
    shapes: dict[str, tuple[int, ...]]
    axes: dict[str, dict[int, str]]
    features: dict[str, Any]

    def example_inputs(self) -> dict[str, torch.Tensor]:
        """Zero inputs of the example shapes (masks of ones), for export."""
        return {
            name: torch.ones(shape) if name in ("mask", "available") else torch.zeros(shape)
            for name, shape in self.shapes.items()
        }


SPECS = {
    "lower_face": RoleSpec(
        "LowerFaceMLP",
        {"features": (1, LOWER_FACE_FEATURES)},
        {"features": {0: "batch"}},
        {"normalization": NORMALIZATION_VERSION, "landmark_indices": list(LOWER_FACE_INDICES)},
    ),
    "all_landmarks": RoleSpec(
        "AllLandmarkModel",
        {"features": (1, ALL_LANDMARK_FEATURES)},
        {"features": {0: "batch"}},
        {"normalization": NORMALIZATION_VERSION, "landmark_indices": "all 478"},
    ),
    "temporal": RoleSpec(
        "TemporalModel",
        {"frames": (1, TEMPORAL_FRAMES, ALL_LANDMARK_FEATURES), "mask": (1, TEMPORAL_FRAMES)},
        {"frames": {0: "batch", 1: "time"}, "mask": {0: "batch", 1: "time"}},
        {"normalization": NORMALIZATION_VERSION, "frames": TEMPORAL_FRAMES, "fps": 15},
    ),
    "appearance": RoleSpec(
        "AppearanceCNN",
        {"crop": (1, CROP_SIZE, CROP_SIZE)},
        {"crop": {0: "batch"}},
        {
            "crop": "grey, 0-255, aligned with the mesh (vision/face_crop.py)",
            "size": CROP_SIZE,
            "eye_line": EYE_LINE,
            "eye_spacing": EYE_SPACING,
        },
    ),
    "audio": RoleSpec(
        "AudioModel",
        {"log_mel": (1, frames_for(DEFAULT_LOG_MEL), DEFAULT_LOG_MEL.n_mels)},
        {"log_mel": {0: "batch"}},
        {"log_mel": DEFAULT_LOG_MEL.__dict__, "frames": frames_for(DEFAULT_LOG_MEL)},
    ),
    "occlusion": RoleSpec(
        "AppearanceCNN",
        {"crop": (1, CROP_SIZE, CROP_SIZE)},
        {"crop": {0: "batch"}},
        {"crop": "the appearance model's crop", "size": CROP_SIZE},
    ),
    "fusion": RoleSpec(
        "FusionModel",
        {"log_probs": (1, MODALITY_COUNT, NUM_CLASSES), "available": (1, MODALITY_COUNT)},
        {"log_probs": {0: "batch"}, "available": {0: "batch"}},
        {"modalities": list(MODALITIES)},
    ),
}
