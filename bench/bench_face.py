"""Face path benchmark: recall of faces by size, and per-frame latency by number of faces.

Both through the face node's processing path without ROS (``FaceFrameProcessor`` built from
config/face_node.yaml: detector, crop meshes, tracker, aligned crops, occlusion model; image
conversion included; the node adds one memory copy per frame), on frames composed of the real
photos that ship in packages, at 640x480 and 1280x720:

- recall: for each face width, frames with up to four faces of that width at random places are
  each played for a full detector scan (``detection_interval`` frames per window, see
  vision/face_detection.py); a placed face counts as found when a published face's box overlaps
  it (intersection over union >= 0.3). False: published faces on no placed face.
- landmark quality: on one large face (150-300 px, both photos, two places in a 640x480 frame),
  the crop path's mesh against the whole-image mesh in still mode (how the models' training
  photos were meshed) and in video mode (the face node before the crop path), as the mean point
  distance over the distance between the eye centres; the last column compares those two;
- timing: 1/2/4/6/8 faces on a grid, shifted by a pixel per frame so that MediaPipe tracks as with
  a live camera; p50/p99 after the first 10 frames, with the shipped per-frame mesh budget
  (``mesh_budget_ms``) and without it (every face meshed in every frame), and how often the
  least refreshed face got a new mesh (per second of 30 fps stamps).

Run: .venv/bin/python bench/bench_face.py [--frames 200] [--trials 15] [--skip-recall]
"""

import argparse
import collections
import sys
import time
from pathlib import Path

import numpy as np

from emotion_ros.node_config import default_settings, node_defaults
from emotion_ros.vision.boxes import overlap
from emotion_ros.vision.face_crop import eye_centres
from emotion_ros.vision.face_detection import WINDOW_PER_FACE, scan_windows
from emotion_ros.vision.face_mesh import FaceMeshDetector, FaceMeshSettings, still_image_detector
from emotion_ros.vision.frame_processor import FaceFrameProcessor
from emotion_ros.vision.image_conversion import bgr_to_fields, image_to_bgr

from frames import grid_faces

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from package_photos import PHOTOS, compose_faces

SIZES = ((640, 480), (1280, 720))
FACE_WIDTHS = (40, 50, 60, 80, 120, 200, 300, 400)


def processor(**changes: object) -> FaceFrameProcessor:
    """The face node's processor with its shipped parameters and ``changes``."""
    return FaceFrameProcessor.from_parameters({**node_defaults("face_node"), **changes})


