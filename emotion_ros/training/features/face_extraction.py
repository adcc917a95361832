"""Face meshes of dataset photos, extracted once with the nodes' MediaPipe mesh and cached.

Dataset faces are tight crops (FER2013: 48x48, often upscaled to 224x224), far tighter and
smaller than a face in a camera frame. MediaPipe's detector misses most of them as they are;
upscaled to at least ``MIN_SIDE`` pixels and padded with a grey border of ``PAD_FRACTION`` of the
side, it finds about 98 % (measured on 300 FER2013 PrivateTest images: 97.7 %, 6.6 ms each).
Landmarks are returned in the pixel frame of the original image, as the face node would give
them for that image.

Extraction of 36k images takes minutes, so results are cached in one ``.npz`` per image list
(keyed by the list's hash) and saved every ``CHECKPOINT`` images, so an interrupted run resumes.
"""

import hashlib
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from emotion_ros.landmarks.indices import NUM_LANDMARKS
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import FaceMeshDetector, still_image_detector

MIN_SIDE = 224
PAD_FRACTION = 0.25
PAD_GREY = 128
CHECKPOINT = 2000


def prepare_still(image_bgr: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Upscale a small face image and pad it; return (image, scale, pad) to map points back."""
    scale = max(1.0, MIN_SIDE / min(image_bgr.shape[:2]))
    if scale > 1.0:
        image_bgr = cv2.resize(image_bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    pad = round(PAD_FRACTION * max(image_bgr.shape[:2]))
    padded = cv2.copyMakeBorder(
        image_bgr, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(PAD_GREY,) * 3
    )
    return padded, scale, pad


def still_landmarks(detector: FaceMeshDetector, image_bgr: np.ndarray) -> np.ndarray | None:
    """The mesh (478, 3) of the largest face in a dataset photo, in its pixels, or None.

    Tried upscaled and padded first (tight face crops); a larger photo in which that finds no
    face (padding shrinks a face that does not fill the photo) is tried as it is.
    """
    padded, scale, pad = prepare_still(image_bgr)
    faces = detector.detect(padded)
    if faces:
        offset = np.array([pad, pad, 0.0], np.float32)
    else:
        faces, scale, offset = detector.detect(image_bgr), 1.0, np.zeros(3, np.float32)
    if not faces:
        return None
    largest = max(faces, key=lambda f: f.roi[2] * f.roi[3])
    return ((largest.landmarks - offset) / scale).astype(np.float32)


def paths_key(paths: Sequence[Path]) -> str:
    """A short hash of a list of files, naming the caches made from them."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode() + b"\0")
    return digest.hexdigest()[:16]


def extract_landmarks(
    paths: Sequence[Path], cache_dir: Path, name: str, progress: bool = True
) -> np.ndarray:
    """Return (N, 478, 3) float32 landmarks of ``paths``; rows of NaN where no face was found.

    Cached in ``cache_dir/<name>-<hash of the paths>.npz``; a partial cache is resumed.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_dir / f"{name}-{paths_key(paths)}.npz"
    points = np.full((len(paths), NUM_LANDMARKS, 3), np.nan, np.float32)
    done = 0
    if cache.is_file():
        stored = np.load(cache)
        done = int(stored["done"])
        points[:done] = stored["points"][:done]
    if done == len(paths):
        return points
    with still_image_detector() as detector:
        for index in tqdm(
            range(done, len(paths)), desc=f"face meshes of {name}", initial=done,
            total=len(paths), disable=not progress,
        ):  # fmt: skip
            image = cv2.imread(str(paths[index]), cv2.IMREAD_COLOR)
            found = None if image is None else still_landmarks(detector, image)
            if found is not None:
                points[index] = found
            if (index + 1) % CHECKPOINT == 0 or index + 1 == len(paths):
                np.savez(cache, points=points, done=index + 1)
    return points


def extract_crops(
    paths: Sequence[Path], landmarks: np.ndarray, size: int, margin: int, progress: bool = True
) -> np.ndarray:
    """(N, size + 2 margin, same) uint8 grey crops aligned with each image's mesh (zeros where
    it has none), cut as the face node cuts them, with ``margin`` pixels around for augmentation.
    """
    side = size + 2 * margin
    crops = np.zeros((len(paths), side, side), np.uint8)
    for index in tqdm(range(len(paths)), desc="face crops", disable=not progress):
        if not np.isfinite(landmarks[index, 0, 0]):
            continue
        grey = cv2.imread(str(paths[index]), cv2.IMREAD_GRAYSCALE)
        if grey is not None:
            crops[index] = aligned_crop(grey, landmarks[index], size, margin)
    return crops
