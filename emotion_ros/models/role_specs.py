"""The model roles: the one registry of what each role is, takes and is built with.

The recipe, ``emotion-ros train``, ``emotion-ros export`` and the nodes all read this, so a role's
architecture and its arguments, input names, shapes, symbolic axes and feature definition cannot
drift between them. No torch here: the fusion node reads the role names at start-up and runs
the models in onnxruntime (importing torch costs seconds).
"""

from dataclasses import dataclass, field
from typing import Any

from emotion_ros.audio.features import DEFAULT_LOG_MEL, frames_for
from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.landmarks.indices import LOWER_FACE_INDICES
from emotion_ros.landmarks.normalization import (
    ALL_LANDMARK_FEATURES,
    LOWER_FACE_FEATURES,
    NORMALIZATION_VERSION,
)
from emotion_ros.vision.face_crop import EYE_LINE, EYE_SPACING

# The models the fusion node loads, each from its card: one per modality, then the fusion model.
# The occlusion model is a role too, but the face node runs it (it gates the face modalities).
PIPELINE_ROLES = ("lower_face", "all_landmarks", "temporal", "appearance", "audio", "fusion")
FACE_ROLES = PIPELINE_ROLES[:4]  # the models that read a face (mesh, history or crop)
# What the fusion model weighs, in its input order (EmotionStamped names them): every model's
# output, then the transcript's emotion scores, which come from the speech node, not a card.
MODALITIES = (*PIPELINE_ROLES[:-1], "transcript")
MODALITY_COUNT = len(MODALITIES)
TEMPORAL_FRAMES = 16
CROP_SIZE = 48  # FER2013's own resolution: a larger crop of its faces holds no more detail


@dataclass(frozen=True)
class RoleSpec:
    """A role's architecture (a class of ``architectures``) and the arguments it is built with
    (written into the card), example input shapes (batch 1), dynamic axes and features."""

    architecture: str
    shapes: dict[str, tuple[int, ...]]
    axes: dict[str, dict[int, str]]
    features: dict[str, Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


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
        {"hidden": 512, "dropout": 0.3},
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
        # the crop and its mirror image, logits averaged: FER2013 PublicTest accuracy 0.671 ->
        # 0.681 with the same weights, for twice the appearance model's time
        {"mirror_average": True},
    ),
    "audio": RoleSpec(
        "AudioModel",
        {
            "log_mel": (1, frames_for(DEFAULT_LOG_MEL), DEFAULT_LOG_MEL.n_mels),
            "reference": (1, 2, DEFAULT_LOG_MEL.n_mels),
        },
        {"log_mel": {0: "batch"}, "reference": {0: "batch"}},
        {"log_mel": DEFAULT_LOG_MEL.__dict__, "frames": frames_for(DEFAULT_LOG_MEL)},
    ),
    "occlusion": RoleSpec(
        "AppearanceCNN",
        {"crop": (1, CROP_SIZE, CROP_SIZE)},
        {"crop": {0: "batch"}},
        {"crop": "the appearance model's crop", "size": CROP_SIZE},
        {"channels": 8, "outputs": 4},  # visible, upper, lower or both halves hidden
    ),
    "fusion": RoleSpec(
        "FusionModel",
        {"log_probs": (1, MODALITY_COUNT, NUM_CLASSES), "available": (1, MODALITY_COUNT)},
        {"log_probs": {0: "batch"}, "available": {0: "batch"}},
        {"modalities": list(MODALITIES)},
    ),
}
