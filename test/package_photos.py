"""Real face photos that ship inside installed packages (no dataset is committed or downloaded).

``skimage.data.astronaut()``: Eileen Collins, smiling (public domain, NASA).
matplotlib's ``grace_hopper.jpg``: Grace Hopper, a neutral portrait (public domain, US Navy).
"""

from pathlib import Path

import cv2
import matplotlib
import numpy as np

from emotion_ros.vision.boxes import Box


def astronaut_bgr() -> np.ndarray:
    """Return the 512x512 astronaut photo (smiling) as BGR."""
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def grace_hopper_bgr() -> np.ndarray:
    """Return the 512x600 Grace Hopper portrait (neutral) as BGR."""
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"matplotlib's sample photo is missing: {path}")
    return image


# Head-and-shoulders crops (y0, y1, x0, x1) around each face, found with MediaPipe once.
ASTRONAUT_HEAD = (10, 250, 115, 335)
GRACE_HOPPER_HEAD = (60, 420, 90, 440)


def head_crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Return ``image[y0:y1, x0:x1]`` as a copy."""
    y0, y1, x0, x1 = box
    return image[y0:y1, x0:x1].copy()


# Each face's mesh box (x, y, width, height) inside its head crop, found with MediaPipe once.
ASTRONAUT_FACE = (63, 59, 94, 109)
GRACE_HOPPER_FACE = (77, 69, 190, 207)
PHOTOS = ("astronaut", "grace_hopper")


def photo_head(photo: str) -> np.ndarray:
    """The head-and-shoulders crop of ``photo`` (one of PHOTOS)."""
    if photo == "astronaut":
        return head_crop(astronaut_bgr(), ASTRONAUT_HEAD)
    return head_crop(grace_hopper_bgr(), GRACE_HOPPER_HEAD)


def scaled_head(photo: str, face_width: float) -> tuple[np.ndarray, Box]:
    """The head crop of ``photo`` (one of PHOTOS) scaled so that its face is ``face_width``
    pixels wide (area averaging when shrinking, as a camera would), and the face's box in it."""
    face = {"astronaut": ASTRONAUT_FACE, "grace_hopper": GRACE_HOPPER_FACE}[photo]
    scale = face_width / face[2]
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    scaled = cv2.resize(photo_head(photo), None, fx=scale, fy=scale, interpolation=interpolation)
    x, y, w, h = (round(v * scale) for v in face)
    return scaled, (x, y, w, h)


def compose_faces(
    width: int, height: int, faces: list[tuple[str, float, float, float]], grey: int = 110
) -> tuple[np.ndarray, list[Box]]:
    """A width x height BGR frame with a head per ``(photo, face width, face centre x, y)``,
    and each face's box (x, y, w, h).

    Real faces at any size and place, several per frame, from the photos that ship in packages.
    Each head is an ellipse around its face (1.6 times the face box), pasted in order: a later
    one passes in front of an earlier one and hides what it covers, as people do.
    """
    frame = np.full((height, width, 3), grey, np.uint8)
    boxes = []
    for photo, face_width, cx, cy in faces:
        head, (fx, fy, fw, fh) = scaled_head(photo, face_width)
        mask = np.zeros(head.shape[:2], np.uint8)
        centre = (round(fx + fw / 2), round(fy + fh / 2))
        cv2.ellipse(mask, centre, (round(0.8 * fw), round(0.8 * fh)), 0, 0, 360, 255, -1)
        x0, y0 = round(cx - fx - fw / 2), round(cy - fy - fh / 2)
        hx0, hy0 = max(0, -x0), max(0, -y0)
        hx1, hy1 = min(head.shape[1], width - x0), min(head.shape[0], height - y0)
        if hx1 > hx0 and hy1 > hy0:
            inside = mask[hy0:hy1, hx0:hx1] > 0
            target = frame[y0 + hy0 : y0 + hy1, x0 + hx0 : x0 + hx1]
            target[inside] = head[hy0:hy1, hx0:hx1][inside]
        boxes.append((x0 + fx, y0 + fy, fw, fh))
    return frame, boxes
