"""Per-batch augmentation for training: landmark meshes and aligned face crops.

Applied to each batch as it is drawn (``trainer.train(augment=...)``), so every epoch sees new
variants and the data set is not multiplied in memory.

Landmarks: mirror half the faces (with the left/right landmark swap), turn the head by a random
yaw, pitch and roll, and add jitter of a fraction of the inter-ocular distance, on the pixel
meshes, before normalisation, as a camera would see them. Face crops: a random similarity
transform inside the crop's margin (shift, small rotation and scale), a horizontal flip, and
brightness and contrast changes.
"""

import math
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from emotion_ros.landmarks.augmentation import mirror, rotation_matrix
from emotion_ros.landmarks.indices import LEFT_EYE_OUTER, NOSE_TIP, RIGHT_EYE_OUTER

# A batch is the model's input tensors (then the labels); an augmenter maps one to a new one.
Batch = list[torch.Tensor]
Augment = Callable[[Batch, torch.Generator], Batch]
Features = Callable[[np.ndarray], np.ndarray]


def _uniform(generator: torch.Generator, n: int, bound: float) -> np.ndarray:
    return ((torch.rand(n, generator=generator) * 2 - 1) * bound).numpy()


def _augment_meshes(
    points: np.ndarray,
    generator: torch.Generator,
    max_degrees: tuple[float, float, float],
    jitter: float,
    flip: np.ndarray,
) -> np.ndarray:
    """Mirror the ``flip`` faces, turn each head by random angles and add jitter."""
    points = points.astype(np.float32).copy()
    n = len(points)
    points[flip] = mirror(points[flip])
    angles = np.radians(np.stack([_uniform(generator, n, bound) for bound in max_degrees], 1))
    rotations = np.stack([rotation_matrix(*a) for a in angles]).astype(np.float32)
    centre = points[:, NOSE_TIP : NOSE_TIP + 1, :]
    points = np.einsum("bij,bkj->bki", rotations, points - centre) + centre
    iod = np.linalg.norm(points[:, LEFT_EYE_OUTER] - points[:, RIGHT_EYE_OUTER], axis=-1)
    noise = torch.randn(points.shape, generator=generator).numpy()
    return (points + noise * (jitter * iod)[:, None, None]).astype(np.float32)


def landmark_augmenter(
    features: Features,
    max_degrees: tuple[float, float, float] = (15.0, 10.0, 10.0),
    jitter: float = 0.01,
) -> Augment:
    """Augment batches of raw meshes (B, 478, 3) and turn them into model features.

    ``jitter`` is the noise's standard deviation as a fraction of the inter-ocular distance.
    """

    def augment(batch: Batch, generator: torch.Generator) -> Batch:
        points = batch[0].numpy()
        flip = (torch.rand(len(points), generator=generator) < 0.5).numpy()
        points = _augment_meshes(points, generator, max_degrees, jitter, flip)
        return [torch.from_numpy(features(points)), *batch[1:]]

    return augment


def sequence_augmenter(
    frames: int,
    features: Features,
    drift_degrees: tuple[float, float, float] = (10.0, 6.0, 6.0),
    jitter: float = 0.01,
) -> Augment:
    """Turn batches of single meshes (B, 478, 3) into tracked-looking sequences for the temporal
    model: (B, frames, features) and a (B, frames) mask.

    No labelled real face videos could be had for this project, so each real face becomes a
    sequence: the same expression, the head drifting from one random pose to another, per-frame
    landmark jitter like MediaPipe's, and a random number of leading frames masked out (a face
    that has just appeared has a short history).
    """

    def augment(batch: Batch, generator: torch.Generator) -> Batch:
        points = batch[0].numpy()
        n = len(points)
        flip = np.repeat((torch.rand(n, generator=generator) < 0.5).numpy(), frames)
        start = np.stack([_uniform(generator, n, b) for b in drift_degrees], 1)
        end = np.stack([_uniform(generator, n, b) for b in drift_degrees], 1)
        steps = np.linspace(0.0, 1.0, frames)[None, :, None]
        poses = np.radians(start[:, None] + (end - start)[:, None] * steps).reshape(-1, 3)
        meshes = np.repeat(points, frames, axis=0)
        meshes[flip] = mirror(meshes[flip])
        rotations = np.stack([rotation_matrix(*p) for p in poses]).astype(np.float32)
        centre = meshes[:, NOSE_TIP : NOSE_TIP + 1, :]
        meshes = np.einsum("bij,bkj->bki", rotations, meshes - centre) + centre
        meshes = _augment_meshes(
            meshes, generator, (0.0, 0.0, 0.0), jitter, np.zeros(len(meshes), bool)
        )
        sequences = features(meshes).reshape(n, frames, -1)
        keep = torch.randint(1, frames + 1, (n,), generator=generator).numpy()
        mask = (np.arange(frames)[None, :] >= frames - keep[:, None]).astype(np.float32)
        sequences *= mask[..., None]
        return [torch.from_numpy(sequences), torch.from_numpy(mask), *batch[1:]]

    return augment


def crop_augmenter(
    size: int,
    margin: int,
    max_degrees: float = 12.0,
    max_scale: float = 0.08,
    brightness: float = 25.0,
    contrast: float = 0.3,
) -> Augment:
    """Augment batches of (B, size + 2 margin, same) grey crops into (B, size, size) crops."""
    side = size + 2 * margin
    shift = margin / side * 2  # affine_grid works in [-1, 1] of the input

    def augment(batch: Batch, generator: torch.Generator) -> Batch:
        crops = batch[0].float()
        n = len(crops)
        angle = torch.from_numpy(_uniform(generator, n, math.radians(max_degrees)))
        scale = 1 + torch.from_numpy(_uniform(generator, n, max_scale))
        flip = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
        zoom = size / side / scale
        cos, sin = torch.cos(angle) * zoom, torch.sin(angle) * zoom
        tx = torch.from_numpy(_uniform(generator, n, shift * 0.8))
        ty = torch.from_numpy(_uniform(generator, n, shift * 0.8))
        theta = torch.stack(
            [torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1
        ).float()
        grid = F.affine_grid(theta, [n, 1, size, size], align_corners=False)
        out = F.grid_sample(
            crops.unsqueeze(1), grid, align_corners=False, padding_mode="border"
        ).squeeze(1)
        gain = 1 + torch.from_numpy(_uniform(generator, n, contrast)).float()
        offset = torch.from_numpy(_uniform(generator, n, brightness)).float()
        out = (out * gain[:, None, None] + offset[:, None, None]).clamp(0, 255)
        return [out, *batch[1:]]

    return augment


def centre_crops(crops: np.ndarray, margin: int) -> np.ndarray:
    """The canonical crops (no augmentation) inside crops that carry a margin, as float32."""
    return crops[:, margin : crops.shape[1] - margin, margin : crops.shape[2] - margin].astype(
        np.float32
    )
