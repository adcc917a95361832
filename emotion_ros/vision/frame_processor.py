"""One camera frame to tracked faces: detection, tracking and the checks between frames.

The face node's per-frame work without ROS, so it can be tested on plain arrays: a frame whose
stamp is not after the previous frame's (a bag restarted, a camera clock jumped) resets the tracker
instead of matching faces across two timelines.
"""

from dataclasses import dataclass

import numpy as np

from emotion_ros.vision.face_mesh import DetectedFace, FaceMeshDetector
from emotion_ros.vision.face_tracker import FaceTracker


@dataclass(frozen=True)
class TrackedFace:
    """A detected face with its stable id and presence score."""

    face_id: str
    face: DetectedFace
    presence: float


class FaceFrameProcessor:
    """Runs the detector and the tracker on each frame, in stamp order."""

    def __init__(self, detector: FaceMeshDetector, tracker: FaceTracker) -> None:
        self.detector = detector
        self.tracker = tracker
        self._last_stamp_ns: int | None = None

    def process(self, image_bgr: np.ndarray, stamp_ns: int) -> tuple[list[TrackedFace], bool]:
        """Return the confirmed faces of the frame and whether the tracker was reset first."""
        reset = self._last_stamp_ns is not None and stamp_ns <= self._last_stamp_ns
        if reset:
            self.tracker.reset()
        self._last_stamp_ns = stamp_ns
        detections = self.detector.detect(image_bgr)
        confirmed = self.tracker.update([d.roi for d in detections])
        return [TrackedFace(t.face_id, detections[i], t.presence) for i, t in confirmed], reset
