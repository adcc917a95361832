"""The crowd-labelled "facial_expressions" photo set (muxspace/facial_expressions on GitHub).

Layout: ``root/images/<name>.jpg`` and ``root/data/legend.csv`` with rows ``user.id, image,
emotion``. Most photos come from Labeled Faces in the Wild (news photos, 350x350, mostly grey),
named ``<First_Last>_<n>.jpg``, the rest are film stills named the same way; ``user.id`` is the
student who labelled the photo, not the person in it. The person is the name without its number,
so the split keeps every person on one side: ``TEST_FRACTION`` of the photos (by person) are
held out as ``Test``, the rest are ``Training``.

Labels are free text in mixed case (``happiness``, ``Neutral``, ``fear``...), mapped through
``class_maps.SYNONYMS``; disgust and contempt are dropped and counted. A photo listed twice keeps
its first label.
"""

import csv
import re
from pathlib import Path

import numpy as np

from emotion_ros.training.datasets.class_maps import class_of
from emotion_ros.training.datasets.fer_folders import LabelledImages
from emotion_ros.training.fitting.splits import group_split

TEST_FRACTION = 0.2
SPLIT_SEED = 0
_NUMBER = re.compile(r"_?\d+[a-z]?$")


def person_of(image_name: str) -> str:
    """The person in a photo, from its file name (``George_W_Bush_0001.jpg`` -> George_W_Bush)."""
    return _NUMBER.sub("", Path(image_name).stem) or Path(image_name).stem


def read_facial_expressions(root: Path) -> LabelledImages:
    """The labelled photos under ``root`` (see the module docstring), split by person.

    Raises:
        FileNotFoundError: ``root/data/legend.csv`` is missing.
    """
    legend = Path(root) / "data" / "legend.csv"
    if not legend.is_file():
        raise FileNotFoundError(f"{legend} is missing (layout: data/legend.csv and images/)")
    images, seen = LabelledImages(), set()
    with legend.open(newline="") as f:
        for row in csv.DictReader(f):
            name = row["image"].strip()
            path = Path(root) / "images" / name
            if name in seen or not path.is_file():
                continue
            seen.add(name)
            label = class_of(row["emotion"])
            if label is None:
                images.dropped[row["emotion"].strip().lower()] += 1
                continue
            images.paths.append(path)
            images.labels.append(label)
    persons = np.array([person_of(p.name) for p in images.paths])
    _, test = group_split(persons, TEST_FRACTION, SPLIT_SEED)
    splits = np.full(len(persons), "Training", dtype=object)
    splits[test] = "Test"
    images.splits = [str(s) for s in splits]
    return images
