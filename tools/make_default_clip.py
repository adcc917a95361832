"""Builds data/default_faces.mp4: the bundled input of `make demo` and the end-to-end tests.

10 s at 15 fps, 640x480: the smiling astronaut moves and turns slightly (0-8 s), Grace Hopper
joins at 4 s (two faces, two ids) and stays alone for the last 2 s. Made only from photos that
ship in installed packages, deterministic (seeded), so re-running it gives the same clip.

    .venv/bin/python tools/make_default_clip.py [--out data/default_faces.mp4]
"""

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from package_photos import photo_head

WIDTH, HEIGHT, FPS, SECONDS = 640, 480, 15, 10


def paste(
    frame: np.ndarray, head: np.ndarray, cx: float, cy: float, height: float, angle: float
) -> None:
    """Paste ``head`` scaled to ``height`` px, rotated by ``angle`` degrees, centred at cx, cy."""
    scale = height / head.shape[0]
    h, w = head.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += np.array([cx, cy]) - np.array([w / 2, h / 2])
    warped = cv2.warpAffine(head, matrix, (WIDTH, HEIGHT))
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), matrix, (WIDTH, HEIGHT))
    frame[mask > 0] = warped[mask > 0]


def make_frames(seed: int = 0) -> list[np.ndarray]:
    """Return the clip's frames."""
    rng = np.random.default_rng(seed)
    background = np.tile(np.linspace(90, 150, WIDTH, dtype=np.float32), (HEIGHT, 1))
    background = np.repeat(background[:, :, None], 3, axis=2)
    background += rng.normal(0, 4, background.shape).astype(np.float32)
    background = np.clip(background, 0, 255).astype(np.uint8)
    astronaut, grace = photo_head("astronaut"), photo_head("grace_hopper")
    frames = []
    for i in range(FPS * SECONDS):
        t = i / FPS
        frame = background.copy()
        if t < 8.0:
            x = 200 + 60 * np.sin(2 * np.pi * t / 8.0)
            paste(
                frame, astronaut, x, 240 + 15 * np.sin(t), 300 + 30 * np.sin(t / 2), 6 * np.sin(t)
            )
        if t >= 4.0:
            x = 470 - 40 * (t - 4.0) / 6.0
            paste(frame, grace, x, 250, 320, -4 * np.sin(t * 1.3))
        frames.append(frame)
    return frames


def main() -> int:
    """Write the clip."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "data" / "default_faces.mp4"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(args.out), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    for frame in make_frames():
        writer.write(frame)
    writer.release()
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {FPS * SECONDS} frames)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
