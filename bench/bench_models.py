"""Model benchmark: torch vs onnxruntime per model, and the whole batched pipeline per frame.

For batch 1, 4 and 16: the median time of each shipped model in torch (eager) and in
onnxruntime on the CPU, with the ratio; then EmotionPipeline.predict for 1, 4, 6 and 16 faces on
the chosen device (what the fusion node runs per frame), and the CPU time that one face costs
per frame when frames come at 15 fps: idle worker threads that spin-wait show there, not in the
wall time. With --device cuda (a GPU machine) the torch column and the pipeline run on CUDA.

Run: .venv/bin/python bench/bench_models.py [--device cpu|cuda] [--repeats 200] [--models DIR]
(``--models``: another model folder, e.g. the previous release's, to compare on one machine)
"""

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import torch

from emotion_ros.models.backends import OnnxBackend, TorchBackend
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet, VoiceSample
from emotion_ros.models.model_card import load_card
from emotion_ros.models.model_files import role_cards
from emotion_ros.models.role_specs import PIPELINE_ROLES
from emotion_ros.package_paths import share_path


def median_ms(
    fn: Callable[[], object], repeats: int, sync: Callable[[], object] = lambda: None
) -> float:
    """Median wall time of ``fn`` in ms after warm-up."""
    for _ in range(10):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e3)


def paced_cpu_ms(fn: Callable[[], object], fps: float, frames: int) -> float:
    """Process CPU time per call when ``fn`` runs once per frame period (threads included)."""
    fn()
    started = time.process_time()
    for _ in range(frames):
        fn()
        time.sleep(1.0 / fps)
    return (time.process_time() - started) / frames * 1e3


def example(card, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random inputs of the card's shapes (symbolic dims: batch and 16 time steps)."""
    inputs = {}
    for spec in card.inputs:
        shape = [batch if d == "batch" else 16 if isinstance(d, str) else d for d in spec["shape"]]
        inputs[spec["name"]] = (
            np.ones(shape, np.float32)
            if spec["name"] in ("mask", "available", "reference")
            else rng.normal(size=shape).astype(np.float32)
        )
    return inputs


def main() -> None:
    """Print the two tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--models", type=Path, default=share_path("models"))
    args = parser.parse_args()
    models = args.models
    rng = np.random.default_rng(0)
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    print(f"{'model':14s} batch  torch ms  onnxruntime ms  torch/onnxruntime")
    for role in PIPELINE_ROLES:
        card = load_card(models / f"{role}.yaml")
        torch_backend = TorchBackend(card, models, args.device)
        onnx_backend = OnnxBackend(card, models)
        for batch in (1, 4, 16):
            inputs = example(card, batch, rng)
            t = median_ms(partial(torch_backend.run, inputs), args.repeats, sync)
            o = median_ms(partial(onnx_backend.run, inputs), args.repeats)
            print(f"{role:14s} {batch:5d}  {t:8.3f}  {o:14.3f}  {t / o:17.2f}")
    pipeline = EmotionPipeline(ModelSet.load(role_cards(models), args.device))
    print(
        f"\nEmotionPipeline.predict on {pipeline.model_set.device} ({len(PIPELINE_ROLES)} models, "
        "16-frame history, a 48x48 crop per face; the audio model runs once per window)"
    )
    print("faces  ms per frame")
    audio = VoiceSample(rng.normal(-5, 2, (201, 64)).astype(np.float32))
    for faces in (1, 4, 6, 16):
        histories = rng.normal(0, 50, (faces, 16, 478, 3)).astype(np.float32)
        crops = rng.integers(0, 256, (faces, 48, 48)).astype(np.uint8)
        samples = [
            FaceSample(f"f{i}", h[-1], h, c)
            for i, (h, c) in enumerate(zip(histories, crops, strict=True))
        ]
        ms = median_ms(partial(pipeline.predict, samples, audio), args.repeats, sync)
        print(f"{faces:5d}  {ms:.3f}")
        if faces == 1:
            one_face = partial(pipeline.predict, samples, audio)
    cpu = paced_cpu_ms(one_face, fps=15.0, frames=45)
    print(f"\n1 face at 15 fps: {cpu:.2f} ms of CPU per frame (all threads; frame period 66.7 ms)")


if __name__ == "__main__":
    main()
