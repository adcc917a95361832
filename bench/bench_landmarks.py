"""Landmark step benchmark: MediaPipe's crop meshes against the ONNX model's one batched call.

For 1/4/6/8 real faces on a grid of a 1280x720 frame (bench/frames.py), each frame's faces are
meshed as the face node meshes them, tracked from frame to frame (each face's next crop from its
last mesh, the frame shifted by a pixel a frame as by a live camera), without the detector,
tracker or crops around it:

- ``mediapipe``: a CropMesh per face on ``mesh_threads`` 2 threads (the shipped settings);
- ``onnx``: vision/batched_crop_mesh.py, all faces in one onnxruntime call, 1 and 2 intra-op
  threads (mesh_threads), on the CPU, or on ``--device cuda`` where onnxruntime-gpu has it.

Printed: median and p90 wall ms per frame after 10 frames, process CPU ms per frame, and
median wall ms per face.

Run: .venv/bin/python bench/bench_landmarks.py [--frames 100] [--device cpu]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from emotion_ros.node_config import default_settings
from emotion_ros.package_paths import share_path
from emotion_ros.vision.batched_crop_mesh import BatchedCropMesh
from emotion_ros.vision.boxes import landmarks_box
from emotion_ros.vision.face_mesh import FaceMeshSettings
from emotion_ros.vision.face_tracker import Track
from emotion_ros.vision.landmark_model import CARD, LandmarkModel
from emotion_ros.vision.multi_face_mesh import FrameMeshes, MediaPipeMeshes

from frames import grid_faces

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from package_photos import compose_faces

WIDTH, HEIGHT = 1280, 720
FACES = (1, 4, 6, 8)
WARM_UP = 10


def play(meshes: FrameMeshes, faces: int, frames: int) -> tuple[list[float], float]:
    """Wall ms of each frame's meshing after the warm-up frames, and CPU ms per frame."""
    frame, boxes = compose_faces(WIDTH, HEIGHT, grid_faces(faces, WIDTH, HEIGHT))
    tracks = [Track(i, i, box) for i, box in enumerate(boxes)]
    wall, cpu = [], 0.0
    for i in range(WARM_UP + frames):
        shifted = np.roll(frame, i % 4, axis=1)
        started, cpu_started = time.perf_counter(), time.process_time()
        found = meshes.mesh(shifted, tracks)
        if i >= WARM_UP:
            wall.append((time.perf_counter() - started) * 1e3)
            cpu += (time.process_time() - cpu_started) * 1e3
        missing = [t.serial for t, points in zip(tracks, found, strict=True) if points is None]
        if missing:
            raise RuntimeError(f"{faces} faces: no mesh for faces {missing} in frame {i}")
        for track, points in zip(tracks, found, strict=True):
            track.roi, track.hits = landmarks_box(points), track.hits + 1
    meshes.close()
    return wall, cpu / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    settings = default_settings(FaceMeshSettings, "face_node")
    card = share_path("models", CARD)
    print(f"landmark step, {WIDTH}x{HEIGHT}, {args.frames} frames after {WARM_UP}")
    print("| path | faces | ms/frame p50 | p90 | CPU ms/frame | ms/face p50 |")
    print("|---|---|---|---|---|---|")
    for faces in FACES:
        runs: list[tuple[str, FrameMeshes]] = [
            ("mediapipe, mesh_threads 2", MediaPipeMeshes(settings, faces, 2))
        ]
        for threads in (1, 2):
            model = LandmarkModel(card, args.device, threads)
            if model.fallback_reason:
                print(model.fallback_reason)
            runs.append(
                (
                    f"onnx {model.device}, {threads} thread{'s' * (threads > 1)}",
                    BatchedCropMesh(model, faces, settings.min_tracking_confidence),
                )
            )
        for name, meshes in runs:
            meshes.warm_up()
            wall, cpu = play(meshes, faces, args.frames)
            p50, p90 = np.percentile(wall, [50, 90])
            print(f"| {name} | {faces} | {p50:.1f} | {p90:.1f} | {cpu:.1f} | {p50 / faces:.2f} |")


if __name__ == "__main__":
    main()
