"""The audio model of the default set, trained on real acted emotional speech.

Speakers never cross splits. Training: RAVDESS actors 1-16, SAVEE (4 English speakers) and the
Spanish student recordings; validation (epoch choice, temperature, the fusion model's audio):
RAVDESS actors 17-20; test: RAVDESS actors 21-24. Berlin EmoDB (German) and CASIA (Mandarin)
are never trained on: they measure how the model does on other languages and recordings
(cross-corpus), on the classes they share with the six (EmoDB has no surprise).

Each epoch draws a new 2 s window from every clip (``speech_data.random_windows``), adds noise
at a random signal-to-noise ratio half the time (white, pink or brown, 5-30 dB) and masks random
mel bands and time spans of the log-mel (SpecAugment). Speed perturbation (+-10 %) was tried and
made every score worse (RAVDESS test balanced recall 0.59 -> 0.55, EmoDB 0.49 -> 0.39).
"""

from typing import Any

import numpy as np
import torch

from emotion_ros.audio.features import log_mel
from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.training.features.speech_data import SpeechSet, centre_windows, random_windows
from emotion_ros.training.fitting.batch_augmentation import Augment, Batch
from emotion_ros.training.fitting.trainer import TrainConfig, TrainedModel, train_role

TRAIN_CORPORA = ("ravdess", "savee", "spanish")
CROSS_CORPORA = ("emodb", "casia")
CONFIG = TrainConfig(epochs=40, batch_size=64, learning_rate=2e-3, weight_decay=1e-3,
                     label_smoothing=0.1, class_weight_power=0.5)  # fmt: skip


def ravdess_actor(speaker: str) -> int:
    """RAVDESS's actor number from its speaker id (``actor07`` -> 7)."""
    return int(speaker.removeprefix("actor"))


def split(data: SpeechSet) -> dict[str, SpeechSet]:
    """Train / validation / test by speaker (see the module docstring)."""

    def part(corpus: str, speaker: str) -> str:
        if corpus != "ravdess":
            return "train" if corpus in TRAIN_CORPORA else "cross"
        actor = ravdess_actor(speaker)
        return "train" if actor <= 16 else "validation" if actor <= 20 else "test"

    return {
        name: data.select(lambda c, s, name=name: part(c, s) == name)
        for name in ("train", "validation", "test", "cross")
    }


def _coloured_noise(rng: np.random.Generator, shape: tuple[int, int], colour: int) -> np.ndarray:
    """White (0), pink (1) or brown (2) noise of unit power per row."""
    spectrum = np.fft.rfft(rng.standard_normal(shape), axis=1)
    frequencies = np.maximum(np.fft.rfftfreq(shape[1]), 1.0 / shape[1])
    noise = np.fft.irfft(spectrum / frequencies ** (colour / 2), n=shape[1], axis=1)
    return noise / (noise.std(axis=1, keepdims=True) + 1e-9)


def speech_augmenter(data: SpeechSet) -> Augment:
    """Batches of clip indices -> augmented log-mel windows of those clips."""

    def augment(batch: Batch, generator: torch.Generator) -> Batch:
        rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=generator)))
        index = batch[0].numpy()
        windows = random_windows(data.select_indices(index), rng)
        noisy = rng.random(len(index)) < 0.5
        if noisy.any():
            noise = _coloured_noise(rng, (int(noisy.sum()), windows.shape[1]), rng.integers(3))
            power = windows[noisy].std(axis=1, keepdims=True)
            snr_db = rng.uniform(5, 30, (int(noisy.sum()), 1))
            windows[noisy] += noise * power / 10 ** (snr_db / 20)
        features = log_mel(windows)
        mean = features.mean(axis=(1, 2), keepdims=True)
        for i in range(len(features)):
            for _ in range(2):
                f0, fw = rng.integers(0, 64), rng.integers(0, 9)
                features[i, :, f0 : f0 + fw] = mean[i]
                t0, tw = rng.integers(0, features.shape[1]), rng.integers(0, 21)
                features[i, t0 : t0 + tw, :] = mean[i]
        return [torch.from_numpy(features.astype(np.float32)), *batch[1:]]

    return augment


def evaluation_features(data: SpeechSet) -> np.ndarray:
    """Log-mel of each clip's centre window (the evaluation input)."""
    return log_mel(centre_windows(data)).astype(np.float32)


def train_audio_model(
    train_set: SpeechSet, validation: SpeechSet, seed: int, progress: bool = True,
    epochs: int | None = None,
) -> TrainedModel:  # fmt: skip
    """Train the audio model; keep the best validation epoch; fit its temperature. The recipe
    and ``emotion-ros train`` both train through this."""
    config = CONFIG.for_run(seed, progress, epochs)
    held_out = ([evaluation_features(validation)], validation.label_array())
    return train_role(
        "audio", [np.arange(len(train_set))], train_set.label_array(), NUM_CLASSES, config,
        speech_augmenter(train_set), held_out,
    )  # fmt: skip


AUGMENTATION = (
    "a new random 2 s window per clip and epoch (voice-activity gated; short clips placed at a "
    "random offset in silence), noise at 5-30 dB SNR half the time, SpecAugment (2 mel-band "
    "masks up to 8 bands, 2 time masks up to 0.2 s)"
)


def describe(trained: TrainedModel) -> dict[str, Any]:
    """What the audio card says about how the model was trained."""
    return {
        **trained.config.card_fields(),
        "augmentation": AUGMENTATION,
        "model_selection": "the epoch with the best accuracy on RAVDESS actors 17-20",
    }
