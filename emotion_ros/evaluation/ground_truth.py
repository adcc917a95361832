"""Ground truth for evaluation: labelled time ranges per face (or for any face).

CSV format (one row per range, a header line first)::

    start_s,end_s,face_id,label
    0.0,3.0,*,Happy
    3.0,6.0,f00001,Neutral

Times are seconds from the first message of the bag; ``face_id`` ``*`` (or empty) means any
face. A label topic in the bag (std_msgs/String ``"Label"`` or ``"face_id:Label"``) works the
same way: each message starts a range that lasts until the next one for that face or the end.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.timestamps import NS_PER_S

ANY_FACE = "*"


@dataclass(frozen=True)
class LabelRange:
    """[start_ns, end_ns) relative to the bag start, for one face id or ANY_FACE."""

    start_ns: int
    end_ns: int
    face_id: str
    label: str


class GroundTruthError(ValueError):
    """The ground truth cannot be read; the message names the file and line."""


def read_csv(path: Path) -> list[LabelRange]:
    """Read the CSV format above; unknown labels are an error (they would score as wrong)."""
    ranges = []
    with Path(path).open(newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                start, end = float(row["start_s"]), float(row["end_s"])
                label = row["label"].strip()
            except (KeyError, TypeError, ValueError) as exc:
                raise GroundTruthError(
                    f"{path}:{line}: expected start_s,end_s,face_id,label"
                ) from exc
            if label not in CLASS_NAMES:
                raise GroundTruthError(f"{path}:{line}: unknown label {label!r}")
            if end <= start:
                raise GroundTruthError(f"{path}:{line}: end {end} is not after start {start}")
            face = (row.get("face_id") or "").strip() or ANY_FACE
            ranges.append(LabelRange(int(start * NS_PER_S), int(end * NS_PER_S), face, label))
    return ranges


def from_label_messages(messages: list[tuple[int, str]], bag_end_ns: int) -> list[LabelRange]:
    """Ranges from (relative ns, "Label" or "face:Label") messages of a label topic."""
    ranges: list[LabelRange] = []
    open_ranges: dict[str, tuple[int, str]] = {}
    for t, text in sorted(messages):
        face, _, label = text.rpartition(":")
        face = face or ANY_FACE
        if face in open_ranges:
            start, previous = open_ranges[face]
            ranges.append(LabelRange(start, t, face, previous))
        open_ranges[face] = (t, label.strip())
    ranges += [
        LabelRange(s, bag_end_ns + 1, face, label) for face, (s, label) in open_ranges.items()
    ]
    return ranges


def label_at(ranges: list[LabelRange], t_ns: int, face_id: str) -> str | None:
    """The label of ``face_id`` at ``t_ns``: a range for that face first, else one for any face."""
    any_face = None
    for r in ranges:
        if r.start_ns <= t_ns < r.end_ns:
            if r.face_id == face_id:
                return r.label
            if r.face_id == ANY_FACE:
                any_face = r.label
    return any_face
