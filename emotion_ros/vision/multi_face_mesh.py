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
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from emotion_ros.vision.boxes import landmarks_box
from emotion_ros.vision.crop_mesh import CropMesh
from emotion_ros.vision.face_detection import FaceDetector, FaceDetectorSettings
from emotion_ros.vision.face_mesh import DetectedFace, FaceMeshSettings, landmarks_roi
from emotion_ros.vision.face_tracker import FaceTracker, Track, TrackerSettings
from emotion_ros.vision.mediapipe_chatter import quiet_native_stderr


@dataclass(frozen=True)
class MultiFaceSettings:
    """How many faces are followed and how often the detector runs (config/face_node.yaml)."""

    max_faces: int
    detection_interval: int
    mesh_threads: int


class MultiFaceMesh:
    """Finds, follows and meshes up to ``max_faces`` faces in consecutive BGR frames.

    Not thread-safe: one per processing thread (the MediaPipe graphs keep per-stream state).
    """

    def __init__(
        self,
        settings: MultiFaceSettings,
        detector: FaceDetectorSettings,
        mesh: FaceMeshSettings,
        tracker: TrackerSettings,
    ) -> None:
        if settings.max_faces < 1:
            raise ValueError(f"max_faces must be at least 1, got {settings.max_faces}")
        if settings.mesh_threads < 1:
            raise ValueError(f"mesh_threads must be at least 1, got {settings.mesh_threads}")
        if settings.detection_interval < 1:
            raise ValueError(
                f"detection_interval must be at least 1, got {settings.detection_interval}"
            )
        self.settings = settings
        self.tracker = FaceTracker(tracker, settings.max_faces)
        with quiet_native_stderr():
            self.detector = FaceDetector(detector)
            self._meshes = [CropMesh(mesh) for _ in range(settings.max_faces)]
        self._pool = ThreadPoolExecutor(settings.mesh_threads, thread_name_prefix="face_mesh")
        self._since_detection = settings.detection_interval

    def find(self, image_bgr: np.ndarray) -> list[tuple[Track, DetectedFace]]:
        """The confirmed faces of this frame with their tracks, oldest track first."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 BGR image, got {image_bgr.shape}")
        tracks = self.tracker.tracks
        if (
            self._since_detection >= self.settings.detection_interval
            or not tracks
            or any(t.misses for t in tracks)
        ):
            followed = [t.roi for t in tracks if t.misses == 0]
            self.tracker.add_detections(self.detector.detect_next(image_bgr, followed))
            self._since_detection = 0
        self._since_detection += 1
        tracks = self.tracker.tracks
        if len(tracks) > 1:
            found = list(self._pool.map(lambda track: self._mesh(image_bgr, track), tracks))
        else:  # one face: no thread hand-over (a wake-up can take a millisecond under load)
            found = [self._mesh(image_bgr, track) for track in tracks]
        meshes = {t.serial: p for t, p in zip(tracks, found, strict=True) if p is not None}
        confirmed = self.tracker.update({s: landmarks_box(p) for s, p in meshes.items()})
        height, width = image_bgr.shape[:2]
        return [
            (t, DetectedFace(meshes[t.serial], landmarks_roi(meshes[t.serial], width, height)))
            for t in confirmed
        ]

    def _mesh(self, image_bgr: np.ndarray, track: Track) -> np.ndarray | None:
        mesh = self._meshes[track.slot]
        if track.hits == 0 or track.misses > 0:
            # a new or lost face: its mesh searches the crop afresh, holding nothing from
            # another face (a lost face's mesh may have been on the face in front of it)
            mesh.forget()
        return mesh.landmarks(image_bgr, track.roi)

    def reset(self) -> None:
        """Forget every face (a new timeline): the next frame is searched from scratch."""
        self.tracker.reset()
        self._since_detection = self.settings.detection_interval

    def warm_up(self) -> None:
        """Run every MediaPipe graph once: a graph's first call initialises it (tens of ms),
        which would otherwise stall, and drop, the first camera frames with faces."""
        blank = np.zeros((480, 640, 3), np.uint8)
        with quiet_native_stderr():
            self.detector.detect(blank, (0, 0, 640, 480))
            for mesh in self._meshes:
                mesh.landmarks(blank, (270, 190, 100, 100))

    def close(self) -> None:
        """Stop the threads and release the MediaPipe graphs."""
        self._pool.shutdown()
        self.detector.close()
        for mesh in self._meshes:
            mesh.close()
