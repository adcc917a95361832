"""A picture of the explanations: per face, the crop under its Grad-CAM heat map, the face with
each landmark drawn by its saliency, and the fused probabilities."""

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from emotion_ros.visualization.explanations import Explanation
from emotion_ros.visualization.overlay import DARK, WHITE, draw_bars

PANEL = 240


@dataclass(frozen=True)
class ExplainedFace:
    """What is drawn for one face."""

    face_id: str
    crop: np.ndarray  # grey (S, S)
    face_bgr: np.ndarray  # the face's region of the frame
    landmarks: np.ndarray  # (478, 3) in face_bgr's pixels
    explanation: Explanation
    class_names: Sequence[str]
    probabilities: Sequence[float]


def heat_panel(crop: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """The crop, enlarged, with the heat map blended over it (red = looked at most)."""
    grey = cv2.resize(crop, (PANEL, PANEL), interpolation=cv2.INTER_CUBIC)
    colour = cv2.applyColorMap(
        (cv2.resize(heat, (PANEL, PANEL)) * 255).astype(np.uint8), cv2.COLORMAP_JET
    )
    return cv2.addWeighted(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), 0.55, colour, 0.45, 0)


def saliency_panel(face_bgr: np.ndarray, landmarks: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """The face with every landmark as a dot, larger and redder where the models looked."""
    scale = PANEL / max(face_bgr.shape[:2])
    panel = np.full((PANEL, PANEL, 3), 30, np.uint8)
    resized = cv2.resize(face_bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    panel[: resized.shape[0], : resized.shape[1]] = (resized * 0.6).astype(np.uint8)
    for k in np.argsort(saliency):  # most salient drawn last, on top
        x, y = (landmarks[k, :2] * scale).astype(int)
        value = float(saliency[k])
        colour = tuple(int(c) for c in cv2.applyColorMap(np.uint8([[value * 255]]), 2)[0, 0])
        cv2.circle(panel, (int(x), int(y)), 1 + int(3 * value), colour, -1, cv2.LINE_AA)
    return panel


def explanation_figure(faces: Sequence[ExplainedFace]) -> np.ndarray:
    """One row per face: heat map | landmark saliency | probabilities."""
    rows = []
    for face in faces:
        bars = np.full((PANEL, PANEL, 3), DARK[0], np.uint8)
        label = face.class_names[face.explanation.class_index]
        cv2.putText(bars, f"{face.face_id}: {label}", (8, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.55,
                    WHITE, 1, cv2.LINE_AA)  # fmt: skip
        draw_bars(bars, (8, 44), PANEL - 16, 30, face.class_names, face.probabilities, 0.5)
        rows.append(
            np.hstack([
                heat_panel(face.crop, face.explanation.heat),
                saliency_panel(face.face_bgr, face.landmarks, face.explanation.saliency),
                bars,
            ])
        )  # fmt: skip
    return np.vstack(rows) if rows else np.zeros((PANEL, 3 * PANEL, 3), np.uint8)
