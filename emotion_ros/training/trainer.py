"""The training loop shared by every model: seeded, class-weighted, with a progress bar.

Inputs are tuples of arrays (a model may take several, e.g. frames and mask); the loop returns the
trained model and its validation logits, from which the caller fits the temperature and scores.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters; the defaults suit the small default-weights recipe."""

    epochs: int = 15
    batch_size: int = 128
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    seed: int = 0
    progress: bool = True


def class_weights(labels: np.ndarray, num_classes: int) -> torch.Tensor:
    """Inverse-frequency weights (mean 1), so rare classes count as much as frequent ones."""
    counts = np.bincount(labels, minlength=num_classes).astype(np.float32)
    weights = np.where(counts > 0, counts.sum() / np.maximum(counts, 1) / num_classes, 0.0)
    return torch.as_tensor(weights, dtype=torch.float32)


def predict_logits(model: torch.nn.Module, inputs: Sequence[np.ndarray], batch: int = 512):
    """Logits for every row of ``inputs`` (eval mode, no gradients)."""
    model.eval()
    outputs = []
    with torch.inference_mode():
        for start in range(0, len(inputs[0]), batch):
            tensors = [torch.as_tensor(x[start : start + batch]) for x in inputs]
            outputs.append(model(*tensors).numpy())
    return np.concatenate(outputs)


def train(
    model: torch.nn.Module,
    inputs: Sequence[np.ndarray],
    labels: np.ndarray,
    num_classes: int,
    config: TrainConfig = TrainConfig(),
    description: str = "train",
) -> tuple[torch.nn.Module, list[float]]:
    """Train ``model`` with AdamW and class-weighted cross-entropy; return it and epoch losses."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=config.learning_rate,
        total_steps=config.epochs * int(np.ceil(len(labels) / config.batch_size)),
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weights(labels, num_classes))
    losses = []
    bar = tqdm(range(config.epochs), desc=description, disable=not config.progress, leave=False)
    for _ in bar:
        model.train()
        order = rng.permutation(len(labels))
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            index = order[start : start + config.batch_size]
            tensors = [torch.as_tensor(x[index]) for x in inputs]
            loss = loss_fn(model(*tensors), torch.as_tensor(labels[index], dtype=torch.long))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(index)
        losses.append(total / len(order))
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
    return model.eval(), losses
