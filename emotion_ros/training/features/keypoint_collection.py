"""Faces -> keypoint rows for ``emotion-ros collect``, found as the face node and training do.

Photos (a folder per class, as ``train --dataset image-folder`` reads it): the still-image mesh of
the largest face, upscaled and padded like the training photos (``face_extraction``). Videos,
cameras and image topics: the face node's video-mode mesh and tracker with its parameters
(config/face_node.yaml), so the ids follow each person; at most ``fps`` frames a second are kept
(neighbouring frames are near copies and would only weigh a session more).
"""

from collections import Counter
from collections.abc import Callable

import cv2
import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.node_config import node_defaults
from emotion_ros.timestamps import NS_PER_S
from emotion_ros.training.datasets.image_datasets import read_image_folder
from emotion_ros.training.datasets.keypoint_dataset import KeypointRow, KeypointWriter
from emotion_ros.training.features.face_extraction import still_landmarks
from emotion_ros.vision.face_mesh import still_image_detector
from emotion_ros.vision.frame_processor import FaceFrameProcessor, TrackedFace


def collect_photos(
    folder, writer: KeypointWriter, dropped: Counter[str], report: Callable[[str], None]
) -> Counter[str]:
    """Add a row per photo of ``folder/<class>/`` with a face; return the photos without one per
    class. The subject is the file name's prefix (``S005_001.png`` -> ``S005``), else the file.
    A file that is not an image (whatever its name) is reported and skipped.

    Raises:
        ValueError: no class folder holds a photo (a flat folder of photos, say).
    """
    samples = read_image_folder(folder, "names", dropped)
    if not samples:
        found = f"; its folders {', '.join(sorted(dropped))} are not classes" if dropped else ""
        raise ValueError(
            f"{folder} has no photos in class folders: put them in {folder}/<class>/, one "
            f"folder per class ({', '.join(CLASS_NAMES)} or a synonym){found}"
        )
    without_face: Counter[str] = Counter()
    with still_image_detector() as detector:
        for number, sample in enumerate(samples, start=1):
            image = cv2.imread(str(sample.source), cv2.IMREAD_COLOR)
            if image is None:
                report(f"cannot read {sample.source} as an image; skipped")
                continue
            points = still_landmarks(detector, image)
            label = CLASS_NAMES[sample.label]
            if points is None:
                without_face[label] += 1
            else:
                height, width = image.shape[:2]
                writer.add(KeypointRow(points, label, sample.group, str(sample.source), 0, 0,
                                       "face 1", (width, height)))  # fmt: skip
            if number % 100 == 0:
                report(f"{number} of {len(samples)} photos")
    return without_face


class FrameCollector:
    """Tracks the faces of consecutive frames and adds a row per face of each kept frame."""

    def __init__(self, writer: KeypointWriter, subject: str = "", fps: float = 5.0) -> None:
        """``subject``: who is recorded; "" = each tracked face is its own subject
        (``<session>-<face id>``), for an operator who records people one after another."""
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        parameters = {**node_defaults("face_node"), "deterministic_ids": True}
        parameters["face_crop_size"] = 0  # landmarks only
        parameters["mesh_budget_ms"] = 0.0  # every row a measured mesh, however slow the machine
        self.processor = FaceFrameProcessor.from_parameters(parameters)
        self.writer = writer
        self.subject = subject
        self.period_ns = round(NS_PER_S / fps)
        self._next_ns: int | None = None
        self.kept_frames = 0

    def add(
        self, image_bgr: np.ndarray, stamp_ns: int, label: str | None, source: str, frame: int
    ) -> list[TrackedFace]:
        """Track the frame's faces; with a label, and when a frame is due, add their rows.
        Returns the tracked faces (for a preview)."""
        faces, reset = self.processor.process(image_bgr, stamp_ns)
        if reset:
            self._next_ns = None
        due = self._next_ns is None or stamp_ns >= self._next_ns
        if label is None or not due or not faces:
            return faces
        self._next_ns = stamp_ns + self.period_ns
        self.kept_frames += 1
        height, width = image_bgr.shape[:2]
        for face in faces:
            subject = self.subject or f"{self.writer.session}-{face.face_id}"
            self.writer.add(KeypointRow(face.face.landmarks, label, subject, source, frame,
                                        stamp_ns, face.face_id, (width, height)))  # fmt: skip
        return faces

    def close(self) -> None:
        """Release MediaPipe."""
        self.processor.close()
