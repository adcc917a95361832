"""The meshes of all the faces a frame meshes, in one call of the ONNX landmark model.

The ``landmark_backend: onnx`` counterpart of vision/crop_mesh.py's CropMesh, which runs one
MediaPipe graph per face. Here each mesh slot keeps its face's last mesh, which gives the face's
next crop as MediaPipe's video mode does (vision/landmark_crop.py); a face with no mesh in its
slot (new, lost, or its slot's last face was another person) is cropped from its track's box
instead. All the crops go to the model as one batch, and a face is found when the model's
presence score is at least ``min_presence`` (the face node's min_tracking_confidence, the
threshold MediaPipe tracks with): below it the slot forgets its mesh, the face counts as missed,
and its next crop comes from the box the tracker expects it at, which the detector corrects.

Unlike MediaPipe's graph, no face detector runs inside the crop: the presence score alone says
whether a face is there.
"""

from collections.abc import Sequence

import numpy as np

from emotion_ros.vision.face_tracker import Track
from emotion_ros.vision.landmark_crop import MODEL_SIDE, crop_to_frame, model_input, region_for
from emotion_ros.vision.landmark_model import LandmarkModel


class BatchedCropMesh:
    """Meshes followed faces, ``slots`` of them at most, a frame's faces in one model call.

    Not thread-safe: one per processing thread (each slot keeps its face's last mesh).
    """

    def __init__(self, model: LandmarkModel, slots: int, min_presence: float) -> None:
        self._model: LandmarkModel | None = model
        self.min_presence = min_presence
        self._last: list[np.ndarray | None] = [None] * slots  # slot -> its face's last mesh

    def mesh(self, image_bgr: np.ndarray, tracks: Sequence[Track]) -> list[np.ndarray | None]:
        """Each track's (478, 3) mesh in frame pixels, or None where the model finds no face."""
        if not tracks:
            return []
        for track in tracks:
            if track.hits == 0 or track.misses > 0:
                # a new or lost face: searched afresh, holding nothing of another face
                self._last[track.slot] = None
        regions = [region_for(t.roi, self._last[t.slot]) for t in tracks]
        batch = self._open().run(np.stack([model_input(image_bgr, r) for r in regions]))
        found: list[np.ndarray | None] = []
        for track, region, points, presence in zip(
            tracks, regions, batch.points, batch.presence, strict=True
        ):
            mesh = crop_to_frame(points, region) if presence >= self.min_presence else None
            self._last[track.slot] = mesh
            found.append(mesh)
        return found

    def warm_up(self) -> None:
        """One call of every batch size up to the slots: onnxruntime's first call of a shape
        plans its memory (tens of ms), which would otherwise stall the first frames with faces."""
        model = self._open()
        for size in range(1, len(self._last) + 1):
            model.run(np.zeros((size, MODEL_SIDE, MODEL_SIDE, 3), np.float32))

    def _open(self) -> LandmarkModel:
        if self._model is None:
            raise RuntimeError("the landmark model was closed")
        return self._model

    def close(self) -> None:
        """Release the onnxruntime session (and its GPU memory) now, not at garbage collection."""
        self._model = None
