"""Decoding audio_common_msgs byte streams (interleaved PCM) to mono float32 in [-1, 1].

audio_common's capture node names its formats after GStreamer (S16LE, S32LE, F32LE, U8, ...);
the same names are used here, so AudioInfo.sample_format can be passed straight through.
"""

import numpy as np

from emotion_ros.validation.invalid_input import InvalidInput, quoted

# format -> (bytes per sample, numpy dtype, scale to [-1, 1], offset)
_FORMATS: dict[str, tuple[int, str, float, float]] = {
    "U8": (1, "u1", 1 / 128.0, -128.0),
    "S8": (1, "i1", 1 / 128.0, 0.0),
    "S16LE": (2, "<i2", 1 / 32768.0, 0.0),
    "S32LE": (4, "<i4", 1 / 2147483648.0, 0.0),
    "F32LE": (4, "<f4", 1.0, 0.0),
    "S24LE": (3, "", 1 / 8388608.0, 0.0),  # packed 3-byte samples, decoded by hand below
}
SUPPORTED_FORMATS = tuple(_FORMATS)


class SampleFormatError(InvalidInput):
    """The bytes cannot be decoded as the stated format; the message says why (``kind``:
    sample_format, channels or chunk_length)."""


def bytes_per_frame(sample_format: str, channels: int) -> int:
    """Return the size in bytes of one frame (one sample of every channel)."""
    if sample_format not in _FORMATS:
        raise SampleFormatError(
            "sample_format",
            f"unsupported sample format {quoted(sample_format)}; "
            f"supported: {', '.join(SUPPORTED_FORMATS)}",
        )
    if channels < 1:
        raise SampleFormatError("channels", f"channels must be at least 1, got {channels}")
    return _FORMATS[sample_format][0] * channels


def decode_to_mono(
    data: bytes | bytearray | memoryview, sample_format: str, channels: int
) -> np.ndarray:
    """Return the samples as a float32 mono array (the mean of the channels).

    Raises:
        SampleFormatError: unknown format, no channels, or a byte count that is not a whole
            number of frames.
    """
    frame_size = bytes_per_frame(sample_format, channels)
    if len(data) % frame_size:
        raise SampleFormatError(
            "chunk_length",
            f"{len(data)} bytes is not a whole number of {sample_format} frames of "
            f"{channels} channel(s) ({frame_size} bytes each)",
        )
    _, dtype, scale, offset = _FORMATS[sample_format]
    raw = np.frombuffer(data, dtype=np.uint8)
    if sample_format == "S24LE":
        triples = raw.reshape(-1, 3).astype(np.int32)
        values = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
    else:
        values = np.frombuffer(data, dtype=dtype)
    samples = (values.astype(np.float32) + offset) * scale
    return samples.reshape(-1, channels).mean(axis=1, dtype=np.float32)


def encode_s16le(samples: np.ndarray) -> bytes:
    """Return mono float samples in [-1, 1] as S16LE bytes (what the sources publish)."""
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 32767 / 32768)
    return (clipped * 32768.0).astype("<i2").tobytes()
