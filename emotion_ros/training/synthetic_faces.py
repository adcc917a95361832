"""Synthetic expressions on real face meshes, along FACS action-unit prototypes.

No emotion dataset can be reached here, so the default weights learn from real 478-point meshes
(from photos that ship in packages) deformed the way facial muscles move them. Each action unit
(AU) moves a few control landmarks; the displacement spreads to nearby landmarks with a Gaussian
fall-off, so the mesh stays smooth. Class prototypes follow the usual EMFACS combinations:

    Happy      AU6 + AU12 (+ AU25)        cheeks up, lip corners up and out
    Sad        AU1 + AU4 + AU15           inner brows up and together, lip corners down
    Surprised  AU1 + AU2 + AU5 + AU26     brows up, upper lids up, jaw drops
    Angry      AU4 + AU5 + AU7 + AU23     brows down and together, lids tight, lips pressed
    Worried    AU1 + AU2 + AU4 + AU5 + AU20   brows up and together, lips stretched (fear)
    Neutral    none

Identities vary by smooth random shape changes and head pose. This teaches geometry, not people:
the resulting models are a starting point that tells a smile from a neutral face, not a
replacement for training on MER2023 or FER+ (see models/README.md).

Coordinates are the normalised frame of ``normalize_landmarks`` (nose tip at the origin, x to
the image right, y down, unit = inter-ocular distance).
"""

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.landmarks.augmentation import random_rotation, rotate
from emotion_ros.landmarks.normalization import normalize_landmarks

# Control landmarks (subject's right side first; the mirror index follows).
INNER_BROWS = (107, 55, 336, 285)
OUTER_BROWS = (70, 46, 300, 276)
MID_BROWS = (105, 63, 334, 293)
UPPER_LIDS = (159, 158, 160, 386, 385, 387)
LOWER_LIDS = (145, 144, 153, 374, 373, 380)
CHEEKS = (205, 50, 101, 425, 280, 330)
MOUTH_CORNERS = (61, 291)
UPPER_LIP = (0, 13, 37, 267, 39, 269)
LOWER_LIP = (17, 14, 84, 314, 181, 405)
JAW = (152, 148, 377, 176, 400, 149, 378)

UP, DOWN = np.array([0.0, -1.0, 0.0]), np.array([0.0, 1.0, 0.0])


