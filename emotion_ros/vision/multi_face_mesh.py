"""Meshes of every face in view, near or far: a detector every few frames, a mesh per face.

MediaPipe's face mesh on a whole frame finds only faces larger than about a fifth of the frame
(its short-range detector), and its cost grows with the frame. Here the full-range detector
(vision/face_detection.py) finds faces of ``min_face_size`` pixels and more, one scan window per
call, every ``detection_interval`` frames; every frame, each followed face is meshed on its own
crop by its own CropMesh (vision/crop_mesh.py; ``max_faces`` of them, made up front); the tracker
between them (vision/face_tracker.py) gives ids and slots. A frame costs one mesh per face (about
4 ms here), plus one detector window (about 5 ms) on detection frames: it grows with the number
of faces, not with the frame's size. The meshes of a frame run on ``mesh_threads`` threads (each
MediaPipe graph computes on its caller's thread, and releases the GIL meanwhile): on two cores
shared with a training job, six crop meshes took 22-25 ms instead of 29-36 ms one after another.

The detector also runs on every frame while no face is followed (there is nothing else to do)
and while a face is lost (its mesh found nothing in its crop: the person moved fast, turned away
or was hidden), so that the face is found again and keeps its id; meanwhile its own mesh looks
for it in its crop too (MediaPipe re-runs its detector there while it has no face), for
``tracker_max_misses`` frames.

When a group's meshes would not fit the frame time, a frame meshes only the faces that the
``RefreshSchedule`` (vision/refresh_schedule.py) picks within ``mesh_budget_ms``; every other
followed face is carried forward: its last mesh, moved by as much as its box moved since, with
the stamp of the frame it was measured on, so every frame still has every face.

``landmark_backend`` picks what meshes the faces: ``mediapipe`` (the default, the models' test
figures come from it), one CropMesh per slot as above; or ``onnx``, MediaPipe's landmark model
converted to ONNX (vision/batched_crop_mesh.py), all of a frame's faces in one onnxruntime call
on ``landmark_device`` (cpu, or cuda where onnxruntime-gpu has it) with ``mesh_threads``
intra-op threads. Either way the schedule is told the meshing's wall time.
"""

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from emotion_ros.models.model_files import card_path
from emotion_ros.vision.batched_crop_mesh import BatchedCropMesh
from emotion_ros.vision.boxes import Box, centre_and_size, landmarks_box
from emotion_ros.vision.crop_mesh import CropMesh
from emotion_ros.vision.face_detection import FaceDetector, FaceDetectorSettings
from emotion_ros.vision.face_mesh import DetectedFace, FaceMeshSettings, landmarks_roi
from emotion_ros.vision.face_tracker import FaceTracker, Track, TrackerSettings
from emotion_ros.vision.landmark_model import CARD, LandmarkModel
from emotion_ros.vision.mediapipe_chatter import quiet_native_stderr
from emotion_ros.vision.refresh_schedule import RefreshSchedule, RefreshSettings

LANDMARK_BACKENDS = ("mediapipe", "onnx")


@dataclass(frozen=True)
class MultiFaceSettings:
    """How many faces are followed, how often the detector runs and what meshes the faces
    (config/face_node.yaml; their ranges are the face node's PARAMETERS)."""

    max_faces: int
    detection_interval: int
    mesh_threads: int
    landmark_backend: str  # mediapipe | onnx
    landmark_device: str  # cpu | cuda (onnx only)


@dataclass(frozen=True)
class MeshedFace:
    """A followed face in one frame: its mesh and box, and the stamp of the frame the mesh was
    measured on (the frame's own stamp, or an earlier one when the face was carried)."""

    track: Track
    face: DetectedFace
    mesh_stamp_ns: int


class FrameMeshes(Protocol):
    """Meshes a frame's chosen tracks: each track's (478, 3) mesh in frame pixels, or None."""

    def mesh(self, image_bgr: np.ndarray, tracks: Sequence[Track]) -> list[np.ndarray | None]: ...

    def warm_up(self) -> None: ...

    def close(self) -> None: ...


class MediaPipeMeshes:
    """One CropMesh per slot, a frame's faces on ``threads`` threads (each MediaPipe graph
    computes on its caller's thread, and releases the GIL meanwhile)."""

    def __init__(self, mesh: FaceMeshSettings, slots: int, threads: int) -> None:
        self._meshes = [CropMesh(mesh) for _ in range(slots)]
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="face_mesh")

    def mesh(self, image_bgr: np.ndarray, tracks: Sequence[Track]) -> list[np.ndarray | None]:
        if len(tracks) > 1:
            return list(self._pool.map(lambda track: self._mesh(image_bgr, track), tracks))
        # one face: no thread hand-over (a wake-up can take a millisecond under load)
        return [self._mesh(image_bgr, track) for track in tracks]

    def _mesh(self, image_bgr: np.ndarray, track: Track) -> np.ndarray | None:
        mesh = self._meshes[track.slot]
        if track.hits == 0 or track.misses > 0:
            # a new or lost face: its mesh searches the crop afresh, holding nothing from
            # another face (a lost face's mesh may have been on the face in front of it)
            mesh.forget()
        return mesh.landmarks(image_bgr, track.roi)

    def warm_up(self) -> None:
        blank = np.zeros((480, 640, 3), np.uint8)
        for mesh in self._meshes:
            mesh.landmarks(blank, (270, 190, 100, 100))

    def close(self) -> None:
        self._pool.shutdown()
        for mesh in self._meshes:
            mesh.close()


@dataclass
class _LastMesh:
    points: np.ndarray  # (478, 3) frame pixels
    stamp_ns: int


