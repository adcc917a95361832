"""The held-out scores every model card carries, computed one way for every model."""

from typing import Any

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES, NUM_CLASSES
from emotion_ros.evaluation.metrics import classification_report, expected_calibration_error
from emotion_ros.training.fitting.calibration import softmax


def score(logits: np.ndarray, labels: np.ndarray, temperature: float) -> dict[str, Any]:
    """Accuracy, balanced recall (the mean of the per-class recalls of the classes present),
    macro-F1, per class, confusion, and ECE before and after temperature scaling."""
    report = classification_report(labels, logits.argmax(axis=1), NUM_CLASSES)
    present = np.bincount(labels, minlength=NUM_CLASSES) > 0
    return {
        **report.as_dict(CLASS_NAMES),
        "balanced_recall": float(np.asarray(report.recall)[present].mean()),
        "ece_before_temperature": expected_calibration_error(softmax(logits), labels),
        "ece_after_temperature": expected_calibration_error(softmax(logits, temperature), labels),
        "samples": len(labels),
    }


def summary_line(name: str, metrics: dict[str, Any]) -> str:
    """One line for progress output: accuracy, balanced recall and per-class recall."""
    recalls = " ".join(
        f"{c[:3]} {metrics['per_class'][c]['recall']:.2f}"
        for c in CLASS_NAMES
        if metrics["per_class"][c]["support"]
    )
    return (
        f"{name}: accuracy {metrics['accuracy']:.3f}, balanced recall "
        f"{metrics['balanced_recall']:.3f} ({recalls}), ECE {metrics['ece_after_temperature']:.3f}"
    )
