"""Torch definitions of the five models. Training uses them; the nodes run their ONNX exports.

Every hidden layer is Linear/Conv -> LayerNorm -> GELU -> Dropout: normalisation and a
non-linearity after *every* hidden layer (the reference MLP had none after its first).
"""

from itertools import pairwise

import torch
from torch import nn

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.landmarks.normalization import ALL_LANDMARK_FEATURES, LOWER_FACE_FEATURES

NUM_CLASSES = len(CLASS_NAMES)


def _block(inputs: int, outputs: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(inputs, outputs), nn.LayerNorm(outputs), nn.GELU(), nn.Dropout(dropout)
    )


class LowerFaceMLP(nn.Module):
    """63 lower-face landmarks x 3 (189) -> 3 hidden layers of 1024 -> 6 class logits."""

    def __init__(self, hidden: int = 1024, layers: int = 3, dropout: float = 0.2) -> None:
        super().__init__()
        sizes = [LOWER_FACE_FEATURES] + [hidden] * layers
        self.hidden = nn.Sequential(*[_block(a, b, dropout) for a, b in pairwise(sizes)])
        self.head = nn.Linear(hidden, NUM_CLASSES)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(B, 189) -> (B, 6) logits."""
        return self.head(self.hidden(features))


class AllLandmarkModel(nn.Module):
    """All 478 landmarks (1434) -> 2 hidden layers -> 6 class logits."""

    def __init__(self, hidden: int = 256, dropout: float = 0.2) -> None:
        super().__init__()
        self.hidden = nn.Sequential(
            _block(ALL_LANDMARK_FEATURES, hidden, dropout), _block(hidden, hidden, dropout)
        )
        self.head = nn.Linear(hidden, NUM_CLASSES)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(B, 1434) -> (B, 6) logits."""
        return self.head(self.hidden(features))


class TemporalModel(nn.Module):
    """A dilated temporal convolution over the last T frames of one face, masked mean-pooled.

    Input ``frames`` (B, T, 1434) with ``mask`` (B, T) = 1 for real frames and 0 for padding, so
    the model runs on fewer than T frames at start-up (pad, and mask the padding out). Causal
    padding keeps each output from looking at later frames.
    """

    def __init__(self, channels: int = 128, dropout: float = 0.1) -> None:
        super().__init__()
        self.project = _block(ALL_LANDMARK_FEATURES, channels, dropout)
        self.convs = nn.ModuleList(
            nn.Conv1d(channels, channels, kernel_size=3, dilation=d) for d in (1, 2, 4)
        )
        self.norms = nn.ModuleList(nn.LayerNorm(channels) for _ in range(3))
        self.head = nn.Linear(channels, NUM_CLASSES)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, T, 1434), (B, T) -> (B, 6) logits."""
        x = self.project(frames) * mask.unsqueeze(-1)  # (B, T, C)
        for conv, norm in zip(self.convs, self.norms, strict=True):
            padded = nn.functional.pad(x.transpose(1, 2), (2 * conv.dilation[0], 0))
            x = x + nn.functional.gelu(norm(conv(padded).transpose(1, 2)))
            x = x * mask.unsqueeze(-1)
        pooled = x.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.head(pooled)


class AudioModel(nn.Module):
    """A small CNN on the log-mel of the two seconds before the frame: (B, 201, 64) -> 6 logits."""

    def __init__(self, channels: int = 32, dropout: float = 0.2) -> None:
        super().__init__()

        def conv(a: int, b: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.GELU(), nn.MaxPool2d(2)
            )

        self.features = nn.Sequential(
            conv(1, channels), conv(channels, channels * 2), conv(channels * 2, channels * 2)
        )
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(channels * 2, NUM_CLASSES))

    def forward(self, log_mel: torch.Tensor) -> torch.Tensor:
        """(B, frames, mels) -> (B, 6) logits; per-window standardisation removes loudness."""
        x = log_mel.unsqueeze(1)
        x = (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=(2, 3), keepdim=True) + 1e-5)
        return self.head(self.features(x).mean(dim=(2, 3)))


class FusionModel(nn.Module):
    """Fuses per-modality log-probabilities (B, M, 6) given which are available (B, M).

    A learned, positive weight per modality and class: the fused logits are the weighted mean of
    the available modalities' log-probabilities, plus a class bias. A missing modality (audio
    muted, upper face hidden) simply drops out of the mean, so no retraining is needed for it.
    """

    def __init__(self, modalities: int = 4) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(modalities, NUM_CLASSES))
        self.bias = nn.Parameter(torch.zeros(NUM_CLASSES))

    def forward(self, log_probs: torch.Tensor, available: torch.Tensor) -> torch.Tensor:
        """(B, M, 6), (B, M) -> (B, 6) fused logits."""
        weights = nn.functional.softplus(self.weight).unsqueeze(0) * available.unsqueeze(-1)
        fused = (weights * log_probs).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-6)
        return fused + self.bias