class MultiFaceMesh:
    """Finds, follows and meshes up to ``max_faces`` faces in consecutive BGR frames.

    Not thread-safe: one per processing thread (the MediaPipe graphs keep per-stream state).
    ``models_dir`` is where the ONNX landmark model's card is looked for first ("" = the
    package's models/).

    Raises (on construction):
        ValueError: a bad setting; ModelFileError: a missing or corrupt ONNX landmark model.
    """

    def __init__(
        self,
        settings: MultiFaceSettings,
        detector: FaceDetectorSettings,
        mesh: FaceMeshSettings,
        tracker: TrackerSettings,
        refresh: RefreshSettings,
        models_dir: str = "",
    ) -> None:
        self.settings = settings
        self.tracker = FaceTracker(tracker, settings.max_faces)
        self.fallback_reason = ""  # why the landmarks do not run on landmark_device
        # One quiet block from the graphs' start to the end of their first run: MediaPipe opens
        # a graph's calculators on its own threads, and they may log after the constructor has
        # returned, but never after a run has waited for the graph to go idle.
        with quiet_native_stderr():
            self._meshes = self._frame_meshes(mesh, models_dir)
            self.detector = FaceDetector(detector)
            self._warm_up()
        self._since_detection = settings.detection_interval
        self.schedule = RefreshSchedule(refresh, tracker.tracker_min_hits)
        self._last: dict[int, _LastMesh] = {}  # serial -> its last mesh
        self._detector_ms = 0.0  # the last detector run's wall time

    def find(self, image_bgr: np.ndarray, stamp_ns: int) -> list[MeshedFace]:
        """The confirmed faces of the frame stamped ``stamp_ns``, oldest track first."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 BGR image, got {image_bgr.shape}")
        tracks = self.tracker.tracks
        detecting = (
            self._since_detection >= self.settings.detection_interval
            or not tracks
            or any(t.misses for t in tracks)
        )
        if detecting:
            started = time.perf_counter()
            followed = [t.roi for t in tracks if t.misses == 0]
            self.tracker.add_detections(self.detector.detect_next(image_bgr, followed))
            self._detector_ms = (time.perf_counter() - started) * 1e3
            self._since_detection = 0
        self._since_detection += 1
        tracks = self.schedule.choose(
            self.tracker.tracks, stamp_ns, self._detector_ms if detecting else 0.0
        )
        started = time.perf_counter()
        found = self._meshes.mesh(image_bgr, tracks)
        self.schedule.record([t.serial for t in tracks], stamp_ns, time.perf_counter() - started)
        boxes: dict[int, Box | None] = {}
        for track, points in zip(tracks, found, strict=True):
            boxes[track.serial] = None if points is None else landmarks_box(points)
            if points is not None:
                self._last[track.serial] = _LastMesh(points, stamp_ns)
        confirmed = self.tracker.update(boxes)
        followed = {t.serial for t in self.tracker.tracks}
        self._last = {s: mesh for s, mesh in self._last.items() if s in followed}
        self.schedule.keep(followed)
        height, width = image_bgr.shape[:2]
        return [self._meshed_face(t, width, height) for t in confirmed]

    def refresh_rate(self, face_id: str, stamp_ns: int) -> float:
        """Meshes per second of the followed face ``face_id`` over the last second (0: none)."""
        for track in self.tracker.tracks:
            if track.face_id == face_id:
                return self.schedule.refresh_rate(track.serial, stamp_ns)
        return 0.0

    def _meshed_face(self, track: Track, width: int, height: int) -> MeshedFace:
        """A confirmed track's face: its mesh of this frame, or its last one carried forward
        by as much as its box moved since (the tracker moves a carried box by its velocity)."""
        last = self._last[track.serial]
        points = last.points
        if track.measured_roi is not None and track.roi != track.measured_roi:
            (x, y), _ = centre_and_size(track.roi)
            (x0, y0), _ = centre_and_size(track.measured_roi)
            points = points + np.array([x - x0, y - y0, 0.0], np.float32)
        return MeshedFace(
            track, DetectedFace(points, landmarks_roi(points, width, height)), last.stamp_ns
        )

    def _frame_meshes(self, mesh: FaceMeshSettings, models_dir: str) -> FrameMeshes:
        """The meshes of ``landmark_backend`` (the ONNX model's card from ``models_dir``)."""
        backend, slots, threads = (
            self.settings.landmark_backend, self.settings.max_faces, self.settings.mesh_threads
        )  # fmt: skip
        if backend == "mediapipe":
            return MediaPipeMeshes(mesh, slots, threads)
        if backend != "onnx":
            raise ValueError(
                f"landmark_backend must be one of {', '.join(LANDMARK_BACKENDS)}, got {backend!r}"
            )
        model = LandmarkModel(card_path(models_dir, CARD), self.settings.landmark_device, threads)
        self.fallback_reason = model.fallback_reason
        return BatchedCropMesh(model, slots, mesh.min_tracking_confidence)

    def reset(self) -> None:
        """Forget every face (a new timeline): the next frame is searched from scratch."""
        self.tracker.reset()
        self.schedule.reset()
        self._last.clear()
        self._since_detection = self.settings.detection_interval

    def _warm_up(self) -> None:
        """Run the detector and the meshes once: a graph's or session's first call initialises
        it (tens of ms), which would otherwise stall, and drop, the first frames with faces."""
        self.detector.detect(np.zeros((480, 640, 3), np.uint8), (0, 0, 640, 480))
        self._meshes.warm_up()

    def close(self) -> None:
        """Stop the threads and release the MediaPipe graphs and the landmark model."""
        self.detector.close()
        self._meshes.close()
