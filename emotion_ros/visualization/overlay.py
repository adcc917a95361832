"""Draws each face's box, id, label and class probabilities over a frame.

One drawing for every place that shows results: the overlay node's ``emotion/debug_image`` and
``emotion-ros show`` (images, videos, bags). Plain OpenCV on BGR arrays, no ROS.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

GREEN, WHITE, DARK = (60, 200, 60), (255, 255, 255), (40, 40, 40)
FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class FaceOverlay:
    """What is drawn for one face; ``probabilities`` may be empty (no emotion yet)."""

    face_id: str
    roi: tuple[int, int, int, int]  # x, y, width, height in pixels
    label: str = ""
    confidence: float = 0.0
    probabilities: Sequence[float] = ()
    class_names: Sequence[str] = ()
    valence: float = 0.0
    arousal: float = 0.0


def _text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float) -> None:
    """White text on a dark band, readable on any background."""
    (width, height), base = cv2.getTextSize(text, FONT, scale, 1)
    x, y = origin
    cv2.rectangle(image, (x, y - height - 3), (x + width + 4, y + base), DARK, cv2.FILLED)
    cv2.putText(image, text, (x + 2, y - 1), FONT, scale, WHITE, 1, cv2.LINE_AA)


def draw_faces(image_bgr: np.ndarray, faces: Sequence[FaceOverlay]) -> np.ndarray:
    """Return a copy of ``image_bgr`` with every face drawn on it."""
    out = image_bgr.copy()
    scale = max(0.4, min(out.shape[:2]) / 900)
    line = int(22 * scale / 0.5)
    for face in faces:
        x, y, w, h = face.roi
        cv2.rectangle(out, (x, y), (x + w, y + h), GREEN, max(1, round(2 * scale / 0.5)))
        title = face.face_id
        if face.label:
            title += f"  {face.label} {face.confidence:.2f}"
        _text(out, title, (x, max(line, y - 4)), scale)
        if not len(face.probabilities):
            continue
        _text(
            out, f"valence {face.valence:+.2f}  arousal {face.arousal:+.2f}",
            (x, y + h + line), scale,
        )  # fmt: skip
        bar_width = max(w, int(120 * scale / 0.5))
        draw_bars(out, (x, y + h + line + 6), bar_width, line, face.class_names,
                  face.probabilities, scale)  # fmt: skip
    return out


def draw_bars(
    image: np.ndarray,
    origin: tuple[int, int],
    width: int,
    line: int,
    class_names: Sequence[str],
    probabilities: Sequence[float],
    scale: float,
) -> None:
    """One bar per class, ``width`` pixels for probability 1, from ``origin`` down, in place."""
    x, y = origin
    for k, (name, p) in enumerate(zip(class_names, probabilities, strict=True)):
        top = y + line * k
        cv2.rectangle(image, (x, top), (x + int(width * p), top + line - 6), GREEN, -1)
        cv2.putText(image, f"{name} {p:.2f}", (x + 2, top + line - 9), FONT, scale * 0.8,
                    WHITE, 1, cv2.LINE_AA)  # fmt: skip
