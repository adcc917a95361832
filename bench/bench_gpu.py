"""GPU benchmark of the whole per-frame work for a group: landmarks of every face in one batched
call, then the emotion models in one batch (on a machine with a CUDA GPU).

For 1, 4, 6, 8 and 16 faces, medians over ``--repeats`` frames:
- crops: cutting each face's 192x192 landmark crop and its 48x48 appearance crop on the host
  (OpenCV, as the face path does), per frame;
- landmarks: the face-landmark model (``models/face_landmarks.onnx``, MediaPipe's attention mesh
  converted by tools/convert_face_landmarks.py) on all crops at once, run by torch on CUDA
  (through onnx2torch, when it is installed), eager and as a CUDA graph, host copies included;
  against onnxruntime on the CPU;
- models: ``EmotionPipeline.predict`` (lower-face, all-landmark, temporal with a 16-frame history,
  appearance, audio, fusion) on CUDA eager, on CUDA with CUDA graphs (what ``device: cuda``
  runs), and with onnxruntime on the CPU (``device: cpu``);
- parity: the largest difference of CUDA against the CPU (landmark pixels of the 192 crop,
  probabilities).

Run: python bench/bench_gpu.py [--repeats 200] [--landmarks models/face_landmarks.onnx]
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import torch

from emotion_ros.models.backends import TorchBackend
from emotion_ros.models.cuda_graphs import CudaGraphRunner
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet, VoiceSample
from emotion_ros.models.model_card import load_card
from emotion_ros.models.model_files import role_cards
from emotion_ros.models.role_specs import PIPELINE_ROLES
from emotion_ros.package_paths import share_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from package_photos import (
    ASTRONAUT_HEAD,
    GRACE_HOPPER_HEAD,
    astronaut_bgr,
    grace_hopper_bgr,
)

FACES = (1, 4, 6, 8, 16)
CROP = 192


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn`` in ms after warm-up, the GPU synchronised after each call."""
    for _ in range(10):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e3)


def real_faces(count: int) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A 1280x720 frame with ``count`` real heads on a grid (the package photos), their boxes."""
    frame = np.full((720, 1280, 3), 110, np.uint8)
    photos = [(astronaut_bgr(), ASTRONAUT_HEAD), (grace_hopper_bgr(), GRACE_HOPPER_HEAD)]
    cols = int(np.ceil(np.sqrt(count * 16 / 9)))
    rows = int(np.ceil(count / cols))
    side = min(1280 // cols, 720 // rows)
    boxes = []
    for i in range(count):
        photo, (x, y, w, h) = photos[i % 2]
        head = cv2.resize(photo[y : y + h, x : x + w], (side, side))
        top, left = (i // cols) * side, (i % cols) * side
        frame[top : top + side, left : left + side] = head
        boxes.append((left, top, side, side))
    return frame, boxes


def cut_crops(
    frame: np.ndarray, boxes: list[tuple[int, int, int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Each face's landmark crop (RGB float, 0-1) and appearance crop (grey), as the face path
    cuts them: an affine warp of the face's square per face."""
    crops = np.empty((len(boxes), CROP, CROP, 3), np.float32)
    appearance = np.empty((len(boxes), 48, 48), np.uint8)
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    for i, (x, y, w, h) in enumerate(boxes):
        warp = np.float32([[CROP / w, 0, -x * CROP / w], [0, CROP / h, -y * CROP / h]])
        rgb = cv2.warpAffine(frame, warp, (CROP, CROP), flags=cv2.INTER_LINEAR)
        crops[i] = cv2.cvtColor(rgb, cv2.COLOR_BGR2RGB) / np.float32(255)
        appearance[i] = cv2.warpAffine(grey, warp * (48 / CROP), (48, 48), flags=cv2.INTER_AREA)
    return crops, appearance


