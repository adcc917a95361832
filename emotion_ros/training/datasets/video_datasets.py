"""Video datasets with clip labels: MER2023 / MERR (a folder of videos and a label CSV).

Layout: ``videos/<name>.mp4`` (or .avi) and a CSV with ``name,discrete`` columns (MER2023's
``label-6way.csv``; ``name,label`` also accepted). The six MER2023 labels (neutral, angry, happy,
sad, worried, surprise) are exactly this package's classes. The group is the video, so no frame
of a video is in both train and test.
"""

import csv
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from emotion_ros.training.datasets.class_maps import class_of
from emotion_ros.training.datasets.sample import Sample
from emotion_ros.vision.face_mesh import FaceMeshDetector

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov")


def read_mer(video_dir: Path, label_csv: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """One sample per labelled video that exists; ``dropped`` counts the rest (label or
    "no video file")."""
    with Path(label_csv).open(newline="") as f:
        rows = list(csv.DictReader(f))
    samples = []
    dropped = Counter() if dropped is None else dropped
    for row in rows:
        source = row.get("discrete") or row.get("label") or ""
        label = class_of(source)
        if label is None:
            dropped[source] += 1
            continue
        videos = [Path(video_dir) / f"{row['name']}{suffix}" for suffix in VIDEO_SUFFIXES]
        video = next((v for v in videos if v.is_file()), None)
        if video is None:
            dropped["no video file"] += 1
            continue
        samples.append(Sample(video, label, row["name"]))
    return samples


def video_landmarks(
    video: Path, detector: FaceMeshDetector, cache_dir: Path, every: int = 1
) -> np.ndarray:
    """(frames, 478, 3) landmarks of the largest face in each frame, cached as ``<name>.npy``.

    Frames without a face are skipped. ``detector`` meshes whole frames, fine for a clip of one
    large face; its points lie within 2 % of the inter-ocular distance of the face node's crop
    meshes (bench/bench_face.py), so training sees the geometry the robot will see.
    """
    cache = Path(cache_dir) / f"{video.stem}.npy"
    if cache.is_file():
        return np.load(cache)
    capture = cv2.VideoCapture(str(video))
    frames, index = [], 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        if index % every == 0:
            faces = detector.detect(image)
            if faces:
                largest = max(faces, key=lambda f: f.roi[2] * f.roi[3])
                frames.append(largest.landmarks)
        index += 1
    capture.release()
    landmarks = np.asarray(frames, dtype=np.float32).reshape(-1, 478, 3)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, landmarks)
    return landmarks
