"""The face models of the default set, trained on real labelled faces (FER2013).

Split: FER2013's own. Training (28,273 faces of the six classes) trains; PublicTest (3,533)
chooses the epoch, fits each temperature and trains the fusion model; PrivateTest (3,534) is
only ever scored. FER2013 has no subject ids, so the split is by image, as the benchmark is.

Every model sees the meshes or crops through the same code as the nodes, augmented per batch
(``batch_augmentation``), with class weights (square root of inverse frequency: Worried and
Surprised are rarer than Happy) and label smoothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.landmarks.normalization import all_landmark_features, lower_face_features
from emotion_ros.models.role_specs import CROP_SIZE, TEMPORAL_FRAMES
from emotion_ros.training.features.face_data import CROP_MARGIN, FaceSet
from emotion_ros.training.fitting.batch_augmentation import (
    Augment,
    centre_crops,
    crop_augmenter,
    landmark_augmenter,
    sequence_augmenter,
)
from emotion_ros.training.fitting.trainer import TrainConfig, TrainedModel, train_role

# Training sequences are half the history the node keeps (16 frames): the model pools over any
# length, and eight frames halve the cost, the largest of the landmark models'.
TRAIN_FRAMES = TEMPORAL_FRAMES // 2
# Head turns (yaw, pitch, roll, degrees) and landmark jitter (share of the eye distance) for the
# still-face landmark models: FER2013's faces are near frontal, and stronger turns (15, 10, 10)
# with 1 % jitter cost all_landmarks 0.01 of PublicTest accuracy.
HEAD_TURN = (5.0, 3.3, 3.3)
JITTER = 0.005


@dataclass(frozen=True)
class FaceRecipe:
    """How one face model is fed and trained (its architecture is the role registry's).

    ``reads`` is what the augmenter starts from: pixel meshes (N, 478, 3), or crops with their
    margin; ``features`` turns that into the un-augmented model inputs (validation, test).
    """

    reads: Literal["meshes", "crops"]
    config: TrainConfig
    augment: Callable[[], Augment]
    features: Callable[[np.ndarray], list[np.ndarray]]


def static_sequences(landmarks: np.ndarray, frames: int = TRAIN_FRAMES) -> list[np.ndarray]:
    """A still face as a temporal-model input: the same mesh in every frame, all frames valid."""
    features = all_landmark_features(landmarks)[:, None, :].repeat(frames, axis=1)
    return [features, np.ones(features.shape[:2], np.float32)]


FACE_RECIPES: dict[str, FaceRecipe] = {
    "lower_face": FaceRecipe(
        "meshes",
        TrainConfig(epochs=12, batch_size=256, learning_rate=1e-3, label_smoothing=0.1,
                    class_weight_power=0.5),
        lambda: landmark_augmenter(lower_face_features, HEAD_TURN, JITTER),
        lambda meshes: [lower_face_features(meshes)],
    ),
    "all_landmarks": FaceRecipe(
        "meshes",
        TrainConfig(epochs=40, batch_size=256, learning_rate=1e-3, label_smoothing=0.1,
                    class_weight_power=0.5),
        lambda: landmark_augmenter(all_landmark_features, HEAD_TURN, JITTER),
        lambda meshes: [all_landmark_features(meshes)],
    ),
    "temporal": FaceRecipe(
        "meshes",
        TrainConfig(epochs=6, batch_size=64, learning_rate=1e-3, label_smoothing=0.1,
                    class_weight_power=0.5),
        lambda: sequence_augmenter(TRAIN_FRAMES, all_landmark_features),
        static_sequences,
    ),
    "appearance": FaceRecipe(
        "crops",
        TrainConfig(epochs=30, batch_size=128, learning_rate=2e-3, weight_decay=5e-4,
                    label_smoothing=0.1, class_weight_power=0.5),
        lambda: crop_augmenter(CROP_SIZE, CROP_MARGIN),
        lambda crops: [centre_crops(crops, CROP_MARGIN)],
    ),
}  # fmt: skip


def raw_inputs(role: str, faces: FaceSet) -> np.ndarray:
    """What the augmenter of ``role`` starts from: meshes, or crops with their margin."""
    return faces.crops if FACE_RECIPES[role].reads == "crops" else faces.landmarks


def model_inputs(role: str, faces: FaceSet) -> list[np.ndarray]:
    """The un-augmented inputs of the ``role`` model for ``faces``."""
    return FACE_RECIPES[role].features(raw_inputs(role, faces))


def train_face_model(
    role: str, train_raw: np.ndarray, train_labels: np.ndarray, validation_raw: np.ndarray,
    validation_labels: np.ndarray, seed: int, progress: bool = True, epochs: int | None = None,
) -> TrainedModel:  # fmt: skip
    """Train one face model on raw inputs (``FaceRecipe.reads``); keep its best validation
    epoch; fit its temperature. The recipe and ``emotion-ros train`` both train through this."""
    recipe = FACE_RECIPES[role]
    config = recipe.config.for_run(seed, progress, epochs)
    validation = (recipe.features(validation_raw), validation_labels)
    return train_role(
        role, [train_raw], train_labels, NUM_CLASSES, config, recipe.augment(), validation
    )


def augmentation(role: str) -> str:
    """How the ``role`` model's batches are augmented, as its card says."""
    return {
        "appearance": "shift inside a 6-px margin, rotation +-12 deg, scale +-8 %, "
        "horizontal flip, brightness +-25, contrast +-30 %",
        "temporal": f"each face as a {TRAIN_FRAMES}-frame sequence: head drift up to "
        "(10, 6, 6) deg yaw/pitch/roll, jitter 1 % of the eye distance per frame, mirrored "
        "half the time, leading frames masked at random",
    }.get(role, "mirrored half the time (left/right landmark swap), head turned by up to "
          f"{HEAD_TURN} deg yaw/pitch/roll, jitter {JITTER:.1%} of the eye distance")  # fmt: skip


def describe(role: str, trained: TrainedModel) -> dict[str, Any]:
    """What a card says about how the model was trained."""
    return {
        **trained.config.card_fields(),
        "augmentation": augmentation(role),
        "model_selection": "the epoch with the best FER2013 PublicTest accuracy",
    }