def landmark_table(path: Path, repeats: int) -> None:
    """Landmarks of 1-16 crops: onnxruntime CPU vs torch CUDA eager vs CUDA graph."""
    try:
        import onnx
        import onnxruntime
        from onnx2torch import convert
    except ImportError as exc:
        print(f"landmarks: skipped ({exc}; pip install onnx2torch)")
        return
    if not path.is_file():
        print(f"landmarks: skipped ({path} does not exist)")
        return
    graph = onnx.load(str(path))
    input_name = graph.graph.input[0].name
    output_names = [o.name for o in graph.graph.output]
    module = convert(graph).eval().cuda()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def landmarks_and_presence(crops: torch.Tensor) -> torch.Tensor:
        out = dict(zip(output_names, module(crops), strict=True))
        flat = out["landmarks"].reshape(crops.shape[0], -1)
        return torch.cat([flat, out["face_presence"].reshape(-1, 1)], dim=1)

    graphs = CudaGraphRunner(landmarks_and_presence, torch.device("cuda"))

    def eager(crops: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return landmarks_and_presence(torch.from_numpy(crops).cuda()).cpu().numpy()

    print(f"\nlandmarks ({path.name}, 478 points), ms per frame")
    print("faces  crops(host)  onnxruntime-cpu  cuda-eager  cuda-graph  max |cuda-cpu| px")
    for faces in FACES:
        frame, boxes = real_faces(faces)
        crops, _ = cut_crops(frame, boxes)
        host = median_ms(partial(cut_crops, frame, boxes), repeats)
        cpu = median_ms(partial(session.run, output_names[:2], {input_name: crops}), repeats // 4)
        ms_eager = median_ms(partial(eager, crops), repeats)
        ms_graph = median_ms(partial(graphs.run, [crops]), repeats)
        reference = session.run(["landmarks"], {input_name: crops})[0].reshape(faces, -1)
        diff = np.abs(graphs.run([crops])[:, :-1] - reference).max()
        print(
            f"{faces:5d}  {host:11.3f}  {cpu:15.3f}  {ms_eager:10.3f}  {ms_graph:10.3f}"
            f"  {diff:17.2e}"
        )


def model_table(repeats: int) -> None:
    """EmotionPipeline.predict for 1-16 faces: CPU onnxruntime vs CUDA eager vs CUDA graphs."""
    models = share_path("models")
    cards = role_cards(models)
    cpu = EmotionPipeline(ModelSet.load(cards, "cpu"))
    graphs = EmotionPipeline(ModelSet.load(cards, "cuda"))
    eager_models = {
        role: TorchBackend(load_card(path), path.parent, "cuda", cuda_graphs=False)
        for role, path in cards.items()
    }
    eager = EmotionPipeline(ModelSet(eager_models, graphs.model_set.cards, "cuda", ""))
    rng = np.random.default_rng(0)
    audio = VoiceSample(rng.normal(-5, 2, (201, 64)).astype(np.float32))
    print(f"\nEmotionPipeline.predict ({len(cards)} models: {', '.join(cards)}), ms per frame")
    print("faces  cpu-onnxruntime  cuda-eager  cuda-graph  max |graph-cpu| probability")
    for faces in FACES:
        histories = rng.normal(0, 50, (faces, 16, 478, 3)).astype(np.float32)
        crops = rng.integers(0, 256, (faces, 48, 48)).astype(np.uint8)
        samples = [
            FaceSample(f"f{i}", h[-1], h, c)
            for i, (h, c) in enumerate(zip(histories, crops, strict=True))
        ]
        times = [
            median_ms(partial(p.predict, samples, audio), repeats) for p in (cpu, eager, graphs)
        ]
        diff = max(
            np.abs(a.probabilities - b.probabilities).max()
            for a, b in zip(
                graphs.predict(samples, audio), cpu.predict(samples, audio), strict=True
            )
        )
        print(f"{faces:5d}  {times[0]:15.3f}  {times[1]:10.3f}  {times[2]:10.3f}  {diff:12.2e}")


def main() -> None:
    """Print the two tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument(
        "--landmarks", type=Path, default=share_path("models", "face_landmarks.onnx")
    )
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("bench_gpu: torch sees no CUDA GPU (bench/bench_models.py measures the CPU)")
    print(
        f"torch {torch.__version__}, {torch.cuda.get_device_name()}, "
        f"{os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads; roles {PIPELINE_ROLES}"
    )
    landmark_table(args.landmarks, args.repeats)
    model_table(args.repeats)


if __name__ == "__main__":
    main()
