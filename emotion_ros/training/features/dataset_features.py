"""Dataset samples -> face meshes, with the same code the nodes use (MediaPipe).

Photos go through the default recipe's extraction (``face_extraction.still_landmarks``: small
faces upscaled and padded, points mapped back to the photo's pixels).

Landmarks are extracted once and cached (``<cache>/<dataset>/<name>.npy``), because MediaPipe is
the slow part of training on images and videos.
"""

from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from emotion_ros.node_config import default_settings
from emotion_ros.training.datasets.sample import Sample
from emotion_ros.training.datasets.video_datasets import VIDEO_SUFFIXES, video_landmarks
from emotion_ros.training.features.face_extraction import still_landmarks
from emotion_ros.vision.face_mesh import FaceMeshDetector, FaceMeshSettings, still_image_detector


def _image(sample: Sample) -> np.ndarray | None:
    if isinstance(sample.source, np.ndarray):  # FER's CSV: 48x48 grey
        return cv2.cvtColor(sample.source, cv2.COLOR_GRAY2BGR)
    return cv2.imread(str(sample.source), cv2.IMREAD_COLOR)


def face_landmarks(
    samples: list[Sample],
    cache_dir: Path,
    without_face: Counter[int] | None = None,
    unreadable: list[Path] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(landmarks (N, 478, 3), labels, groups): one row per image, one per video frame.

    Images (and videos) without a detectable face are skipped and counted per class label into
    ``without_face`` when given, for the caller to report; files that are no image at all
    (whatever their name) are skipped and listed in ``unreadable``.
    """
    points, labels, groups = [], [], []
    with (
        still_image_detector() as still,
        FaceMeshDetector(default_settings(FaceMeshSettings, "face_node", max_faces=1)) as video,
    ):
        for index, sample in enumerate(samples):
            if isinstance(sample.source, Path) and sample.source.suffix.lower() in VIDEO_SUFFIXES:
                frames = video_landmarks(sample.source, video, cache_dir)
            else:
                cache = Path(cache_dir) / f"{index:06d}-{Path(sample.name).stem}.npy"
                if cache.is_file():
                    frames = np.load(cache)
                else:
                    image = _image(sample)
                    if image is None:  # not cached: the file may be replaced by a photo
                        if unreadable is not None:
                            unreadable.append(sample.source)
                        continue
                    found = still_landmarks(still, image)
                    frames = np.asarray([] if found is None else [found], np.float32)
                    frames = frames.reshape(-1, 478, 3)
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    np.save(cache, frames)
            if len(frames) == 0 and without_face is not None:
                without_face[sample.label] += 1
            points.extend(frames)
            labels.extend([sample.label] * len(frames))
            groups.extend([sample.group] * len(frames))
    return (
        np.asarray(points, np.float32).reshape(-1, 478, 3),
        np.asarray(labels),
        np.asarray(groups),
    )
