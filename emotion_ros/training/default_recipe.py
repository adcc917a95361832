"""The recipe that makes the default weights in models/ from data that can be made offline.

Faces: the real MediaPipe mesh of Grace Hopper's neutral portrait (and its mirror image) is the
base of every training identity; synthetic identities, FACS expressions and head poses are drawn
from it (``synthetic_faces``). The smiling astronaut is never trained on: it is the held-out real
photo that must come out Happy. Speech: espeak-ng sentences with per-class prosody
(``synthetic_speech``). Fusion: the trained models' outputs on held-out data, with modalities
randomly removed. Every number in the cards comes from data the models did not train on.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from emotion_ros.audio.features import DEFAULT_LOG_MEL, frames_for, log_mel
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.evaluation.metrics import classification_report, expected_calibration_error
from emotion_ros.landmarks.augmentation import mirror
from emotion_ros.landmarks.indices import LOWER_FACE_INDICES
from emotion_ros.landmarks.normalization import (
    NORMALIZATION_VERSION,
    all_landmark_features,
    lower_face_features,
)
from emotion_ros.models.export import export_model
from emotion_ros.training.calibration import fit_temperature, softmax
from emotion_ros.training.synthetic_faces import sample_faces
from emotion_ros.training.synthetic_speech import PROSODY, SAMPLE_RATE, speak
from emotion_ros.training.trainer import TrainConfig, predict_logits, train

RECIPE_COMMAND = ".venv/bin/python tools/make_default_models.py"
TEMPORAL_FRAMES = 16
NUM_CLASSES = len(CLASS_NAMES)

SENTENCES = (
    "I will bring the box to the kitchen now.",
    "The meeting starts at ten in the morning.",
    "Please put the cup on the table.",
    "We walked along the river yesterday.",
    "The robot is waiting at the door.",
    "My brother called me this afternoon.",
    "There is a letter for you on the desk.",
    "They moved to a new house last week.",
    "Turn left after the second corridor.",
    "The train leaves in twenty minutes.",
    "She painted the fence green.",
    "We need more paper for the printer.",
)
VOICES = ("en+m1", "en+m3", "en+f2", "en+f4", "en-us+m2", "en-us+f3")
HELD_OUT_SENTENCES = 3  # the last sentences are only in the test split


@dataclass
class TrainedModel:
    """A trained model with its calibration and held-out scores."""

    model: torch.nn.Module
    temperature: float
    metrics: dict[str, Any]


def score(logits: np.ndarray, labels: np.ndarray, temperature: float) -> dict[str, Any]:
    """Accuracy, macro-F1, per class, confusion, and ECE before and after temperature scaling."""
    report = classification_report(labels, logits.argmax(axis=1), NUM_CLASSES)
    return {
        **report.as_dict(CLASS_NAMES),
        "ece_before_temperature": expected_calibration_error(softmax(logits), labels),
        "ece_after_temperature": expected_calibration_error(softmax(logits, temperature), labels),
        "samples": len(labels),
    }


def fit(
    model: torch.nn.Module,
    train_inputs: list[np.ndarray],
    train_labels: np.ndarray,
    val_inputs: list[np.ndarray],
    val_labels: np.ndarray,
    test_inputs: list[np.ndarray],
    test_labels: np.ndarray,
    config: TrainConfig,
    name: str,
) -> TrainedModel:
    """Train, fit the temperature on validation data and score on test data."""
    model, losses = train(model, train_inputs, train_labels, NUM_CLASSES, config, name)
    temperature = fit_temperature(predict_logits(model, val_inputs), val_labels)
    metrics = score(predict_logits(model, test_inputs), test_labels, temperature)
    metrics["train_loss_first_last"] = [losses[0], losses[-1]]
    return TrainedModel(model, temperature, metrics)


def face_data(base: np.ndarray, seed: int, per_class: int) -> dict[str, tuple]:
    """Train / validation / test synthetic faces from ``base`` (each split new identities)."""
    bases = [base, mirror(base)]
    splits = {}
    for offset, (split, count) in enumerate(
        (("train", per_class), ("val", per_class // 4), ("test", per_class // 4))
    ):
        faces, labels, _ = sample_faces(bases, count, np.random.default_rng(seed + offset))
        splits[split] = (faces, labels)
    return splits


def speech_data(seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Log-mel windows of espeak-ng speech per class; test sentences are never trained on."""
    rng = np.random.default_rng(seed)
    window = round(DEFAULT_LOG_MEL.window_seconds * SAMPLE_RATE)
    data: dict[str, tuple[list, list]] = {"train": ([], []), "val": ([], []), "test": ([], [])}
    for label_index, label in enumerate(CLASS_NAMES):
        for s, sentence in enumerate(SENTENCES):
            split = "test" if s >= len(SENTENCES) - HELD_OUT_SENTENCES else "train"
            for voice in VOICES:
                prosody = {
                    key: int(value * rng.uniform(0.9, 1.1)) for key, value in PROSODY[label].items()
                }
                audio = speak(sentence, voice=voice, **prosody)
                start = rng.integers(0, max(1, len(audio) - window))
                clip = np.zeros(window, np.float32)
                piece = audio[start : start + window]
                clip[: len(piece)] = piece
                chosen = "val" if split == "train" and rng.random() < 0.2 else split
                data[chosen][0].append(clip)
                data[chosen][1].append(label_index)
    return {
        split: (log_mel(np.stack(clips)), np.array(labels))
        for split, (clips, labels) in data.items()
    }


