"""The face models of the default set, trained on real labelled faces (FER2013 with FER+'s
votes, and the training persons of facial_expressions: ``recipe_data``).

Split: FER2013's own. Training (28,273 faces of the six classes) trains; PublicTest (3,533)
chooses the epoch, fits each temperature and trains the fusion model; PrivateTest (3,534) is
only ever scored. FER2013 has no subject ids, so the split is by image, as the benchmark is.
facial_expressions is split by person (``datasets/facial_expressions``).

Every model sees the meshes or crops through the same code as the nodes, augmented per batch
(``batch_augmentation``), with class weights (square root of inverse frequency of each class's
share of the targets: Worried and Surprised are rarer than Happy) and label smoothing. A FER2013
face's target is its label mixed with FER+'s ten annotators' votes (``targets``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.landmarks.normalization import all_landmark_features, lower_face_features
from emotion_ros.models.role_specs import CROP_SIZE, TEMPORAL_FRAMES
from emotion_ros.training.datasets.ferplus_votes import soft_targets
from emotion_ros.training.features.face_data import CROP_MARGIN, FaceSet
from emotion_ros.training.fitting.batch_augmentation import (
    Augment,
    centre_crops,
    crop_augmenter,
    landmark_augmenter,
    sequence_augmenter,
)
from emotion_ros.training.fitting.calibration import softmax
from emotion_ros.training.fitting.trainer import TrainConfig, TrainedModel, train_role

# Training sequences are half the history the node keeps (16 frames): the model pools over any
# length, and eight frames halve the cost, the largest of the landmark models'.
TRAIN_FRAMES = TEMPORAL_FRAMES // 2
# Head turns (yaw, pitch, roll, degrees) and landmark jitter (share of the eye distance) for the
# still-face landmark models: FER2013's faces are near frontal, and stronger turns (15, 10, 10)
# with 1 % jitter cost all_landmarks 0.01 of PublicTest accuracy.
HEAD_TURN = (5.0, 3.3, 3.3)
JITTER = 0.005
# How much of each FER2013 face's target is FER+'s vote shares (the rest is its FER2013 label).
# The appearance CNN, 6 epochs, PublicTest accuracy on FER2013 / FER+ labels: 0 -> 0.629 /
# 0.697, 0.25 -> 0.629 / 0.739, 0.5 -> 0.618 / 0.754 (and Worried recall 0.27, 0.19, 0.16:
# FER+'s annotators call few of FER2013's fearful faces fearful, and many faces Neutral).
FERPLUS_WEIGHT = 0.25
# The landmark models also learn from the appearance model's reading of each training face
# (knowledge distillation, Hinton et al. 2015): TEACHER_WEIGHT of their target is its
# probabilities at TEACHER_TEMPERATURE. all_landmarks, 20 epochs, PublicTest accuracy 0.516 ->
# 0.531 (FER+ weight 0.5); the teacher reads its own training faces only 0.72 right, so its
# probabilities say which faces are ambiguous rather than repeat the labels.
DISTILLED = ("lower_face", "all_landmarks", "temporal")
TEACHER_WEIGHT = 0.5
TEACHER_TEMPERATURE = 2.0


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


def targets(faces: FaceSet) -> np.ndarray:
    """(N, 6) training targets: each face's label, softened by FER+'s votes where it has them."""
    return soft_targets(faces.labels, faces.votes, FERPLUS_WEIGHT)


def distilled(targets: np.ndarray, teacher_logits: np.ndarray) -> np.ndarray:
    """A landmark model's targets: ``targets`` mixed with the teacher's softened probabilities."""
    teacher = softmax(teacher_logits, TEACHER_TEMPERATURE)
    return ((1 - TEACHER_WEIGHT) * targets + TEACHER_WEIGHT * teacher).astype(np.float32)


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
        "targets": f"FER2013 label {1 - FERPLUS_WEIGHT:g} + FER+ vote shares {FERPLUS_WEIGHT:g} "
        "(a face without FER+ votes: its label)"
        + (
            f"; then {1 - TEACHER_WEIGHT:g} of that + {TEACHER_WEIGHT:g} the appearance "
            f"model's probabilities at temperature {TEACHER_TEMPERATURE:g} (distillation)"
            if role in DISTILLED
            else ""
        ),
        "model_selection": "the epoch with the best FER2013 PublicTest accuracy",
    }
