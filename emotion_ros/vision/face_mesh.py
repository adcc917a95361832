"""MediaPipe face mesh (478 points with irises) on BGR images, in the FaceLandmarks.msg frame.

``mediapipe==0.10.21`` is the last release whose wheel ships the face detection and landmark
models, so its "solutions" API is used (the Tasks API needs a ``.task`` bundle that no wheel
ships). In video mode (``static_image_mode=False``) MediaPipe tracks faces between frames and only
re-runs its detector when it loses one: about 5.5 ms per 640x480 frame for one face here.

Its detector is the short-range model: faces smaller than about a fifth of the frame (people more
than about 2 m from a 640x480 camera) are missed. With ``tile_size`` > 0 a second pass looks for
more faces, whenever fewer than ``max_faces`` were found, in overlapping square tiles of that
size (half a tile apart) with a still-image mesh: 480-pixel tiles find faces of about 60 pixels
(a 150-pixel head in a 1280x960 frame that the whole-frame pass misses). It costs about 8 ms per
tile and runs every such frame, because the video-mode mesh does not track what it did not find
itself, so it is off by default.
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from emotion_ros.landmarks.indices import NOSE_TIP
from emotion_ros.node_config import default_settings


@dataclass(frozen=True)
class DetectedFace:
    """One face: landmarks in pixels (x right, y down, z = MediaPipe z * width) and its box."""

    landmarks: np.ndarray  # (478, 3) float32
    roi: tuple[int, int, int, int]  # x_offset, y_offset, width, height, clipped to the image


def landmarks_roi(landmarks: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """Return the landmarks' bounding box (x, y, w, h) in pixels, clipped to the image."""
    x0, y0 = np.floor(landmarks[:, :2].min(axis=0)).astype(int)
    x1, y1 = np.ceil(landmarks[:, :2].max(axis=0)).astype(int)
    x0, x1 = max(0, x0), min(width, x1)
    y0, y1 = max(0, y0), min(height, y1)
    return int(x0), int(y0), int(max(0, x1 - x0)), int(max(0, y1 - y0))


@dataclass(frozen=True)
class FaceMeshSettings:
    """The face node's MediaPipe parameters (config/face_node.yaml documents them)."""

    max_faces: int
    min_detection_confidence: float
    min_tracking_confidence: float
    tile_size: int


class FaceMeshDetector:
    """Finds up to ``max_faces`` faces per BGR image and returns their 478-point meshes.

    ``static_image_mode`` treats every image as unrelated (dataset photos); otherwise frames are a
    video and faces are tracked between them. Not thread-safe: one detector per processing thread
    (MediaPipe graphs keep per-stream state).
    """

    def __init__(self, settings: FaceMeshSettings, static_image_mode: bool = False) -> None:
        import mediapipe as mp  # heavy import, only when a detector is made

        if settings.max_faces < 1:
            raise ValueError(f"max_faces must be at least 1, got {settings.max_faces}")
        self.settings = settings
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static_image_mode,
            max_num_faces=settings.max_faces,
            refine_landmarks=True,
            min_detection_confidence=settings.min_detection_confidence,
            min_tracking_confidence=settings.min_tracking_confidence,
        )
        self._tile_mesh = (
            mp.solutions.face_mesh.FaceMesh(
                static_image_mode=True,
                max_num_faces=settings.max_faces,
                refine_landmarks=True,
                min_detection_confidence=settings.min_detection_confidence,
            )
            if settings.tile_size > 0
            else None
        )

    def warm_up(self) -> None:
        """Run MediaPipe once: its first call initialises the graph (~0.3 s), which would
        otherwise stall, and drop, the first camera frames."""
        self.detect(np.zeros((480, 640, 3), np.uint8))

    def detect(self, image_bgr: np.ndarray) -> list[DetectedFace]:
        """Return the faces in ``image_bgr`` (H, W, 3) uint8, left to right."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 BGR image, got {image_bgr.shape}")
        height, width = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        faces = self._run(self._mesh, rgb, 0, 0, width, height)
        if self._tile_mesh is not None and len(faces) < self.settings.max_faces:
            faces = self._add_tile_faces(rgb, faces)
        return sorted(faces, key=lambda f: f.roi[0])

    def _run(
        self, mesh: Any, rgb: np.ndarray, x0: int, y0: int, width: int, height: int
    ) -> list[DetectedFace]:
        """Faces of ``rgb`` (a crop at x0, y0 of a width x height image) in full-image pixels."""
        faces = []
        for face in mesh.process(rgb).multi_face_landmarks or []:
            scale = np.array([rgb.shape[1], rgb.shape[0], rgb.shape[1]], dtype=np.float32)
            points = np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32) * scale
            points += np.array([x0, y0, 0.0], dtype=np.float32)
            faces.append(DetectedFace(points, landmarks_roi(points, width, height)))
        return faces

    def _add_tile_faces(self, rgb: np.ndarray, faces: list[DetectedFace]) -> list[DetectedFace]:
        """Search overlapping tiles; keep faces whose nose tip is not inside a known face."""
        height, width = rgb.shape[:2]
        size = self.settings.tile_size
        if min(height, width) < size:
            return faces

        def starts(extent: int) -> np.ndarray:
            count = int(np.ceil((extent - size) / (size / 2))) + 1
            return np.linspace(0, extent - size, count).astype(int)

        for y0 in starts(height):
            for x0 in starts(width):
                tile = np.ascontiguousarray(rgb[y0 : y0 + size, x0 : x0 + size])
                for face in self._run(self._tile_mesh, tile, x0, y0, width, height):
                    nose_x, nose_y = face.landmarks[NOSE_TIP, :2]
                    if not any(
                        f.roi[0] <= nose_x <= f.roi[0] + f.roi[2]
                        and f.roi[1] <= nose_y <= f.roi[1] + f.roi[3]
                        for f in faces
                    ):
                        faces.append(face)
                    if len(faces) >= self.settings.max_faces:
                        return faces
        return faces

    def close(self) -> None:
        """Release MediaPipe's graphs."""
        self._mesh.close()
        if self._tile_mesh is not None:
            self._tile_mesh.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def still_image_detector(max_faces: int = 1) -> FaceMeshDetector:
    """A detector for unrelated photos (datasets, tests) with the face node's thresholds from
    config/face_node.yaml, so training sees faces the way the node does."""
    settings = default_settings(FaceMeshSettings, "face_node", max_faces=max_faces, tile_size=0)
    return FaceMeshDetector(settings, static_image_mode=True)
