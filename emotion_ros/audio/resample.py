"""Streaming resampling to the models' 16 kHz with soxr.

A streaming resampler keeps its filter state between chunks, so chunk boundaries do not click
and no samples are lost or duplicated; it must be reset when the input rate changes. soxr removes
its filter's group delay: output sample k is the input at time k / 16 kHz (an impulse at 0.5 s
comes out at sample 8000 from 8, 22.05, 44.1 and 48 kHz input). The delay only holds back the
newest 10-30 ms until more input arrives, and the ring buffer's clock counts output samples, so
window stamps need no correction.
"""

import numpy as np
import soxr

TARGET_RATE = 16_000


class StreamResampler:
    """Resamples consecutive mono chunks from ``input_rate`` to ``output_rate``."""

    def __init__(self, input_rate: int, output_rate: int = TARGET_RATE) -> None:
        if input_rate <= 0:
            raise ValueError(f"sample rate must be positive, got {input_rate}")
        self.input_rate = input_rate
        self.output_rate = output_rate
        self._stream = (
            None
            if input_rate == output_rate
            else soxr.ResampleStream(input_rate, output_rate, 1, dtype="float32", quality="HQ")
        )

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """Return the resampled chunk (lengths vary by a sample with the filter's phase)."""
        chunk = np.ascontiguousarray(chunk, dtype=np.float32)
        if self._stream is None:
            return chunk
        return self._stream.resample_chunk(chunk)


def resample_clip(
    samples: np.ndarray, input_rate: int, output_rate: int = TARGET_RATE
) -> np.ndarray:
    """Resample a whole clip at once (training data); same filter quality as the stream."""
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    if input_rate == output_rate:
        return samples
    return soxr.resample(samples, input_rate, output_rate, quality="HQ").astype(np.float32)
