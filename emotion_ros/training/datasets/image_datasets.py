"""Face image datasets: class folders (RAF-DB, CK+, AffectNet style), FER2013 and FER+ CSVs.

Layouts:
- image folder: ``root/<class name>/<image>``; class names through ``class_maps.SYNONYMS``
  (RAF-DB's numbered folders 1-7 and CK+'s 0-7 via ``--label-scheme rafdb|ckplus``). The group
  is the subject when the file name starts with one (CK+ ``S005_001_00000011.png`` -> ``S005``),
  else the file itself.
- FER2013: ``fer2013.csv`` with ``emotion,pixels,Usage`` (48x48 grey, space-separated).
- FER+: FER2013 plus ``fer2013new.csv`` (``Usage,Image name,neutral,...,NF`` vote counts); the
  label is the majority vote, dropped when it is not one of the six.

Each reader counts what it drops, per source label, into ``dropped`` when given one, so that the
user is told (FER2013's disgust images would otherwise vanish silently).
"""

import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np

from emotion_ros.training.datasets.class_maps import (
    CKPLUS,
    CLASS_INDEX,
    FER2013,
    FER2013_NAMES,
    FERPLUS_COLUMNS,
    RAFDB,
    class_of,
)
from emotion_ros.training.datasets.sample import Sample

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp"}
NUMBERED_SCHEMES = {"rafdb": RAFDB, "ckplus": CKPLUS}
_SUBJECT = re.compile(r"^([A-Za-z]*\d+)_")


def read_image_folder(
    root: Path, label_scheme: str = "names", dropped: Counter[str] | None = None
) -> list[Sample]:
    """Samples from ``root/<class>/<image>`` (see the module docstring for schemes and groups)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for folder in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        if label_scheme == "names":
            label = class_of(folder.name)
        else:
            name = NUMBERED_SCHEMES[label_scheme].get(int(folder.name))
            label = None if name is None else CLASS_INDEX[name]
        images = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES]
        if label is None:
            dropped[folder.name] += len(images)
            continue
        for image in images:
            match = _SUBJECT.match(image.name)
            samples.append(Sample(image, label, match.group(1) if match else image.stem))
    return samples


def _fer_pixels(text: str) -> np.ndarray:
    return np.array(text.split(), dtype=np.uint8).reshape(48, 48)


def read_fer2013(
    csv_path: Path, ferplus_csv: Path | None = None, dropped: Counter[str] | None = None
) -> list[Sample]:
    """FER2013 rows as 48x48 grey images; with FER+ votes, the FER+ majority label instead."""
    with Path(csv_path).open(newline="") as f:
        rows = list(csv.DictReader(f))
    votes = None
    if ferplus_csv is not None:
        with Path(ferplus_csv).open(newline="") as f:
            votes = [list(map(int, row[2:])) for row in csv.reader(f) if row and row[0] != "Usage"]
        if len(votes) != len(rows):
            raise ValueError(f"{ferplus_csv} has {len(votes)} rows, {csv_path} has {len(rows)}")
    samples = []
    dropped = Counter() if dropped is None else dropped
    for i, row in enumerate(rows):
        if votes is None:
            source = FER2013_NAMES[int(row["emotion"])]
            name = FER2013.get(int(row["emotion"]))
            label = None if name is None else CLASS_INDEX[name]
        else:
            source = FERPLUS_COLUMNS[int(np.argmax(votes[i]))]
            label = class_of(source)
        if label is None:
            dropped[source] += 1
            continue
        # FER has no subject ids; each image is its own group
        samples.append(Sample(_fer_pixels(row["pixels"]), label, f"{row['Usage']}-{i}"))
    return samples
