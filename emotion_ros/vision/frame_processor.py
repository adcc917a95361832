"""One camera frame to tracked faces: detection, tracking, meshes, crops, and the checks
between frames.

The face node's per-frame work without ROS, so it can be tested on plain arrays: a frame whose
stamp is not after the previous frame's (a bag restarted, a camera clock jumped) resets the
tracker instead of matching faces across two timelines.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np

from emotion_ros.models.model_files import card_path
from emotion_ros.node_config import settings_from
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_detection import FaceDetectorSettings
from emotion_ros.vision.face_mesh import DetectedFace, FaceMeshSettings
from emotion_ros.vision.face_tracker import TrackerSettings
from emotion_ros.vision.multi_face_mesh import MultiFaceMesh, MultiFaceSettings
from emotion_ros.vision.occlusion import OcclusionModel
from emotion_ros.vision.refresh_schedule import RefreshSettings


@dataclass(frozen=True)
class TrackedFace:
    """A detected face with its stable id, presence score and the stamp of the frame its mesh
    was measured on (older than the frame when the mesh budget carried it forward); with crops
    enabled, its aligned grey crop of this frame and how likely its upper and lower halves are
    visible (-1: no occlusion model)."""

    face_id: str
    face: DetectedFace
    presence: float
    mesh_stamp_ns: int
    crop: np.ndarray | None = None
    upper_face_visible: float = -1.0
    lower_face_visible: float = -1.0


class FaceFrameProcessor:
    """Finds and follows the faces of each frame, in stamp order; cuts each confirmed face's
    aligned crop (``crop_size`` > 0) and judges its occlusion (with an occlusion model).
    """

    def __init__(
        self,
        faces: MultiFaceMesh,
        crop_size: int,
        occlusion: OcclusionModel | None,
    ) -> None:
        if occlusion is not None and crop_size != occlusion.crop_size:
            raise ValueError(
                f"face_crop_size {crop_size} differs from the occlusion model's input "
                f"({occlusion.crop_size})"
            )
        self.faces = faces
        self.crop_size = crop_size
        self.occlusion = occlusion
        self._last_stamp_ns: int | None = None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> "FaceFrameProcessor":
        """The face node's processor from its parameters (config/face_node.yaml), for the node
        and the offline evaluation alike.

        Raises:
            ValueError: a bad setting; ModelFileError: a missing or corrupt occlusion model,
            or ONNX landmark model (landmark_backend onnx).
        """
        occlusion = None
        card = parameters["occlusion_card"]
        if card and parameters["face_crop_size"] > 0:
            occlusion = OcclusionModel(card_path(parameters["models_dir"], card))
        faces = MultiFaceMesh(
            settings_from(MultiFaceSettings, parameters),
            settings_from(FaceDetectorSettings, parameters),
            settings_from(FaceMeshSettings, parameters),
            settings_from(TrackerSettings, parameters),
            settings_from(RefreshSettings, parameters),
            parameters["models_dir"],
        )
        return cls(faces, parameters["face_crop_size"], occlusion)

    def process(self, image_bgr: np.ndarray, stamp_ns: int) -> tuple[list[TrackedFace], bool]:
        """Return the confirmed faces of the frame and whether the tracker was reset first."""
        reset = self._last_stamp_ns is not None and stamp_ns <= self._last_stamp_ns
        if reset:
            self.faces.reset()
        self._last_stamp_ns = stamp_ns
        faces = [
            TrackedFace(m.track.face_id, m.face, m.track.presence, m.mesh_stamp_ns)
            for m in self.faces.find(image_bgr, stamp_ns)
        ]
        if self.crop_size > 0 and faces:
            faces = self._with_crops(image_bgr, faces)
        return faces, reset

    def close(self) -> None:
        """Release the MediaPipe graphs."""
        self.faces.close()

    def _with_crops(self, image_bgr: np.ndarray, faces: list[TrackedFace]) -> list[TrackedFace]:
        grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
        crops = np.stack([aligned_crop(grey, f.face.landmarks, self.crop_size) for f in faces])
        visible = (
            self.occlusion.visibility(crops)
            if self.occlusion is not None
            else np.full((len(faces), 2), -1.0, np.float32)
        )
        return [
            replace(f, crop=crop, upper_face_visible=float(v[0]), lower_face_visible=float(v[1]))
            for f, crop, v in zip(faces, crops, visible, strict=True)
        ]
