"""The face models of the default set, trained on real labelled faces (FER2013).

Split: FER2013's own. Training (28,273 faces of the six classes) trains; PublicTest (3,533)
chooses the epoch, fits each temperature and trains the fusion model; PrivateTest (3,534) is
only ever scored. FER2013 has no subject ids, so the split is by image, as the benchmark is.

Every model sees the meshes or crops through the same code as the nodes, augmented per batch
(``batch_augmentation``), with class weights (square root of inverse frequency: Worried and
Surprised are rarer than Happy) and label smoothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.landmarks.normalization import all_landmark_features, lower_face_features
from emotion_ros.models.architectures import (
    AllLandmarkModel,
    AppearanceCNN,
    LowerFaceMLP,
    TemporalModel,
)
from emotion_ros.models.role_specs import CROP_SIZE, TEMPORAL_FRAMES
from emotion_ros.training.batch_augmentation import (
    centre_crops,
    crop_augmenter,
    landmark_augmenter,
    sequence_augmenter,
)
from emotion_ros.training.calibration import fit_temperature
from emotion_ros.training.face_data import CROP_MARGIN, FaceSet
from emotion_ros.training.trainer import Augment, TrainConfig, predict_logits, train

FACE_ROLES = ("lower_face", "all_landmarks", "temporal", "appearance")
# Training sequences are half the history the node keeps (16 frames): the model pools over any
# length, and eight frames halve the cost, the largest of the landmark models'.
TRAIN_FRAMES = TEMPORAL_FRAMES // 2
# Head turns (yaw, pitch, roll, degrees) and landmark jitter (share of the eye distance) for the
# still-face landmark models: FER2013's faces are near frontal, and stronger turns (15, 10, 10)
# with 1 % jitter cost all_landmarks 0.01 of PublicTest accuracy.
HEAD_TURN = (5.0, 3.3, 3.3)
JITTER = 0.005


@dataclass
class TrainedModel:
    """A trained model with its temperature (fitted on validation data)."""

    model: torch.nn.Module
    temperature: float
    config: TrainConfig


@dataclass(frozen=True)
class FaceRole:
    """How one face model is built, fed and trained."""

    architecture: type[torch.nn.Module]
    config: TrainConfig
    augment: Callable[[], Augment]
    inputs: Callable[[FaceSet], list[np.ndarray]]  # un-augmented model inputs
    kwargs: dict[str, Any] = field(default_factory=dict)  # the architecture's (also in the card)


def static_sequences(landmarks: np.ndarray, frames: int = TRAIN_FRAMES) -> list[np.ndarray]:
    """A still face as a temporal-model input: the same mesh in every frame, all frames valid."""
    features = all_landmark_features(landmarks)[:, None, :].repeat(frames, axis=1)
    return [features, np.ones(features.shape[:2], np.float32)]


ROLES: dict[str, FaceRole] = {
    "lower_face": FaceRole(
        LowerFaceMLP,
        TrainConfig(epochs=12, batch_size=256, learning_rate=1e-3, label_smoothing=0.1,
                    class_weight_power=0.5),
        lambda: landmark_augmenter(lower_face_features, HEAD_TURN, JITTER),
        lambda faces: [lower_face_features(faces.landmarks)],
    ),
    "all_landmarks": FaceRole(
        AllLandmarkModel,
        TrainConfig(epochs=40, batch_size=256, learning_rate=1e-3, label_smoothing=0.1,
                    class_weight_power=0.5),
        lambda: landmark_augmenter(all_landmark_features, HEAD_TURN, JITTER),
        lambda faces: [all_landmark_features(faces.landmarks)],
        {"hidden": 512, "dropout": 0.3},
    ),
    "temporal": FaceRole(
        TemporalModel,
        TrainConfig(epochs=6, batch_size=64, learning_rate=1e-3, label_smoothing=0.1,
                    class_weight_power=0.5),
        lambda: sequence_augmenter(TRAIN_FRAMES, all_landmark_features),
        lambda faces: static_sequences(faces.landmarks),
    ),
    "appearance": FaceRole(
        AppearanceCNN,
        TrainConfig(epochs=30, batch_size=128, learning_rate=2e-3, weight_decay=5e-4,
                    label_smoothing=0.1, class_weight_power=0.5),
        lambda: crop_augmenter(CROP_SIZE, CROP_MARGIN),
        lambda faces: [centre_crops(faces.crops, CROP_MARGIN)],
    ),
}  # fmt: skip


def raw_inputs(role: str, faces: FaceSet) -> list[np.ndarray]:
    """What the augmenter of ``role`` starts from: meshes, or crops with their margin."""
    return [faces.crops if role == "appearance" else faces.landmarks]


def train_face_model(
    role: str, train_set: FaceSet, validation: FaceSet, seed: int, progress: bool = True,
    epochs: int | None = None,
) -> TrainedModel:  # fmt: skip
    """Train one face model; keep its best validation epoch; fit its temperature."""
    spec = ROLES[role]
    config = spec.config
    config = TrainConfig(**{**config.__dict__, "seed": seed, "progress": progress,
                            "epochs": epochs or config.epochs})  # fmt: skip
    validation_inputs = spec.inputs(validation)
    model, _ = train(
        spec.architecture(**spec.kwargs), raw_inputs(role, train_set), train_set.labels,
        NUM_CLASSES, config, role, augment=spec.augment(),
        validation=(validation_inputs, validation.labels),
    )  # fmt: skip
    temperature = fit_temperature(predict_logits(model, validation_inputs), validation.labels)
    return TrainedModel(model, temperature, config)


def describe(role: str, trained: TrainedModel) -> dict[str, Any]:
    """What a card says about how the model was trained."""
    return {
        **trained.config.card_fields(),
        "augmentation": {
            "appearance": "shift inside a 6-px margin, rotation +-12 deg, scale +-8 %, "
            "horizontal flip, brightness +-25, contrast +-30 %",
            "temporal": f"each face as a {TRAIN_FRAMES}-frame sequence: head drift up to "
            "(10, 6, 6) deg yaw/pitch/roll, jitter 1 % of the eye distance per frame, mirrored "
            "half the time, leading frames masked at random",
        }.get(role, "mirrored half the time (left/right landmark swap), head turned by up to "
              f"{HEAD_TURN} deg yaw/pitch/roll, jitter {JITTER:.1%} of the eye distance"),
        "model_selection": "the epoch with the best FER2013 PublicTest accuracy",
    }  # fmt: skip
