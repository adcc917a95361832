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
from emotion_ros.training.datasets.class_maps import FERPLUS_COLUMNS
from emotion_ros.training.datasets.facial_expressions import read_facial_expressions
from emotion_ros.training.datasets.fer_folders import (
    LabelledImages,
    read_fer2013_folder,
    read_ferplus_folder,
)
from emotion_ros.training.datasets.ferplus_votes import ferplus_votes
from emotion_ros.training.features.face_extraction import (
    extract_crops,
    extract_landmarks,
    paths_key,
)

CROP_MARGIN = 6  # pixels kept around the crop for training-time shifts and rotations


@dataclass
class FaceSet:
    """Faces with a mesh: landmarks (N, 478, 3), crops with margin (N, 60, 60), labels, splits,
    and FER+'s (N, 10) annotator votes where the face has them (NaN rows elsewhere)."""

    names: np.ndarray
    landmarks: np.ndarray
    crops: np.ndarray
    labels: np.ndarray
    splits: np.ndarray
    votes: np.ndarray
    counts: dict = field(default_factory=dict)  # per split and class: photos, faces found

    def select(self, mask: np.ndarray) -> "FaceSet":
        """The faces where ``mask`` (booleans or indices) holds."""
        return FaceSet(
            self.names[mask], self.landmarks[mask], self.crops[mask], self.labels[mask],
            self.splits[mask], self.votes[mask], self.counts,
        )  # fmt: skip

    def subset(self, split: str) -> "FaceSet":
        """The faces of one split."""
        return self.select(self.splits == split)

    def __add__(self, other: "FaceSet") -> "FaceSet":
        """Both sets' faces, one after the other (the counts stay each set's own)."""
        fields = ("names", "landmarks", "crops", "labels", "splits", "votes")
        joined = [np.concatenate([getattr(self, f), getattr(other, f)]) for f in fields]
        return FaceSet(*joined, {})

    def __len__(self) -> int:
        return len(self.labels)


def _face_set(
    images: LabelledImages, cache: Path, name: str, progress: bool, votes: np.ndarray | None = None
) -> FaceSet:
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
    if votes is None:
        votes = np.full((len(names), len(FERPLUS_COLUMNS)), np.nan, np.float32)
    return FaceSet(
        names[found], landmarks[found], crops[found], labels[found], splits[found], votes[found],
        counts,
    )  # fmt: skip


def load_fer2013(
    root: Path, cache: Path, progress: bool = True, ferplus_root: Path | None = None
) -> FaceSet:
    """FER2013 (image-folder release) under ``root``: all three splits, with FER+'s votes for
    each face when ``ferplus_root`` holds FER+ (``ferplus_votes``)."""
    images = read_fer2013_folder(root)
    votes = None
    if ferplus_root is not None:
        cache_file = cache / f"ferplus-votes-{paths_key(images.paths)}.npy"
        votes = ferplus_votes(images.paths, images.splits, ferplus_root, cache_file)
    return _face_set(images, cache, "fer2013", progress, votes)


def load_facial_expressions(root: Path, cache: Path, progress: bool = True) -> FaceSet:
    """The crowd-labelled facial_expressions photos under ``root``, split by person."""
    return _face_set(read_facial_expressions(root), cache, "facial-expressions", progress)


def load_ferplus_test(root: Path, cache: Path, progress: bool = True) -> FaceSet:
    """FER+'s test split (FER2013 PrivateTest relabelled by 10 annotators, majority label)."""
    images, _ = read_ferplus_folder(root, "PrivateTest")
    return _face_set(images, cache, "ferplus-test", progress)
