"""A picture of the explanations: per face, the crop under its Grad-CAM heat map, the face with
each landmark drawn by its saliency, and the fused probabilities; a title over each column and
the maps' colour scale under them, so the picture reads without the README beside it."""

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from emotion_ros.visualization.explanations import Explanation
from emotion_ros.visualization.overlay import DARK, LINE, band_width, draw_bars, draw_text

PANEL, MARGIN = 240, 12
TITLE_HEIGHT, SCALE_HEIGHT = 28, 44
TITLES = ("appearance CNN: Grad-CAM", "landmark models: saliency", "fused probabilities")


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
        jet = cv2.applyColorMap(np.uint8([[value * 255]]), cv2.COLORMAP_JET)
        colour = tuple(int(c) for c in jet[0, 0])
        cv2.circle(panel, (int(x), int(y)), 1 + int(3 * value), colour, -1, cv2.LINE_AA)
    return panel


def _strip(texts: Sequence[str], height: int) -> np.ndarray:
    """A dark strip with one title over each panel."""
    strip = np.full((height, PANEL * len(texts), 3), DARK, np.uint8)
    for k, text in enumerate(texts):
        draw_text(strip, text, (k * PANEL, (height - LINE + 2) // 2), 1.0)
    return strip


def colour_scale() -> np.ndarray:
    """The key to both maps' colours, under their panels: from ignored to looked at most."""
    scale = _strip(["0 = ignored", "", ""], SCALE_HEIGHT)
    width = 2 * PANEL - 2 * MARGIN
    ramp = cv2.applyColorMap(np.linspace(0, 255, width).astype(np.uint8)[None], cv2.COLORMAP_JET)
    scale[SCALE_HEIGHT - 14 : SCALE_HEIGHT - 4, MARGIN : MARGIN + width] = ramp
    right = "1 = looked at most"
    draw_text(scale, right, (2 * PANEL - MARGIN - band_width(right, 1.0), 4), 1.0)
    return scale


def explanation_figure(faces: Sequence[ExplainedFace]) -> np.ndarray:
    """Column titles, then one row per face: heat map | landmark saliency | probabilities, and
    the colour scale of both maps at the bottom."""
    rows = [_strip(TITLES, TITLE_HEIGHT)]
    for face in faces:
        bars = np.full((PANEL, PANEL, 3), DARK, np.uint8)
        best = face.explanation.class_index
        title = f"{face.face_id}: {face.class_names[best]} {face.probabilities[best]:.2f}"
        draw_text(bars, title, (MARGIN // 2, MARGIN), 1.0)
        draw_bars(bars, (MARGIN // 2, MARGIN + 34), PANEL - MARGIN, 30, face.class_names,
                  face.probabilities, 1.0)  # fmt: skip
        rows.append(
            np.hstack([
                heat_panel(face.crop, face.explanation.heat),
                saliency_panel(face.face_bgr, face.landmarks, face.explanation.saliency),
                bars,
            ])
        )  # fmt: skip
    if not faces:
        rows.append(np.zeros((PANEL, len(TITLES) * PANEL, 3), np.uint8))
    rows.append(colour_scale())
    return np.vstack(rows)
