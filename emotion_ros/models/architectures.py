"""Torch definitions of the five models. Training uses them; the nodes run their ONNX exports.

Every hidden layer is Linear/Conv -> LayerNorm -> GELU -> Dropout: normalisation and a
non-linearity after *every* hidden layer (the reference MLP had none after its first).
"""

from itertools import pairwise

import torch
from torch import nn

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.landmarks.normalization import ALL_LANDMARK_FEATURES, LOWER_FACE_FEATURES
from emotion_ros.models.role_specs import MODALITIES


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
    """A 1-D CNN over the log-mel of the two seconds before the frame, read against the
    speaker's usual voice: (B, 201, 64) and a reference (B, 2, 64) -> 6 logits.

    The mel bands are the channels and the convolutions run along time (three stages, pooled
    between them), then the mean and spread over time of the last stage (statistics pooling)
    feed the classifier. About 13 M multiply-adds per window, under 2 ms on one CPU core; the
    2-D CNN it replaces cost 92 M. Each band's mean over the window is removed (cepstral mean
    normalisation: the microphone's colour and the loudness drop out) and the window is scaled by
    its overall spread, which keeps how much each band moves. What that takes away, how loud and
    bright and how lively the window is, comes back relative to the ``reference``: the mean and
    spread of each band over the speaker's speech (``audio/voice_reference.py``), so a raised
    voice is raised against that speaker in that room, not against the corpora trained on.
    """

    def __init__(self, channels: int = 96, dropout: float = 0.3, mels: int = 64) -> None:
        super().__init__()

        def conv(a: int, b: int, kernel: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv1d(a, b, kernel, padding=kernel // 2), nn.BatchNorm1d(b), nn.GELU()
            )

        self.features = nn.Sequential(
            conv(mels, channels, 5), nn.MaxPool1d(2),
            conv(channels, channels, 5), nn.MaxPool1d(2),
            conv(channels, channels + 32, 3),
        )  # fmt: skip
        self.head = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(2 * (channels + 32) + 2 * mels, NUM_CLASSES)
        )

    def forward(self, log_mel: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        """(B, frames, mels), (B, 2, mels) mean and spread per band -> (B, 6) logits."""
        x = log_mel.transpose(1, 2)  # (B, mels, frames)
        mean, spread = reference[:, 0], reference[:, 1]
        relative = torch.cat(
            [(x.mean(dim=2) - mean) / spread, torch.log(x.std(dim=2) + 1e-2) - torch.log(spread)],
            dim=1,
        )
        x = x - x.mean(dim=2, keepdim=True)
        x = x / (x.std(dim=(1, 2), keepdim=True) + 1e-3)
        x = self.features(x)
        return self.head(torch.cat([x.mean(dim=2), x.std(dim=2), relative], dim=1))


def _conv(inputs: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, padding=1, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    )


class AppearanceCNN(nn.Module):
    """A small VGG-style CNN on the aligned grey face crop: (B, 48, 48) in 0-255 -> 6 logits.

    Four stages of two 3x3 convolutions (``channels`` x 1, 2, 4, 8), max-pooled between them,
    then global average pooling. Each crop is standardised by its own mean and spread, so the
    exposure of the camera does not matter. 16 channels cost about 1 ms per face on one CPU
    core; wider nets were 2-3x slower to train on the 2-core machine for the recipe's budget.
    The occlusion model is the same network, 8 channels wide, with four outputs.

    With ``mirror_average`` the trained model (eval mode, and so its ONNX export) reads each
    crop and its mirror image in one batch and averages the logits: an expression has no
    handedness, and the two readings disagree on the hard faces.
    """

    def __init__(
        self, channels: int = 16, dropout: float = 0.4, outputs: int = NUM_CLASSES,
        mirror_average: bool = False,
    ) -> None:  # fmt: skip
        super().__init__()
        self.mirror_average = mirror_average
        c = channels
        self.features = nn.Sequential(
            _conv(1, c), _conv(c, c), nn.MaxPool2d(2),
            _conv(c, 2 * c), _conv(2 * c, 2 * c), nn.MaxPool2d(2),
            _conv(2 * c, 4 * c), _conv(4 * c, 4 * c), nn.MaxPool2d(2),
            _conv(4 * c, 8 * c), _conv(8 * c, 8 * c),
        )  # fmt: skip
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(8 * c, outputs))

    def forward(self, crop: torch.Tensor) -> torch.Tensor:
        """(B, H, W) grey crops -> (B, outputs) logits (the six classes by default)."""
        if self.mirror_average and not self.training:
            both = self._logits(torch.cat([crop, crop.flip(-1)]))
            return both.reshape(2, -1, both.shape[-1]).mean(dim=0)  # batch stays symbolic
        return self._logits(crop)

    def _logits(self, crop: torch.Tensor) -> torch.Tensor:
        x = crop.unsqueeze(1)
        x = (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=(2, 3), keepdim=True) + 1.0)
        return self.head(self.features(x).mean(dim=(2, 3)))


class FusionModel(nn.Module):
    """Fuses per-modality log-probabilities (B, M, 6) given which are available (B, M).

    A learned, positive weight per modality and class: the fused logits are the weighted mean of
    the available modalities' log-probabilities, plus a class bias. A missing modality (audio
    muted, upper face hidden) simply drops out of the mean, so no retraining is needed for it.
    """

    def __init__(self, modalities: int = len(MODALITIES)) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(modalities, NUM_CLASSES))
        self.bias = nn.Parameter(torch.zeros(NUM_CLASSES))

    def forward(self, log_probs: torch.Tensor, available: torch.Tensor) -> torch.Tensor:
        """(B, M, 6), (B, M) -> (B, 6) fused logits."""
        weights = nn.functional.softplus(self.weight).unsqueeze(0) * available.unsqueeze(-1)
        fused = (weights * log_probs).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-6)
        return fused + self.bias
