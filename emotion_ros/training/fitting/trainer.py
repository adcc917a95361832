"""The training loop shared by every model: seeded, class-weighted, with a progress bar.

Inputs are tuples of arrays (a model may take several, e.g. frames and mask). ``augment`` turns a
batch into an augmented batch (mirroring, head rotation, image shifts: see ``augmentation``),
so the data set is not multiplied in memory. With ``validation`` data the weights of the epoch
with the best validation accuracy are kept (early stopping without stopping: the schedule runs
to its end, which is what the one-cycle schedule needs), the latest of equally good epochs: on a
small validation split (a user's 20 photos leave two) the first epochs tie with the best at
once, and keeping the first gave chance accuracy on unseen subjects.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from emotion_ros.models import architectures
from emotion_ros.models.role_specs import SPECS
from emotion_ros.training.fitting.batch_augmentation import Augment
from emotion_ros.training.fitting.calibration import fit_temperature


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters. ``class_weight_power`` 1 weighs classes by inverse frequency, 0.5 by its
    square root (a milder push towards rare classes), 0 not at all."""

    epochs: int = 15
    batch_size: int = 128
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    label_smoothing: float = 0.0
    class_weight_power: float = 1.0
    seed: int = 0
    progress: bool = True

    def for_run(self, seed: int, progress: bool, epochs: int | None = None) -> "TrainConfig":
        """These hyper-parameters for one run: its seed, its progress bar, and ``epochs`` where
        a smoke run or the user caps them (None: the recipe's)."""
        return replace(self, seed=seed, progress=progress, epochs=epochs or self.epochs)

    def card_fields(self) -> dict[str, object]:
        """The hyper-parameters as every recipe's card lists them under ``training``."""
        return {
            "epochs": self.epochs, "batch_size": self.batch_size,
            "learning_rate": self.learning_rate, "weight_decay": self.weight_decay,
            "label_smoothing": self.label_smoothing,
            "class_weights": f"inverse frequency ^ {self.class_weight_power}",
        }  # fmt: skip


@dataclass
class TrainedModel:
    """A trained model with its temperature (fitted on validation data) and its settings."""

    model: torch.nn.Module
    temperature: float
    config: TrainConfig
    # what the card must carry for the model to be run, measured on the training data (the
    # audio model's prior voice reference)
    card_features: dict[str, Any] = field(default_factory=dict)


def build_model(role: str, seed: int = 0) -> torch.nn.Module:
    """A fresh, untrained model of ``role``: the registry's architecture and arguments, which
    the card records, so the exported file loads as the same model. Its initial weights come
    from ``seed`` (the run's ``TrainConfig.seed``): torch's own seed differs in every process, so
    without it two runs with the same seed trained different models."""
    torch.manual_seed(seed)
    spec = SPECS[role]
    return getattr(architectures, spec.architecture)(**spec.kwargs)


def class_weights(labels: np.ndarray, num_classes: int, power: float = 1.0) -> torch.Tensor:
    """Inverse-frequency weights to ``power`` (mean 1), so rare classes count more.

    For class distributions (N, num_classes) a class's frequency is the probability mass it
    gets, not how often it is the most likely: soft votes spread over Neutral count for it,
    and a loss weighted by the most likely class would tilt the model towards Neutral.
    """
    if labels.ndim == 2:
        counts = labels.sum(axis=0).astype(np.float64)
    else:
        counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
    present = counts > 0
    weights = np.zeros(num_classes)
    weights[present] = (1.0 / counts[present]) ** power
    weights[present] /= weights[present].mean()
    return torch.as_tensor(weights, dtype=torch.float32)


def predict_logits(model: torch.nn.Module, inputs: Sequence[np.ndarray], batch: int = 512):
    """Logits for every row of ``inputs`` (eval mode, no gradients)."""
    model.eval()
    outputs = []
    with torch.inference_mode():
        for start in range(0, len(inputs[0]), batch):
            tensors = [torch.as_tensor(x[start : start + batch]) for x in inputs]
            outputs.append(model(*tensors).float().numpy())
    return np.concatenate(outputs)


def train(
    model: torch.nn.Module,
    inputs: Sequence[np.ndarray],
    labels: np.ndarray,
    num_classes: int,
    config: TrainConfig = TrainConfig(),
    description: str = "train",
    augment: Augment | None = None,
    validation: tuple[Sequence[np.ndarray], np.ndarray] | None = None,
) -> tuple[torch.nn.Module, list[float]]:
    """Train ``model`` with AdamW and class-weighted cross-entropy; return it and epoch losses.

    ``labels`` are class indices (N,) or class distributions (N, num_classes), e.g. annotators'
    votes (class weights then come from each class's probability mass).
    """
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=config.learning_rate,
        total_steps=config.epochs * int(np.ceil(len(labels) / config.batch_size)),
    )
    loss_fn = torch.nn.CrossEntropyLoss(
        weight=class_weights(labels, num_classes, config.class_weight_power),
        label_smoothing=config.label_smoothing,
    )
    target_dtype = torch.long if labels.ndim == 1 else torch.float32
    losses, best = [], (-1.0, None)
    bar = tqdm(range(config.epochs), desc=description, disable=not config.progress, leave=False)
    for _ in bar:
        model.train()
        order = rng.permutation(len(labels))
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            index = order[start : start + config.batch_size]
            tensors = [torch.as_tensor(x[index]) for x in inputs]
            if augment is not None:
                tensors = augment(tensors, generator)
            target = torch.as_tensor(labels[index], dtype=target_dtype)
            loss = loss_fn(model(*tensors), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(index)
        losses.append(total / len(order))
        postfix = {"loss": f"{losses[-1]:.3f}"}
        if validation is not None:
            predicted = predict_logits(model, validation[0]).argmax(axis=1)
            accuracy = float((predicted == validation[1]).mean())
            if accuracy >= best[0]:
                best = (accuracy, {k: v.clone() for k, v in model.state_dict().items()})
            postfix["val"] = f"{accuracy:.3f}"
        bar.set_postfix(postfix)
    if best[1] is not None:
        model.load_state_dict(best[1])
    return model.eval(), losses


def train_role(
    role: str, inputs: Sequence[np.ndarray], labels: np.ndarray, num_classes: int,
    config: TrainConfig, augment: Augment, validation: tuple[Sequence[np.ndarray], np.ndarray],
) -> TrainedModel:  # fmt: skip
    """Every recipe's last steps for a role: build its model, train it keeping the best
    validation epoch, and fit its temperature on that validation data."""
    model, _ = train(
        build_model(role, config.seed), inputs, labels, num_classes, config, role, augment=augment,
        validation=validation,
    )  # fmt: skip
    temperature = fit_temperature(predict_logits(model, validation[0]), validation[1])
    return TrainedModel(model, temperature, config)
