"""The keypoint dataset that ``emotion-ros collect`` writes and ``train --dataset keypoints`` reads.

A dataset is a folder of session files, ``<session>.npz``: one per collect run (a run never
overwrites an earlier session; collect more people by running it again into the same folder).
Each file holds N rows, one per face per kept frame, as numpy arrays (no pickles):

========== ================ ==============================================================
array      dtype, shape     meaning
========== ================ ==============================================================
landmarks  float32 (N,478,3) MediaPipe face mesh in the source image's pixels, as in
                            FaceLandmarks.msg (x right, y down, z on x's scale)
label      str (N,)         one of the six classes (Happy, Angry, Sad, Neutral, Surprised,
                            Worried)
subject    str (N,)         who it is; never split across train and test
session    str (N,)         the session (the file's name)
source     str (N,)         the image file, video file, camera or topic of the row
frame      int64 (N,)       the frame's index in its source (0 for a photo)
stamp_ns   int64 (N,)       the frame's stamp: the message's for a topic, capture time for a
                            camera, frame / fps for a video, 0 for a photo
face_id    str (N,)         the face's tracking id in the session ("face 1" for a photo)
image_size int32 (N, 2)     width and height of the source image
========== ================ ==============================================================

The file is rewritten whole (to a temporary name, then renamed) every ``SAVE_EVERY`` rows and at
the end, so a live session that is interrupted keeps what it had collected.
"""

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.landmarks.indices import NUM_LANDMARKS

SAVE_EVERY = 50
TEXT_COLUMNS = ("label", "subject", "session", "source", "face_id")


@dataclass(frozen=True)
class KeypointRow:
    """One face in one frame."""

    landmarks: np.ndarray
    label: str
    subject: str
    source: str
    frame: int
    stamp_ns: int
    face_id: str
    image_size: tuple[int, int]


@dataclass
class KeypointWriter:
    """Collects the rows of one session and keeps ``<folder>/<session>.npz`` up to date."""

    folder: Path
    session: str
    rows: list[KeypointRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        if self.path.exists():
            raise FileExistsError(f"session {self.session!r} exists already: {self.path}")

    @property
    def path(self) -> Path:
        """The session's file."""
        return self.folder / f"{self.session}.npz"

    def add(self, row: KeypointRow) -> None:
        """Add a row (saved with every ``SAVE_EVERY``-th)."""
        if row.label not in CLASS_NAMES:
            raise ValueError(f"label {row.label!r} is not one of {', '.join(CLASS_NAMES)}")
        self.rows.append(row)
        if len(self.rows) % SAVE_EVERY == 0:
            self.save()

    def save(self) -> None:
        """Write the session's rows (nothing is written for a session without any)."""
        if not self.rows:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        arrays = {
            "landmarks": np.stack([r.landmarks for r in self.rows]).astype(np.float32),
            "label": np.array([r.label for r in self.rows]),
            "subject": np.array([r.subject for r in self.rows]),
            "session": np.array([self.session] * len(self.rows)),
            "source": np.array([r.source for r in self.rows]),
            "frame": np.array([r.frame for r in self.rows], np.int64),
            "stamp_ns": np.array([r.stamp_ns for r in self.rows], np.int64),
            "face_id": np.array([r.face_id for r in self.rows]),
            "image_size": np.array([r.image_size for r in self.rows], np.int32),
        }
        partial = self.path.with_suffix(".partial.npz")
        np.savez(partial, **arrays)
        os.replace(partial, self.path)


@dataclass(frozen=True)
class KeypointData:
    """A dataset's rows for training: landmarks, class indices, subjects (the groups)."""

    landmarks: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    sessions: tuple[str, ...]


def read_keypoints(folder: Path, dropped: Counter[str] | None = None) -> KeypointData:
    """Every session of the dataset; rows whose label is not a class are counted in ``dropped``.

    Raises:
        ValueError: the folder has no session file, or a file lacks an array or has the wrong
            landmark shape.
    """
    files = sorted(p for p in Path(folder).glob("*.npz") if not p.name.endswith(".partial.npz"))
    if not files:
        raise ValueError(f"{folder} has no session files (<session>.npz from emotion-ros collect)")
    points, labels, groups = [], [], []
    for path in files:
        with np.load(path, allow_pickle=False) as data:
            missing = {"landmarks", "label", "subject"} - set(data.files)
            if missing:
                raise ValueError(f"{path} lacks {sorted(missing)}: not a keypoint session file")
            landmarks = data["landmarks"]
            if landmarks.ndim != 3 or landmarks.shape[1:] != (NUM_LANDMARKS, 3):
                raise ValueError(f"{path}: landmarks of shape {landmarks.shape}, expected "
                                 f"(N, {NUM_LANDMARKS}, 3)")  # fmt: skip
            subjects = data["subject"]
            for row, label in enumerate(data["label"]):
                if label not in CLASS_NAMES:
                    if dropped is not None:
                        dropped[str(label)] += 1
                    continue
                points.append(landmarks[row])
                labels.append(CLASS_NAMES.index(label))
                groups.append(str(subjects[row]))
    return KeypointData(
        np.asarray(points, np.float32).reshape(-1, NUM_LANDMARKS, 3),
        np.asarray(labels, np.int64),
        np.asarray(groups),
        tuple(p.stem for p in files),
    )
