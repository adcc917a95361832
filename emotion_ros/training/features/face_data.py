"""The real faces the default models learn from: meshes and aligned crops of labelled photos.

Each photo goes through the nodes' own MediaPipe mesh (``face_extraction``) and the face node's
crop alignment (``vision.face_crop``), so the models train on exactly what they will see. Meshes
and crops are cached under the cache folder (minutes to extract, seconds to load); photos where
MediaPipe finds no face are left out and counted.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.models.role_specs import CROP_SIZE
from emotion_ros.training.datasets.fer_folders import (
    LabelledImages,
    read_fer2013_folder,
    read_ferplus_folder,
)
from emotion_ros.training.features.face_extraction import extract_crops, extract_landmarks

CROP_MARGIN = 6  # pixels kept around the crop for training-time shifts and rotations


@dataclass
class FaceSet:
    """Faces with a mesh: landmarks (N, 478, 3), crops with margin (N, 60, 60), labels, splits."""

    names: np.ndarray
    landmarks: np.ndarray
    crops: np.ndarray
    labels: np.ndarray
    splits: np.ndarray
    counts: dict = field(default_factory=dict)  # per split and class: photos, faces found

    def subset(self, split: str) -> "FaceSet":
        """The faces of one split."""
        mask = self.splits == split
        return FaceSet(
            self.names[mask], self.landmarks[mask], self.crops[mask], self.labels[mask],
            self.splits[mask], self.counts,
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.labels)


def _face_set(images: LabelledImages, cache: Path, name: str, progress: bool) -> FaceSet:
    landmarks = extract_landmarks(images.paths, cache, name, progress)
    crops_file = cache / f"{name}-crops-{CROP_SIZE}-{CROP_MARGIN}-{len(images.paths)}.npy"
    if crops_file.is_file():
        crops = np.load(crops_file)
    else:
        crops = extract_crops(images.paths, landmarks, CROP_SIZE, CROP_MARGIN, progress)
        np.save(crops_file, crops)
    found = np.isfinite(landmarks[:, 0, 0])
    labels, splits = images.label_array(), images.split_array()
    counts: dict = {"dropped classes": dict(images.dropped)}
    for split in dict.fromkeys(images.splits):
        in_split = splits == split
        counts[split] = {
            CLASS_NAMES[k]: {
                "photos": int((in_split & (labels == k)).sum()),
                "faces": int((in_split & (labels == k) & found).sum()),
            }
            for k in range(len(CLASS_NAMES))
        }
    names = np.array([f"{p.parent.name}/{p.name}" for p in images.paths])
    return FaceSet(
        names[found], landmarks[found], crops[found], labels[found], splits[found], counts
    )


def load_fer2013(root: Path, cache: Path, progress: bool = True) -> FaceSet:
    """FER2013 (image-folder release) under ``root``: all three splits."""
    return _face_set(read_fer2013_folder(root), cache, "fer2013", progress)


def load_ferplus_test(root: Path, cache: Path, progress: bool = True) -> FaceSet:
    """FER+'s test split (FER2013 PrivateTest relabelled by 10 annotators, majority label)."""
    images, _ = read_ferplus_folder(root, "PrivateTest")
    return _face_set(images, cache, "ferplus-test", progress)
