"""MediaPipe face mesh (478 points with irises) of whole images, in the FaceLandmarks.msg frame.

``mediapipe==0.10.21`` is the last release whose wheel ships the face detection and landmark
models, so its "solutions" API is used (the Tasks API needs a ``.task`` bundle that no wheel
ships). Its face mesh finds faces with the short-range detector, which misses faces smaller than
about a fifth of the image: right for photos of one face (datasets, the tests' package photos,
where ``still_image_detector`` upscales and pads them first), wrong for a room seen by a robot.
The face node finds faces with ``multi_face_mesh.MultiFaceMesh`` instead and meshes each on its
own crop (``crop_mesh.CropMesh``), with the same models and this module's pixel frame.
"""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from emotion_ros.node_config import default_settings
from emotion_ros.vision.boxes import Box, clip_box, landmarks_box


@dataclass(frozen=True)
class DetectedFace:
    """One face: landmarks in pixels (x right, y down, z = MediaPipe z * width) and its box."""

    landmarks: np.ndarray  # (478, 3) float32
    roi: Box  # x_offset, y_offset, width, height, clipped to the image


def landmarks_roi(landmarks: np.ndarray, width: int, height: int) -> Box:
    """Return the landmarks' bounding box (x, y, w, h) in pixels, clipped to the image."""
    return clip_box(landmarks_box(landmarks), width, height)


def mesh_points(mesh: Any, rgb: np.ndarray) -> list[np.ndarray]:
    """The (478, 3) float32 meshes MediaPipe's FaceMesh ``mesh`` finds in ``rgb``, in its pixels:
    x right, y down, z on x's scale (MediaPipe's z is relative to the image width)."""
    scale = np.array([rgb.shape[1], rgb.shape[0], rgb.shape[1]], dtype=np.float32)
    return [
        np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32) * scale
        for face in mesh.process(rgb).multi_face_landmarks or []
    ]


@dataclass(frozen=True)
class FaceMeshSettings:
    """The face node's MediaPipe parameters (config/face_node.yaml documents them)."""

    max_faces: int
    min_detection_confidence: float
    min_tracking_confidence: float


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

    def detect(self, image_bgr: np.ndarray) -> list[DetectedFace]:
        """Return the faces in ``image_bgr`` (H, W, 3) uint8, left to right."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 BGR image, got {image_bgr.shape}")
        height, width = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        faces = [
            DetectedFace(points, landmarks_roi(points, width, height))
            for points in mesh_points(self._mesh, rgb)
        ]
        return sorted(faces, key=lambda f: f.roi[0])

    def close(self) -> None:
        """Release MediaPipe's graph."""
        self._mesh.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def still_image_detector(max_faces: int = 1) -> FaceMeshDetector:
    """A detector for unrelated photos (datasets, tests) with the face node's thresholds from
    config/face_node.yaml, so training sees faces the way the node does."""
    settings = default_settings(FaceMeshSettings, "face_node", max_faces=max_faces)
    return FaceMeshDetector(settings, static_image_mode=True)
