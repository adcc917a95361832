"""audio_common_msgs/AudioInfo from another process: a format the audio node can decode.

AudioInfo is latched and arrives once, so a bad one would silence the node for good if it were
taken; the audio node refuses it and keeps decoding with the format it had (its parameters until a
good AudioInfo arrives), and says so.
"""

from dataclasses import dataclass

from emotion_ros.audio.sample_format import SUPPORTED_FORMATS
from emotion_ros.validation.invalid_input import InvalidInput, quoted

# 8 kHz: telephone audio, the lowest rate that still carries speech; 384 kHz: the highest rate
# sound cards offer. 64 channels: the largest USB microphone arrays.
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8_000, 384_000
MAX_CHANNELS = 64


@dataclass(frozen=True)
class AudioFormat:
    """How the bytes of an audio chunk are to be read."""

    sample_format: str
    channels: int
    sample_rate: int

    def __str__(self) -> str:
        return f"{self.sample_format}, {self.channels} channel(s), {self.sample_rate} Hz"


def audio_format(sample_format: str, channels: int, sample_rate: int) -> AudioFormat:
    """Return the format when the audio node can decode and resample it.

    Raises:
        InvalidInput: ``audio_info``: an unsupported sample format, channels outside
            1..MAX_CHANNELS, or a rate outside MIN_SAMPLE_RATE..MAX_SAMPLE_RATE.
    """
    if sample_format not in SUPPORTED_FORMATS:
        raise InvalidInput(
            "audio_info",
            f"unsupported sample format {quoted(sample_format)}; "
            f"supported: {', '.join(SUPPORTED_FORMATS)}",
        )
    if not 1 <= channels <= MAX_CHANNELS:
        raise InvalidInput("audio_info", f"{channels} channels (1 to {MAX_CHANNELS} supported)")
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise InvalidInput(
            "audio_info",
            f"sample rate {sample_rate} Hz ({MIN_SAMPLE_RATE} to {MAX_SAMPLE_RATE} supported)",
        )
    return AudioFormat(sample_format, channels, sample_rate)
