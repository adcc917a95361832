"""PNG plots for training and evaluation reports (matplotlib, no display needed)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def confusion_png(confusion: np.ndarray, class_names: list[str], path: Path, title: str) -> None:
    """A confusion matrix with counts, rows normalised for the colour."""
    confusion = np.asarray(confusion)
    rows = confusion / np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    for (i, j), value in np.ndenumerate(confusion):
        ax.text(j, i, str(value), ha="center", va="center",
                color="white" if rows[i, j] > 0.5 else "black")  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def bars_png(names: list[str], series: dict[str, list[float]], path: Path, title: str) -> None:
    """Grouped bars, one group per class."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.8 / len(series)
    for k, (label, values) in enumerate(series.items()):
        ax.bar(np.arange(len(names)) + k * width, values, width, label=label)
    ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names)
    ax.set_ylim(0, 1.05)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def latency_png(latencies_ms: list[float], path: Path, title: str) -> None:
    """A histogram of latencies (finite values)."""
    values = np.asarray([v for v in latencies_ms if np.isfinite(v)])
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(values, bins=30 if values.size else 1, color="tab:blue")
    ax.set_xlabel("ms")
    ax.set_ylabel("estimates")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def timeline_png(records: list, ranges: list, names: list[str], path: Path, title: str) -> None:
    """Per face: the predicted class over time (dots) against the ground-truth ranges (bars)."""
    faces = sorted({r.face_id for r in records}) or ["(none)"]
    fig, axes = plt.subplots(len(faces), 1, figsize=(8, 1.8 * len(faces) + 0.6), squeeze=False)
    for ax, face in zip(axes[:, 0], faces, strict=True):
        for r in ranges:
            if r.face_id in (face, "*"):
                y = names.index(r.label)
                ax.plot([r.start_ns / 1e9, r.end_ns / 1e9], [y, y], lw=8, alpha=0.3, color="green")
        mine = [r for r in records if r.face_id == face]
        ax.scatter([r.t_ns / 1e9 for r in mine], [names.index(r.label) for r in mine], s=6)
        ax.set_yticks(range(len(names)), names)
        ax.set_ylabel(face)
    axes[-1, 0].set_xlabel("seconds from the start of the bag (green: ground truth)")
    axes[0, 0].set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
