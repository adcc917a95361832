"""Classification metrics in numpy: accuracy, macro-F1, per-class precision/recall, confusion
matrix and expected calibration error. Small enough to own, so no scikit-learn at run time."""

import itertools
from dataclasses import dataclass

import numpy as np


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts (num_classes, num_classes): rows are the true class, columns the predicted one."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(truth), np.asarray(predicted)), 1)
    return matrix


@dataclass(frozen=True)
class ClassificationReport:
    """The scores of one set of predictions."""

    accuracy: float
    macro_f1: float
    precision: list[float]
    recall: list[float]
    f1: list[float]
    support: list[int]
    confusion: list[list[int]]

    def as_dict(self, class_names: list[str] | tuple[str, ...]) -> dict:
        """A JSON-friendly dict with per-class entries by name."""
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_class": {
                name: {"precision": p, "recall": r, "f1": f, "support": s}
                for name, p, r, f, s in zip(
                    class_names, self.precision, self.recall, self.f1, self.support, strict=True
                )
            },
            "confusion_matrix": self.confusion,
        }


def classification_report(
    truth: np.ndarray, predicted: np.ndarray, num_classes: int
) -> ClassificationReport:
    """Scores; macro-F1 averages over the classes that occur in truth or predictions."""
    matrix = confusion_matrix(truth, predicted, num_classes)
    tp = np.diag(matrix).astype(float)
    predicted_count, true_count = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(tp, predicted_count, out=np.zeros_like(tp), where=predicted_count > 0)
    recall = np.divide(tp, true_count, out=np.zeros_like(tp), where=true_count > 0)
    denominator = precision + recall
    f1 = np.divide(
        2 * precision * recall, denominator, out=np.zeros_like(tp), where=denominator > 0
    )
    present = (true_count + predicted_count) > 0
    total = matrix.sum()
    return ClassificationReport(
        accuracy=float(tp.sum() / total) if total else 0.0,
        macro_f1=float(f1[present].mean()) if present.any() else 0.0,
        precision=precision.tolist(),
        recall=recall.tolist(),
        f1=f1.tolist(),
        support=true_count.astype(int).tolist(),
        confusion=matrix.tolist(),
    )


def expected_calibration_error(
    probabilities: np.ndarray, truth: np.ndarray, bins: int = 10
) -> float:
    """ECE: the bin-weighted gap between confidence and accuracy over equal-width bins."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(truth)
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for lo, hi in itertools.pairwise(edges):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(error)
