"""FER2013 as its widely used image-folder release, and FER+'s relabelled copy of it.

FER2013 folder: ``root/{train,test}/<class>/<Usage>_<n>.jpg`` with Usage one of ``Training``,
``PublicTest``, ``PrivateTest`` (the original split: 28,709 / 3,589 / 3,589 faces, 48x48 grey,
often stored upscaled). Classes map through ``class_maps.SYNONYMS``; ``disgust`` has no
counterpart among the six and is dropped (and counted). FER2013 has no subject ids: one person
may appear in train and test, which the benchmark accepts and the model cards say.

FER+: ``root/FER2013{Train,Valid,Test}/fer<row>.png`` with a ``label.csv`` of rows
``name, face box, 10 vote counts`` (neutral, happiness, surprise, sadness, anger, disgust, fear,
contempt, unknown, not a face), the layout of FER+'s ``generate_training_data.py``. The label is
the majority vote; images whose majority is not one of the six are dropped (and counted).
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotion_ros.training.datasets.class_maps import FERPLUS_COLUMNS, class_of

FER2013_SPLITS = ("Training", "PublicTest", "PrivateTest")
FERPLUS_FOLDERS = {"Training": "FER2013Train", "PublicTest": "FER2013Valid",
                   "PrivateTest": "FER2013Test"}  # fmt: skip


@dataclass
class LabelledImages:
    """Image files with class indices and the split each belongs to, and what was dropped."""

    paths: list[Path] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # source label -> images dropped

    def label_array(self) -> np.ndarray:
        """The labels as an int64 array."""
        return np.asarray(self.labels, dtype=np.int64)

    def split_array(self) -> np.ndarray:
        """The split names as an array (for masks)."""
        return np.asarray(self.splits)


def read_fer2013_folder(root: Path) -> LabelledImages:
    """FER2013's image-folder release under ``root`` (see the module docstring).

    Raises:
        FileNotFoundError: ``root`` has neither a train nor a test folder.
    """
    root = Path(root)
    folders = [root / part for part in ("train", "test") if (root / part).is_dir()]
    if not folders:
        raise FileNotFoundError(f"{root} has no train/ or test/ folder of FER2013 class folders")
    images = LabelledImages()
    for folder in folders:
        for class_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            label = class_of(class_dir.name)
            files = sorted(p for p in class_dir.iterdir() if p.suffix.lower() in (".jpg", ".png"))
            if label is None:
                images.dropped[class_dir.name] += len(files)
                continue
            for path in files:
                split = path.name.split("_", 1)[0]
                if split not in FER2013_SPLITS:
                    raise ValueError(f"{path}: the name does not start with {FER2013_SPLITS}")
                images.paths.append(path)
                images.labels.append(label)
                images.splits.append(split)
    return images


def read_ferplus_votes(root: Path, split: str) -> tuple[list[Path], np.ndarray]:
    """Every image of one FER+ split (``Training``, ``PublicTest`` or ``PrivateTest``) and its
    (N, 10) vote counts, whatever the majority.

    Raises:
        FileNotFoundError: the split's folder or its label.csv is missing.
    """
    folder = Path(root) / FERPLUS_FOLDERS[split]
    table = folder / "label.csv"
    if not table.is_file():
        raise FileNotFoundError(f"{table} is missing (FER+ layout: <split folder>/label.csv)")
    with table.open(newline="") as f:
        rows = list(csv.reader(f))
    votes = np.array([row[2:12] for row in rows], dtype=np.int64).reshape(-1, 10)
    return [folder / row[0] for row in rows], votes


def read_ferplus_folder(root: Path, split: str) -> tuple[LabelledImages, np.ndarray]:
    """One FER+ split labelled by its majority vote, and the (N, 10) votes of the images kept
    (those whose majority is one of the six).

    Raises:
        FileNotFoundError: the split's folder or its label.csv is missing.
    """
    paths, votes = read_ferplus_votes(root, split)
    images, kept = LabelledImages(), []
    for index, (path, counts) in enumerate(zip(paths, votes, strict=True)):
        majority = FERPLUS_COLUMNS[int(np.argmax(counts))]
        label = class_of(majority)
        if label is None:
            images.dropped[majority] += 1
            continue
        images.paths.append(path)
        images.labels.append(label)
        images.splits.append(split)
        kept.append(index)
    return images, votes[kept]
