"""Log-mel and MFCC features in plain numpy: one definition for training and the live node.

numpy, not torch: importing torch takes 1.8 s, and the audio and fusion nodes need only these
features, not torch, when the models run in onnxruntime (issue 27). torchaudio does not import
beside the CPU torch here and librosa is 15x slower, so the STFT (periodic Hann window, centred
frames with reflect padding, as ``torch.stft`` does), the mel filterbank (HTK mel scale,
Slaney-normalised triangles) and the DCT are written out. A 2 s window at 16 kHz gives
``frames_for(config)`` = 201 frames of 64 mel bands (25 ms windows, 10 ms hop); the features
match the torch implementation they replace to 1e-4 (test/test_audio_core.py).
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@dataclass(frozen=True)
class LogMelConfig:
    """Everything that defines the features; the audio model card records it."""

    sample_rate: int = 16_000
    n_fft: int = 400
    hop_length: int = 160
    n_mels: int = 64
    f_min: float = 50.0
    f_max: float = 8_000.0
    window_seconds: float = 2.0
    log_floor: float = 1e-6


DEFAULT_LOG_MEL = LogMelConfig()


def frames_for(config: LogMelConfig = DEFAULT_LOG_MEL) -> int:
    """Number of feature frames for one window (centred STFT)."""
    return 1 + round(config.window_seconds * config.sample_rate) // config.hop_length


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


@lru_cache(maxsize=4)
def _filterbank(config: LogMelConfig) -> np.ndarray:
    """(n_fft // 2 + 1, n_mels) triangular filters, each of unit area (Slaney normalisation)."""
    freqs = np.linspace(0, config.sample_rate / 2, config.n_fft // 2 + 1)
    mel_points = np.linspace(_hz_to_mel(config.f_min), _hz_to_mel(config.f_max), config.n_mels + 2)
    edges = _mel_to_hz(mel_points)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs[None, :] - lower) / (centre - lower)
    falling = (upper - freqs[None, :]) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling)) * (2.0 / (upper - lower))
    return weights.T.astype(np.float32)


@lru_cache(maxsize=4)
def _windowed_dft(n_fft: int) -> np.ndarray:
    """(n_fft, 2 * (n_fft // 2 + 1)) float32: the periodic Hann window (``torch.hann_window``'s
    default) times the real, then the imaginary parts of the one-sided DFT.

    One BLAS matrix product with it is the windowed FFT of every frame at once: faster than
    ``np.fft.rfft`` (float64, row by row; 6x on a training batch), so training does not slow down.
    """
    n = np.arange(n_fft)
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / n_fft)
    angle = 2.0 * np.pi * np.outer(n, np.arange(n_fft // 2 + 1)) / n_fft
    dft = np.concatenate([np.cos(angle), -np.sin(angle)], axis=1)
    return (window[:, None] * dft).astype(np.float32)


@lru_cache(maxsize=4)
def _mel_of_squares(config: LogMelConfig) -> np.ndarray:
    """The filterbank twice over, (2 * (n_fft // 2 + 1), n_mels): applied to the squared real
    and imaginary parts, it sums them into the power and the power into the bands in one product.
    """
    return np.vstack([_filterbank(config)] * 2)


def log_mel(samples: np.ndarray, config: LogMelConfig = DEFAULT_LOG_MEL) -> np.ndarray:
    """Return log-mel features: (frames, n_mels) for one window, (B, frames, n_mels) for a batch.

    Frame k is centred on sample k * hop_length: the signal is padded by n_fft // 2 on each side
    by reflection, as ``torch.stft(center=True)`` does.
    """
    x = np.asarray(samples, dtype=np.float32)
    single = x.ndim == 1
    if single:
        x = x[None]
    half = config.n_fft // 2
    padded = np.pad(x, ((0, 0), (half, half)), mode="reflect")
    frames = sliding_window_view(padded, config.n_fft, axis=-1)[:, :: config.hop_length]
    # a contiguous 2-D copy: numpy hands only that to BLAS (a strided stack loops in C, 20x slower)
    flat = np.ascontiguousarray(frames).reshape(-1, config.n_fft)
    spectrum = flat @ _windowed_dft(config.n_fft)
    np.square(spectrum, out=spectrum)
    mel = np.log(spectrum @ _mel_of_squares(config) + np.float32(config.log_floor))
    mel = mel.reshape(*frames.shape[:2], config.n_mels)
    return mel[0] if single else mel


@lru_cache(maxsize=4)
def _dct_matrix(n_mels: int, n_mfcc: int) -> np.ndarray:
    """Orthonormal DCT-II matrix (n_mels, n_mfcc)."""
    n = np.arange(n_mels)[:, None]
    k = np.arange(n_mfcc)[None, :]
    basis = np.cos(np.pi / n_mels * (n + 0.5) * k) * np.sqrt(2.0 / n_mels)
    basis[:, 0] /= np.sqrt(2.0)
    return basis.astype(np.float32)


def mfcc(
    samples: np.ndarray, n_mfcc: int = 20, config: LogMelConfig = DEFAULT_LOG_MEL
) -> np.ndarray:
    """Return MFCCs, (frames, n_mfcc) or (B, frames, n_mfcc): the DCT of the log-mel bands."""
    return log_mel(samples, config) @ _dct_matrix(config.n_mels, n_mfcc)
