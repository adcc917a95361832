"""FER+'s ten annotators' votes for the photos of FER2013's image-folder release.

The image-folder release names its files ``<Usage>_<random number>.jpg`` (upscaled JPEGs) and
FER+ names its PNGs by the row of the original CSV, so nothing but the pixels ties a photo to its
votes. Each FER2013 photo is shrunk back to 48x48 and compared with every FER+ face of the same
split: the FER+ face with the highest correlation is its match when that correlation is at least
``MATCH_CORRELATION`` (JPEG and resampling leave about 0.99-1.00; different faces stay below
0.9). A few photos occur twice in FER2013 with different labels; they match one row each all the
same, and photos without a match keep no votes (NaN).

The votes turn into training targets by ``soft_targets``: FER2013's own label mixed with the
share of FER+ votes each of the six classes got. FER2013's labels come from one annotator and
are often wrong; FER+'s votes say how ambiguous a face is, which is what a calibrated model
should learn, and FER+ counts many more faces as Neutral.
"""

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.training.datasets.class_maps import FERPLUS_COLUMNS, class_of
from emotion_ros.training.datasets.fer_folders import read_ferplus_votes

MATCH_CORRELATION = 0.97
SIGNATURE_SIDE = 16  # pixels per side of the signature compared first (then the whole face)
CANDIDATES = 5  # closest signatures compared on the whole face
FERPLUS_CLASS_COLUMNS = [
    (column, index)
    for column, index in ((k, class_of(name)) for k, name in enumerate(FERPLUS_COLUMNS))
    if index is not None
]


def _standardised(faces: np.ndarray) -> np.ndarray:
    """Rows of zero mean and unit norm, so that a dot product is a correlation."""
    flat = faces.reshape(len(faces), -1).astype(np.float32)
    flat -= flat.mean(axis=1, keepdims=True)
    return flat / (np.linalg.norm(flat, axis=1, keepdims=True) + 1e-6)


def _signatures(faces: np.ndarray) -> np.ndarray:
    side = (SIGNATURE_SIDE, SIGNATURE_SIDE)
    small = [cv2.resize(face, side, interpolation=cv2.INTER_AREA) for face in faces]
    return _standardised(np.stack(small))


def match_faces(queries: np.ndarray, references: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """For each 48x48 query face, the index of the reference face it is (or -1).

    The best few candidates by their small signatures are compared on the whole face, so a
    face is matched on its pixels, not on its blur.
    """
    query_signatures, reference_signatures = _signatures(queries), _signatures(references)
    full_queries, full_references = _standardised(queries), _standardised(references)
    matches = np.full(len(queries), -1, np.int64)
    if len(references) == 0:
        return matches
    best_few = min(CANDIDATES, len(references))
    for start in range(0, len(queries), chunk):
        similarity = query_signatures[start : start + chunk] @ reference_signatures.T
        candidates = np.argpartition(-similarity, best_few - 1, axis=1)[:, :best_few]
        for row, options in enumerate(candidates):
            correlations = full_references[options] @ full_queries[start + row]
            best = int(np.argmax(correlations))
            if correlations[best] >= MATCH_CORRELATION:
                matches[start + row] = options[best]
    return matches


def read_faces(paths: Sequence[Path]) -> np.ndarray:
    """(N, 48, 48) uint8 grey faces of ``paths``, shrunk to FER's own size."""
    faces = np.zeros((len(paths), 48, 48), np.uint8)
    for index, path in enumerate(paths):
        grey = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if grey is not None:
            faces[index] = cv2.resize(grey, (48, 48), interpolation=cv2.INTER_AREA)
    return faces


def ferplus_votes(
    paths: Sequence[Path], splits: Sequence[str], ferplus_root: Path, cache_file: Path | None = None
) -> np.ndarray:
    """(N, 10) FER+ vote counts for FER2013 image-folder photos (NaN rows: no match).

    ``splits`` are the photos' FER2013 usages (Training, PublicTest, PrivateTest); each is
    matched within FER+'s folder of that usage. Kept in ``cache_file`` (.npy) when given.
    """
    if cache_file is not None and cache_file.is_file():
        return np.load(cache_file)
    votes = np.full((len(paths), len(FERPLUS_COLUMNS)), np.nan, np.float32)
    splits = np.asarray(splits)
    for split in dict.fromkeys(splits):
        rows = np.flatnonzero(splits == split)
        ferplus_paths, split_votes = read_ferplus_votes(ferplus_root, split)
        matches = match_faces(read_faces([paths[i] for i in rows]), read_faces(ferplus_paths))
        found = matches >= 0
        votes[rows[found]] = split_votes[matches[found]]
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache_file, votes)
    return votes


def vote_shares(votes: np.ndarray) -> np.ndarray:
    """(N, 6) share of the votes for each of the six classes (rows of zeros where none went to
    one of them, or no votes: disgust, contempt, unknown and not-a-face are left out)."""
    shares = np.zeros((len(votes), NUM_CLASSES), np.float32)
    counted = np.nan_to_num(votes)
    for column, index in FERPLUS_CLASS_COLUMNS:
        shares[:, index] = counted[:, column]
    total = shares.sum(axis=1, keepdims=True)
    return np.divide(shares, total, out=np.zeros_like(shares), where=total > 0)


def soft_targets(labels: np.ndarray, votes: np.ndarray, weight: float) -> np.ndarray:
    """(N, 6) training targets: ``1 - weight`` of the FER2013 label plus ``weight`` of the FER+
    vote shares; a face without votes for the six keeps its label alone."""
    one_hot = np.eye(NUM_CLASSES, dtype=np.float32)[labels]
    shares = vote_shares(votes)
    has_votes = shares.sum(axis=1, keepdims=True) > 0
    return np.where(has_votes, (1 - weight) * one_hot + weight * shares, one_hot).astype(np.float32)
