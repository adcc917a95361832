"""MediaPipe face mesh (478 points with irises) on BGR images, in the FaceLandmarks.msg frame.

``mediapipe==0.10.21`` is the last release whose wheel ships the face detection and landmark
models, so its "solutions" API is used (the Tasks API needs a ``.task`` bundle that no wheel
ships). In video mode (``static_image_mode=False``) MediaPipe tracks faces between frames and only
re-runs its detector when it loses one: about 5.5 ms per 640x480 frame for one face here.

Its detector is the short-range model: faces smaller than about a fifth of the frame (people more
than about 2 m from a 640x480 camera) are missed. ``upscale_small_frames`` is not offered; a user
who needs far faces should crop or zoom the camera, which this module documents rather than hides.
"""

from dataclasses import dataclass

import cv2
import numpy as np

NUM_LANDMARKS = 478


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


class FaceMeshDetector:
    """Finds up to ``max_faces`` faces per BGR image and returns their 478-point meshes.

    Not thread-safe: one detector per processing thread (MediaPipe graphs keep per-stream state).
    """

    def __init__(
        self,
        max_faces: int = 4,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        static_image_mode: bool = False,
    ) -> None:
        import mediapipe as mp  # heavy import, only when a detector is made

        if max_faces < 1:
            raise ValueError(f"max_faces must be at least 1, got {max_faces}")
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static_image_mode,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def detect(self, image_bgr: np.ndarray) -> list[DetectedFace]:
        """Return the faces in ``image_bgr`` (H, W, 3) uint8, left to right."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 BGR image, got {image_bgr.shape}")
        height, width = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        result = self._mesh.process(rgb)
        faces = []
        for face in result.multi_face_landmarks or []:
            points = np.array(
                [(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32
            ) * np.array([width, height, width], dtype=np.float32)
            faces.append(DetectedFace(points, landmarks_roi(points, width, height)))
        return sorted(faces, key=lambda f: f.roi[0])

    def close(self) -> None:
        """Release MediaPipe's graph."""
        self._mesh.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
