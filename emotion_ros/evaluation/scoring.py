"""Scores emotion records against ground truth: the numbers of the evaluation report."""

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.evaluation.ground_truth import LabelRange, label_at
from emotion_ros.evaluation.metrics import classification_report
from emotion_ros.evaluation.records import EmotionRecord

INDEX = {name: i for i, name in enumerate(CLASS_NAMES)}


def score_records(
    records: list[EmotionRecord], ranges: list[LabelRange], frame_times_ns: np.ndarray
) -> dict:
    """Accuracy, macro-F1, per class, confusion, coverage and latency percentiles."""
    truth, predicted = [], []
    for record in records:
        label = label_at(ranges, record.t_ns, record.face_id)
        if label is not None:
            truth.append(INDEX[label])
            predicted.append(INDEX[record.label])
    report = classification_report(np.array(truth, int), np.array(predicted, int), len(CLASS_NAMES))
    labelled_frames = [t for t in frame_times_ns if any(r.start_ns <= t < r.end_ns for r in ranges)]
    answered = {r.t_ns for r in records}
    covered = sum(1 for t in labelled_frames if t in answered)
    latencies = np.array([r.latency_s for r in records if np.isfinite(r.latency_s)]) * 1e3
    return {
        **report.as_dict(CLASS_NAMES),
        "scored_estimates": len(truth),
        "coverage": covered / len(labelled_frames) if labelled_frames else 0.0,
        "labelled_frames": len(labelled_frames),
        "latency_ms": {
            "p50": float(np.percentile(latencies, 50)) if latencies.size else None,
            "p99": float(np.percentile(latencies, 99)) if latencies.size else None,
            "max": float(latencies.max()) if latencies.size else None,
        },
    }


def span_warnings(ranges: list[LabelRange], bag_duration_ns: int) -> list[str]:
    """Warnings for labels that lie (partly) outside the bag."""
    return [
        f"label {r.label} for {r.face_id} at {r.start_ns / 1e9:.2f}-{r.end_ns / 1e9:.2f} s lies "
        f"outside the bag (0-{bag_duration_ns / 1e9:.2f} s)"
        for r in ranges
        if r.start_ns < 0 or r.end_ns > bag_duration_ns + 1_000_000_000
    ]
