"""Streaming resampling to the models' 16 kHz with soxr.

A streaming resampler keeps its filter state between chunks, so chunk boundaries do not click
and no samples are lost or duplicated; it must be reset when the input rate changes.
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

    @property
    def delay_s(self) -> float:
        """Delay of the output behind the input (the filter's group delay), in seconds."""
        return 0.0 if self._stream is None else self._stream.delay() / self.output_rate


def resample_clip(
    samples: np.ndarray, input_rate: int, output_rate: int = TARGET_RATE
) -> np.ndarray:
    """Resample a whole clip at once (training data); same filter quality as the stream."""
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    if input_rate == output_rate:
        return samples
    return soxr.resample(samples, input_rate, output_rate, quality="HQ").astype(np.float32)