def export_all(
    models: dict[str, TrainedModel], out_dir: Path, data_note: dict[str, str], seed: int
) -> None:
    """Export each model with its card (inputs, features, temperature, data, metrics)."""
    training = {"recipe": RECIPE_COMMAND, "seed": seed}
    frames = frames_for(DEFAULT_LOG_MEL)
    specs = {
        "lower_face": (
            {"features": torch.zeros(1, len(LOWER_FACE_INDICES) * 3)},
            {"features": {0: "batch"}},
            {"normalization": NORMALIZATION_VERSION, "landmark_indices": list(LOWER_FACE_INDICES)},
        ),
        "all_landmarks": (
            {"features": torch.zeros(1, 1434)},
            {"features": {0: "batch"}},
            {"normalization": NORMALIZATION_VERSION, "landmark_indices": "all 478"},
        ),
        "temporal": (
            {
                "frames": torch.zeros(1, TEMPORAL_FRAMES, 1434),
                "mask": torch.ones(1, TEMPORAL_FRAMES),
            },
            {"frames": {0: "batch", 1: "time"}, "mask": {0: "batch", 1: "time"}},
            {"normalization": NORMALIZATION_VERSION, "frames": TEMPORAL_FRAMES, "fps": 15},
        ),
        "audio": (
            {"log_mel": torch.zeros(1, frames, DEFAULT_LOG_MEL.n_mels)},
            {"log_mel": {0: "batch"}},
            {"log_mel": DEFAULT_LOG_MEL.__dict__, "frames": frames},
        ),
        "fusion": (
            {"log_probs": torch.zeros(1, 4, NUM_CLASSES), "available": torch.ones(1, 4)},
            {"log_probs": {0: "batch"}, "available": {0: "batch"}},
            {"modalities": ["lower_face", "all_landmarks", "temporal", "audio"]},
        ),
    }
    for role, trained in models.items():
        inputs, axes, features = specs[role]
        export_model(
            trained.model,
            inputs,
            axes,
            out_dir,
            role,
            role,
            features=features,
            temperature=round(trained.temperature, 4),
            training={**training, "data": data_note[role]},
            metrics=json.loads(json.dumps(trained.metrics)),
        )


def landmark_inputs(role: str, faces: np.ndarray) -> list[np.ndarray]:
    """The model inputs of a face role for normalised landmarks."""
    return [lower_face_features(faces) if role == "lower_face" else all_landmark_features(faces)]


def sequence_inputs(sequences: np.ndarray) -> list[np.ndarray]:
    """Temporal model inputs: per-frame features and an all-ones mask."""
    n, t = sequences.shape[:2]
    return [all_landmark_features(sequences), np.ones((n, t), np.float32)]