def _towards_midline(points: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    """Unit x vectors pointing from each landmark towards the face's midline (x = 0)."""
    return np.array([[-np.sign(points[i, 0]), 0.0, 0.0] for i in indices])


def _spread(points: np.ndarray, controls: list[int], moves: np.ndarray, sigma: float) -> np.ndarray:
    """Displacement of every landmark from moves at control landmarks (Gaussian fall-off)."""
    centres = points[controls]  # (C, 3)
    distance2 = ((points[:, None, :2] - centres[None, :, :2]) ** 2).sum(-1)  # (N, C)
    weights = np.exp(-distance2 / (2 * sigma**2))
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
    return weights @ moves


def action_unit(points: np.ndarray, au: int, intensity: float) -> np.ndarray:
    """Displacement field (478, 3) of one action unit at ``intensity`` (1 = a clear expression)."""
    controls: list[int] = []
    moves: list[np.ndarray] = []

    def add(indices: tuple[int, ...], vectors: np.ndarray) -> None:
        controls.extend(indices)
        moves.extend(np.broadcast_to(vectors, (len(indices), 3)))

    outward = -_towards_midline(points, MOUTH_CORNERS)
    if au == 1:  # inner brow raiser
        add(INNER_BROWS, UP * 0.10)
    elif au == 2:  # outer brow raiser
        add(OUTER_BROWS, UP * 0.10)
        add(MID_BROWS, UP * 0.05)
    elif au == 4:  # brow lowerer: down and together
        brows = INNER_BROWS + MID_BROWS
        add(brows, DOWN * 0.06 + _towards_midline(points, brows) * 0.05)
    elif au == 5:  # upper lid raiser
        add(UPPER_LIDS, UP * 0.05)
    elif au == 6:  # cheek raiser
        add(CHEEKS, UP * 0.07)
        add(LOWER_LIDS, UP * 0.03)
    elif au == 7:  # lid tightener
        add(LOWER_LIDS, UP * 0.035)
        add(UPPER_LIDS, DOWN * 0.02)
    elif au == 12:  # lip corner puller
        add(MOUTH_CORNERS, UP * 0.10 + outward * 0.10)
    elif au == 15:  # lip corner depressor
        add(MOUTH_CORNERS, DOWN * 0.09 - outward * 0.02)
    elif au == 20:  # lip stretcher
        add(MOUTH_CORNERS, outward * 0.12 + DOWN * 0.02)
    elif au == 23:  # lip tightener
        add(UPPER_LIP, DOWN * 0.025)
        add(LOWER_LIP, UP * 0.025)
        add(MOUTH_CORNERS, -outward * 0.04)
    elif au in (25, 26):  # lips part / jaw drop: the lower lip and jaw come down
        drop = 0.12 if au == 25 else 0.35
        add(LOWER_LIP, DOWN * drop * 0.8)
        add(JAW, DOWN * drop)
    else:
        raise ValueError(f"action unit {au} is not modelled")
    return _spread(points, controls, np.array(moves) * intensity, sigma=0.18)


PROTOTYPES: dict[str, tuple[tuple[int, float], ...]] = {
    "Happy": ((6, 1.0), (12, 1.0)),
    "Sad": ((1, 1.0), (4, 0.6), (15, 1.0)),
    "Surprised": ((1, 1.0), (2, 1.0), (5, 1.0), (26, 1.0)),
    "Angry": ((4, 1.0), (5, 0.5), (7, 1.0), (23, 1.0)),
    "Worried": ((1, 1.0), (2, 0.6), (4, 0.8), (5, 0.8), (20, 1.0)),
    "Neutral": (),
}


def express(base: np.ndarray, label: str, intensity: float) -> np.ndarray:
    """Return ``base`` (normalised, 478 x 3) showing ``label`` at ``intensity``."""
    out = base.copy()
    for au, weight in PROTOTYPES[label]:
        out += action_unit(base, au, weight * intensity)
    return out


def random_identity(
    base: np.ndarray, rng: np.random.Generator, strength: float = 0.06
) -> np.ndarray:
    """A new face shape: random smooth bumps plus face width, height and mouth width changes."""
    out = base * np.array([rng.uniform(0.9, 1.1), rng.uniform(0.9, 1.1), rng.uniform(0.8, 1.2)])
    controls = rng.choice(len(base), size=12, replace=False)
    moves = rng.normal(0.0, strength, (12, 3))
    out = out + _spread(base, list(controls), moves, sigma=0.35)
    mouth = out[list(MOUTH_CORNERS)].mean(axis=0)
    width = rng.uniform(0.9, 1.1)
    near_mouth = np.exp(-((out[:, :2] - mouth[:2]) ** 2).sum(-1) / (2 * 0.3**2))[:, None]
    out[:, 0:1] = out[:, 0:1] + (out[:, 0:1] - mouth[0]) * (width - 1.0) * near_mouth
    return out.astype(np.float32)


def sample_faces(
    bases: list[np.ndarray],
    per_class: int,
    rng: np.random.Generator,
    pose_degrees: tuple[float, float, float] = (20.0, 15.0, 15.0),
    intensity: tuple[float, float] = (0.5, 1.3),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (landmarks (N, 478, 3) normalised, labels (N,), identity group (N,)).

    Each sample gets a new random identity derived from one of ``bases``; the group id lets a
    split keep identities apart (samples of one identity never straddle train and test).
    """
    normalized = [normalize_landmarks(b) for b in bases]
    faces, labels, groups = [], [], []
    identity = 0
    for label_index, label in enumerate(CLASS_NAMES):
        for _ in range(per_class):
            base = normalized[rng.integers(len(normalized))]
            face = random_identity(base, rng)
            face = express(face, label, rng.uniform(*intensity) if label != "Neutral" else 0.0)
            face = random_rotation(face, pose_degrees, rng)
            face += rng.normal(0.0, 0.004, face.shape).astype(np.float32)
            faces.append(face)
            labels.append(label_index)
            groups.append(identity)
            identity += 1
    return np.stack(faces).astype(np.float32), np.array(labels), np.array(groups)


def sample_sequences(
    bases: list[np.ndarray], per_class: int, frames: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return (sequences (N, frames, 478, 3), labels): neutral, then an onset into the class.

    The onset starts at a random frame, ramps over a few frames and may start before the window,
    so the temporal model sees both fresh and settled expressions; the head drifts a little.
    """
    normalized = [normalize_landmarks(b) for b in bases]
    sequences, labels = [], []
    for label_index, label in enumerate(CLASS_NAMES):
        for _ in range(per_class):
            face = random_identity(normalized[rng.integers(len(normalized))], rng)
            peak = rng.uniform(0.6, 1.3)
            onset, ramp = rng.integers(-frames, frames // 2), rng.integers(2, 6)
            pose = np.radians(rng.uniform(-1, 1, 3) * (20.0, 15.0, 15.0))
            drift = np.radians(rng.normal(0, 0.5, (frames, 3)).cumsum(axis=0))
            sequence = []
            for t in range(frames):
                level = 0.0 if label == "Neutral" else peak * np.clip((t - onset) / ramp, 0, 1)
                shown = express(face, label, level)
                shown = rotate(shown, *(pose + drift[t]))
                sequence.append(shown + rng.normal(0.0, 0.004, shown.shape))
            sequences.append(sequence)
            labels.append(label_index)
    return np.asarray(sequences, dtype=np.float32), np.array(labels)
