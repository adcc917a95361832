"""Face boxes anywhere in a camera frame: MediaPipe's full-range detector, one window per call.

The full-range model (``face_detection_full_range_sparse.tflite``, shipped in the mediapipe
0.10.21 wheel) sees a 192x192 letterboxed copy of what it is given. Measured on frames composed
of the package photos, it finds a lone face from about 12 of those pixels wide, but it scores a
face lower when others share the image (a 45 px face: 0.82 alone, 0.67 beside another of its
size; not found at all beside a 160 px face). So:

- faces already followed are painted grey before a window is searched (they need no detection,
  and the small faces beside them are found);
- a frame is scanned as the whole frame plus square windows of ``WINDOW_PER_FACE *
  min_face_size`` pixels (480 for 40 px faces, which then span 16 model pixels) that overlap by a
  quarter of a window, so that every face that small lies wholly inside one window; larger faces
  are found in the whole frame (at 1280x720 it shrinks by 0.15: faces of 100 px span 15). A
  640x480 frame is the whole frame and two windows, a 1280x720 frame the whole frame and eight,
  a 1920x1080 one the whole frame and fifteen (a larger ``min_face_size`` means fewer).

Each call looks at one window and the next call at the next one, so a detection costs one window
(about 5 ms) whatever the frame's size, and a full scan takes ``len(scan_windows(...))`` calls:
the caller decides how often to call (the face path does every few frames).

The solution API's ``min_detection_confidence`` does not reach this model (its graph fixes the
threshold at 0.6, which drops faces scored down by their neighbours); the threshold is set on the
graph's TensorsToDetectionsCalculator instead, through the API's ``calculator_params``. A false
detection costs little: the face path keeps a face only if the mesh finds one in its crop.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from emotion_ros.vision.boxes import Box, centre_and_size

WINDOW_PER_FACE = 12  # window side / smallest face: 192 model pixels / 16 pixels per face
FULL_RANGE_GRAPH = "mediapipe/modules/face_detection/face_detection_full_range_cpu.binarypb"
HIDE_MARGIN = 1.2  # a hidden face's square, in sizes of its box
HIDDEN_GREY = 128
SCORE_THRESHOLD = (
    "facedetectionfullrange__facedetection__TensorsToDetectionsCalculator.min_score_thresh"
)


@dataclass(frozen=True)
class FaceDetectorSettings:
    """The face node's detector parameters (config/face_node.yaml documents them)."""

    min_detection_confidence: float
    min_face_size: int


def _starts(extent: int, window: int) -> list[int]:
    """Window starts along one axis: evenly spread, neighbours overlapping by a quarter."""
    if extent <= window:
        return [0]
    overlap = window // 4
    count = math.ceil((extent - overlap) / (window - overlap))
    return [round(s) for s in np.linspace(0, extent - window, count)]


def scan_windows(width: int, height: int, window: int) -> list[Box]:
    """The boxes one scan of a width x height frame looks at: the whole frame first, then the
    square windows of side ``window`` (none when the frame fits into one)."""
    whole = (0, 0, width, height)
    if width <= window and height <= window:
        return [whole]
    return [whole] + [
        (x, y, min(window, width), min(window, height))
        for y in _starts(height, window)
        for x in _starts(width, window)
    ]


class FaceDetector:
    """Finds face boxes in BGR frames, one window of the scan per call (not thread-safe)."""

    def __init__(self, settings: FaceDetectorSettings) -> None:
        from mediapipe.python.solution_base import SolutionBase  # heavy import

        self.settings = settings
        self._detection = SolutionBase(
            binary_graph_path=FULL_RANGE_GRAPH,
            calculator_params={SCORE_THRESHOLD: settings.min_detection_confidence},
            outputs=["detections"],
        )
        self._windows: list[Box] = []
        self._next = 0

    def windows(self, width: int, height: int) -> list[Box]:
        """The scan of a frame of this size (see the module docstring)."""
        return scan_windows(width, height, WINDOW_PER_FACE * self.settings.min_face_size)

    def detect_next(self, image_bgr: np.ndarray, hide: Sequence[Box] = ()) -> list[Box]:
        """Boxes of the faces in the next window of the scan, in frame pixels, not looking at
        the boxes ``hide`` (see ``detect``).

        A frame of another size than the previous one starts a new scan.
        """
        height, width = image_bgr.shape[:2]
        windows = self.windows(width, height)
        if windows != self._windows:
            self._windows, self._next = windows, 0
        window = windows[self._next]
        self._next = (self._next + 1) % len(windows)
        return self.detect(image_bgr, window, hide)

    def detect(self, image_bgr: np.ndarray, window: Box, hide: Sequence[Box] = ()) -> list[Box]:
        """Boxes of the faces inside ``window`` of ``image_bgr``, in frame pixels.

        The boxes ``hide`` (faces already followed) are painted grey first, ``HIDE_MARGIN``
        times as large: the model scores a small face far lower beside a large one (a 40 px
        face next to a 160 px one: not found; alone: found), and a followed face needs no
        detection.
        """
        x0, y0, w, h = window
        rgb = cv2.cvtColor(image_bgr[y0 : y0 + h, x0 : x0 + w], cv2.COLOR_BGR2RGB)
        for box in hide:
            (cx, cy), size = centre_and_size(box)
            half = HIDE_MARGIN * size / 2
            left, top = max(0, round(cx - half) - x0), max(0, round(cy - half) - y0)
            right, bottom = round(cx + half) - x0, round(cy + half) - y0
            if right > left and bottom > top:
                rgb[top:bottom, left:right] = HIDDEN_GREY
        rgb.flags.writeable = False
        boxes = []
        for detection in self._detection.process({"image": rgb}).detections or []:
            box = detection.location_data.relative_bounding_box
            boxes.append(
                (
                    x0 + round(box.xmin * w),
                    y0 + round(box.ymin * h),
                    round(box.width * w),
                    round(box.height * h),
                )
            )
        return boxes

    def close(self) -> None:
        """Release MediaPipe's graph."""
        self._detection.close()
