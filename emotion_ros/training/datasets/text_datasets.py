"""Labelled utterances for the transcript modality: what people said and the emotion they said
it with.

- MELD (``train_sent_emo.csv``, ``dev_sent_emo.csv``, ``test_sent_emo.csv``): one row per
  utterance of the TV series Friends, with columns ``Utterance``, ``Speaker`` and ``Emotion``
  (neutral, joy, sadness, anger, surprise, fear, disgust; disgust is dropped). Its parts are
  MELD's own, split by dialogue.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotion_ros.training.datasets.class_maps import class_of

MELD_PARTS = {"train": "train_sent_emo.csv", "validation": "dev_sent_emo.csv",
              "test": "test_sent_emo.csv"}  # fmt: skip


@dataclass
class Utterances:
    """Texts, their classes and who said them."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)

    def label_array(self) -> np.ndarray:
        """Labels as int64."""
        return np.asarray(self.labels, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.texts)


def read_meld(root: Path, part: str, dropped: Counter[str] | None = None) -> Utterances:
    """MELD's ``part`` (train, validation or test) from its CSV files under ``root``.

    Raises:
        FileNotFoundError: the part's CSV file is not under ``root``.
    """
    path = Path(root) / MELD_PARTS[part]
    if not path.is_file():
        raise FileNotFoundError(f"no MELD {part} transcripts at {path}")
    dropped = Counter() if dropped is None else dropped
    found = Utterances()
    # curly apostrophes become the recognisers' plain ones; MELD is Windows-1252 in places, and
    # a byte that is not UTF-8 must not stop a run
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        for row in csv.DictReader(f):
            label = class_of(row["Emotion"])
            if label is None:
                dropped[row["Emotion"]] += 1
                continue
            found.texts.append(row["Utterance"].replace("\u2019", "'").replace("\ufffd", "'"))
            found.labels.append(label)
            found.speakers.append(row["Speaker"])
    return found