def random_faces(
    rng: np.random.Generator, face: int, width: int, height: int
) -> list[tuple[str, float, float, float]]:
    """Up to four faces of width ``face`` at random places, heads not overlapping."""
    head_w, head_h = 1.7 * face, 2.0 * face
    cols, rows = max(1, int(width // head_w)), max(1, int(height // head_h))
    cells = rng.permutation(cols * rows)[: min(4, cols * rows)]
    faces = []
    for cell in cells:
        row, col = divmod(int(cell), cols)
        cell_w, cell_h = width / cols, height / rows
        cx = col * cell_w + cell_w / 2 + rng.uniform(-0.5, 0.5) * max(0.0, cell_w - head_w)
        cy = row * cell_h + cell_h / 2 + rng.uniform(-0.5, 0.5) * max(0.0, cell_h - head_h)
        faces.append((PHOTOS[int(rng.integers(2))], float(face), cx, cy))
    return faces


def recall(width: int, height: int, face: int, trials: int) -> tuple[int, int, int]:
    """(found, placed, false) over ``trials`` random frames with faces ``face`` pixels wide."""
    parameters = node_defaults("face_node")
    windows = len(scan_windows(width, height, WINDOW_PER_FACE * parameters["min_face_size"]))
    frames = windows * parameters["detection_interval"] + parameters["tracker_min_hits"] + 2
    rng = np.random.default_rng(face * 7 + width)
    found = placed = false = 0
    face_processor = processor()
    for trial in range(trials):
        image, boxes = compose_faces(width, height, random_faces(rng, face, width, height))
        face_processor.faces.reset()
        for i in range(frames):
            faces, _ = face_processor.process(image, (trial * frames + i + 1) * 33_000_000)
        rois = [f.face.roi for f in faces]
        found += sum(any(overlap(box, roi) >= 0.3 for roi in rois) for box in boxes)
        false += sum(not any(overlap(box, roi) >= 0.3 for box in boxes) for roi in rois)
        placed += len(boxes)
    face_processor.close()
    return found, placed, false


def mean_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean x, y distance of two meshes over the distance between b's eye centres."""
    right, left = eye_centres(b)
    return float(np.linalg.norm(a[:, :2] - b[:, :2], axis=1).mean() / np.linalg.norm(left - right))


def landmark_quality(face: int) -> tuple[float, float, float]:
    """Mean distances (crop vs still whole image, crop vs video whole image, video vs still)
    for faces ``face`` pixels wide, over both photos at two places."""
    rows = []
    settings = default_settings(FaceMeshSettings, "face_node", max_faces=1)
    with still_image_detector() as still:
        for photo in PHOTOS:
            for cx in (250, 400):
                image, _ = compose_faces(640, 480, [(photo, face, cx, 250)])
                [whole] = still.detect(image)
                with FaceMeshDetector(settings) as video:
                    for _ in range(4):  # video mode: as the node saw a still scene
                        [moving] = video.detect(image)
                face_processor = processor()
                for i in range(4):
                    faces, _ = face_processor.process(image, (i + 1) * 33_000_000)
                face_processor.close()
                crop = faces[0].face.landmarks
                rows.append(
                    (
                        mean_distance(crop, whole.landmarks),
                        mean_distance(crop, moving.landmarks),
                        mean_distance(moving.landmarks, whole.landmarks),
                    )
                )
    crop_still, crop_video, video_still = np.mean(rows, axis=0)
    return float(crop_still), float(crop_video), float(video_still)


def timing(
    width: int, height: int, count: int, frames: int, budget_ms: float
) -> tuple[int, np.ndarray, float]:
    """(most faces published in a frame, per-frame milliseconds after the first 10 frames, the
    least refreshed face's meshes per second) with a mesh budget of ``budget_ms``."""
    image, _ = compose_faces(width, height, grid_faces(count, width, height))
    # a 0-2 pixel shift per frame, as a live camera's frames differ; made before timing
    shifted = [bgr_to_fields(np.roll(image, shift, axis=1)) for shift in range(3)]
    face_processor = processor(mesh_budget_ms=budget_ms)
    latencies, found, meshes = [], 0, collections.Counter()
    for i in range(frames):
        started = time.perf_counter()
        stamp = (i + 1) * 33_333_333
        faces, _ = face_processor.process(image_to_bgr(shifted[i % 3]), stamp)
        latencies.append(time.perf_counter() - started)
        found = max(found, len(faces))
        if i >= 10:
            meshes.update(f.face_id for f in faces if f.mesh_stamp_ns == stamp)
    face_processor.close()
    slowest = min(meshes.values(), default=0) / ((frames - 10) / 30.0)
    return found, np.array(latencies[10:]) * 1e3, slowest


def main() -> None:
    """Print the recall table, then the timing table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--skip-recall", action="store_true")
    args = parser.parse_args()
    if not args.skip_recall:
        print("frame      face px  found/placed  recall  false")
        for width, height in SIZES:
            for face in FACE_WIDTHS:
                found, placed, false = recall(width, height, face, args.trials)
                print(
                    f"{width}x{height:<4d}  {face:7d}  {found:5d}/{placed:<6d}"
                    f"  {100 * found / placed:5.1f}%  {false:5d}"
                )
    print("face px  crop~still  crop~video  video~still  (mean distance / inter-ocular)")
    for face in (150, 200, 300):
        crop_still, crop_video, video_still = landmark_quality(face)
        print(f"{face:7d}  {crop_still:10.3f}  {crop_video:10.3f}  {video_still:11.3f}")
    shipped = node_defaults("face_node")["mesh_budget_ms"]
    print("frame      faces  budget ms  found  p50 ms  p99 ms  frames/s  slowest face refresh/s")
    for width, height in SIZES:
        for count in (1, 2, 4, 6, 8):
            for budget in (shipped, 0.0):
                found, ms, slowest = timing(width, height, count, args.frames, budget)
                print(
                    f"{width}x{height:<4d}  {count:5d}  {budget:9.1f}  {found:5d}"
                    f"  {np.percentile(ms, 50):6.2f}  {np.percentile(ms, 99):6.2f}"
                    f"  {1e3 / ms.mean():8.1f}  {slowest:8.1f}"
                )


if __name__ == "__main__":
    main()
