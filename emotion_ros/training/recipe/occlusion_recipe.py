"""The face node's occlusion model: which half of a real face crop a pasted occluder hides.

Each FER2013 training face gets a fixed class (none, upper, lower or both hidden; 40/27/27/6 %)
and every epoch draws new occluders of that class on it (``occluders``), then the same shifts,
rotations and exposure changes as the appearance model. Validation (epoch choice, temperature)
and test use PublicTest and PrivateTest faces with occluders drawn once from fixed seeds.
"""

from typing import Any

import numpy as np
import torch

from emotion_ros.models.role_specs import CROP_SIZE
from emotion_ros.training.features.face_data import CROP_MARGIN, FaceSet
from emotion_ros.training.fitting.batch_augmentation import (
    Augment,
    Batch,
    centre_crops,
    crop_augmenter,
)
from emotion_ros.training.fitting.occluders import occlude, random_kinds
from emotion_ros.training.fitting.trainer import TrainConfig, TrainedModel, train_role
from emotion_ros.vision.occlusion import CLASSES

CONFIG = TrainConfig(epochs=8, batch_size=128, learning_rate=3e-3, weight_decay=5e-4,
                     class_weight_power=0.0)  # fmt: skip


def occluded(faces: FaceSet, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Crops (with margin) of ``faces`` with occluders drawn once, and their classes."""
    rng = np.random.default_rng(seed)
    kinds = random_kinds(len(faces), rng)
    crops = faces.crops.copy()
    for crop, kind in zip(crops, kinds, strict=True):
        occlude(crop, int(kind), CROP_SIZE, CROP_MARGIN, rng)
    return crops, kinds


def occlusion_augmenter() -> Augment:
    """Batches of (clean crop, class) -> crops with fresh occluders of that class, augmented."""
    geometry = crop_augmenter(CROP_SIZE, CROP_MARGIN)

    def augment(batch: Batch, generator: torch.Generator) -> Batch:
        rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=generator)))
        crops = batch[0].numpy().copy()
        for crop, kind in zip(crops, batch[1].numpy(), strict=True):
            occlude(crop, int(kind), CROP_SIZE, CROP_MARGIN, rng)
        return geometry([torch.from_numpy(crops)], generator)

    return augment


def train_occlusion_model(
    train_set: FaceSet, validation: FaceSet, seed: int, progress: bool = True,
    epochs: int | None = None,
) -> tuple[TrainedModel, tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    """Train the occlusion model; return it and the validation crops it was chosen on."""
    kinds = random_kinds(len(train_set), np.random.default_rng(seed))
    config = CONFIG.for_run(seed, progress, epochs)
    crops, labels = occluded(validation, seed + 1)
    held_out = ([centre_crops(crops, CROP_MARGIN)], labels)
    trained = train_role(
        "occlusion", [train_set.crops, kinds], kinds, len(CLASSES), config,
        occlusion_augmenter(), held_out,
    )  # fmt: skip
    return trained, (crops, labels)


def visibility_scores(logits: np.ndarray, kinds: np.ndarray) -> dict[str, Any]:
    """How often the model gets each half right, and the four-class accuracy."""
    predicted = logits.argmax(axis=1)
    upper_true, lower_true = (kinds & 1) > 0, (kinds & 2) > 0
    return {
        "four_class_accuracy": float((predicted == kinds).mean()),
        "upper_hidden_accuracy": float((((predicted & 1) > 0) == upper_true).mean()),
        "lower_hidden_accuracy": float((((predicted & 2) > 0) == lower_true).mean()),
        "clean_faces_called_visible": float((predicted[kinds == 0] == 0).mean()),
        "samples": len(kinds),
    }
