"""Things that hide half a face, drawn on real aligned face crops: what the occlusion model
learns from (no labelled photos of masked faces could be had for this project).

Drawn in the canonical crop's frame (``vision.face_crop``: eye centres at 0.394 of the height,
0.359 of the width apart; the mouth near 0.77, the chin at the bottom edge), so each occluder
lands where it would on a real face, with random size, position, brightness and texture:

- lower face: a surgical or cloth mask from just over the nose to below the chin, or a hand over
  the mouth;
- upper face: a VR headset band over eyes and brows, dark glasses, or a hand over the eyes.

The four classes the model tells apart are none, upper hidden, lower hidden and both hidden.
"""

import cv2
import numpy as np

from emotion_ros.vision.occlusion import CLASSES

UPPER, LOWER = 1, 2  # bits of the class index in CLASSES


def _shade(rng: np.random.Generator, dark: bool) -> int:
    return int(rng.uniform(10, 80) if dark else rng.uniform(140, 245))


def _texture(patch: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> None:
    """Noise and a few soft stripes (pleats, straps, fingers) inside ``mask``."""
    noise = rng.normal(0, rng.uniform(2, 10), patch.shape)
    stripes = np.sin(np.arange(patch.shape[0])[:, None] * rng.uniform(0.3, 1.2)) * rng.uniform(
        0, 12
    )
    patch[mask] = np.clip(patch[mask] + (noise + stripes)[mask], 0, 255)


def draw_mask(crop: np.ndarray, size: int, margin: int, rng: np.random.Generator) -> None:
    """A face mask from over the nose to below the chin, in place."""
    top = margin + size * rng.uniform(0.5, 0.62)
    left, right = margin + size * rng.uniform(0.0, 0.1), margin + size * rng.uniform(0.9, 1.0)
    bottom = crop.shape[0] + 2
    bulge = size * rng.uniform(0.02, 0.08)
    points = np.array(
        [[left, top + bulge], [(left + right) / 2, top - bulge], [right, top + bulge],
         [right + 2, bottom], [left - 2, bottom]], np.int32,
    )  # fmt: skip
    area = np.zeros(crop.shape, np.uint8)
    cv2.fillPoly(area, [points], 1)
    _fill(crop, area.astype(bool), _shade(rng, rng.random() < 0.3), rng)


def draw_headset(crop: np.ndarray, size: int, margin: int, rng: np.random.Generator) -> None:
    """A VR headset band (or dark glasses) over the eyes, in place."""
    area = np.zeros(crop.shape, np.uint8)
    eye_line = margin + 0.394 * size
    if rng.random() < 0.6:  # headset: a wide band over eyes and brows
        top = eye_line - size * rng.uniform(0.16, 0.26)
        bottom = eye_line + size * rng.uniform(0.12, 0.2)
        cv2.rectangle(area, (0, int(top)), (crop.shape[1], int(bottom)), 1, cv2.FILLED)
    else:  # dark glasses: two lenses and a bridge
        for centre_x in (0.5 - 0.18, 0.5 + 0.18):
            axes = (int(size * rng.uniform(0.13, 0.18)), int(size * rng.uniform(0.09, 0.13)))
            cv2.ellipse(
                area, (int(margin + centre_x * size), int(eye_line)), axes, 0, 0, 360, 1, -1
            )
        cv2.line(area, (int(margin + 0.4 * size), int(eye_line)),
                 (int(margin + 0.6 * size), int(eye_line)), 1, 2)  # fmt: skip
    _fill(crop, area.astype(bool), _shade(rng, rng.random() < 0.8), rng)


def draw_hand(
    crop: np.ndarray, size: int, margin: int, rng: np.random.Generator, upper: bool
) -> None:
    """A hand (a skin-toned blob with finger-like stripes) over the eyes or the mouth, in place."""
    area = np.zeros(crop.shape, np.uint8)
    centre_y = margin + size * (0.394 if upper else 0.77) + rng.normal(0, 0.03) * size
    centre_x = margin + size * rng.uniform(0.4, 0.6)
    axes = (int(size * rng.uniform(0.42, 0.55)), int(size * rng.uniform(0.16, 0.24)))
    cv2.ellipse(area, (int(centre_x), int(centre_y)), axes, rng.uniform(-20, 20), 0, 360, 1, -1)
    _fill(crop, area.astype(bool), int(rng.uniform(90, 210)), rng)


def _fill(crop: np.ndarray, area: np.ndarray, shade: int, rng: np.random.Generator) -> None:
    patch = crop.astype(np.float32)
    patch[area] = shade
    _texture(patch, area, rng)
    crop[:] = patch.astype(np.uint8)


def occlude(crop: np.ndarray, kind: int, size: int, margin: int, rng: np.random.Generator) -> None:
    """Draw occluders for class ``kind`` (bits UPPER, LOWER) on ``crop`` in place."""
    if kind & LOWER:
        if rng.random() < 0.7:
            draw_mask(crop, size, margin, rng)
        else:
            draw_hand(crop, size, margin, rng, upper=False)
    if kind & UPPER:
        if rng.random() < 0.8:
            draw_headset(crop, size, margin, rng)
        else:
            draw_hand(crop, size, margin, rng, upper=True)


def random_kinds(count: int, rng: np.random.Generator) -> np.ndarray:
    """Classes for a batch: 40 % visible, 27 % upper, 27 % lower, 6 % both hidden."""
    return rng.choice(len(CLASSES), size=count, p=[0.4, 0.27, 0.27, 0.06])
