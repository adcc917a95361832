"""Opening a sound card's input with PortAudio (``sounddevice``), every failure as one error type.

sounddevice reports a missing microphone in three ways: ``PortAudioError`` (which is not an
``OSError`` in sounddevice 0.5.6; "Error querying device -1" on a machine without a sound card),
``ValueError`` (no device matches a name) and ``OSError`` at import (no PortAudio library). The
microphone source retries on any of them, so they all become ``MicrophoneError`` with a reason a
user can act on. PortAudio reads the list of devices once, when it is initialised, so a retry
reads it again: a microphone plugged in after the start is then found.
"""

from collections.abc import Callable
from typing import Any


class MicrophoneError(RuntimeError):
    """The input device cannot be opened (missing, busy, unsupported settings, no PortAudio)."""


def parse_device(device: str) -> int | str | None:
    """PortAudio's device argument: an index ("3"), a name, or None for the default input ("")."""
    if device.isdigit():
        return int(device)
    return device or None


def open_microphone(
    device: str,
    sample_rate: int,
    channels: int,
    blocksize: int,
    callback: Callable[..., None],
    rescan: bool = False,
) -> Any:
    """Open and start an int16 ``sounddevice.InputStream``; ``rescan`` re-reads the device list.

    Raises:
        MicrophoneError: for any reason the stream cannot be opened and started.
    """
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio2 is missing
        raise MicrophoneError(f"cannot load PortAudio ({exc}); install libportaudio2") from exc
    try:
        if rescan:
            # sounddevice's documented way to see devices that appeared after initialisation
            sounddevice._terminate()
            sounddevice._initialize()
        stream = sounddevice.InputStream(
            device=parse_device(device),
            samplerate=sample_rate,
            channels=channels,
            dtype="int16",
            blocksize=blocksize,
            callback=callback,
        )
    except (sounddevice.PortAudioError, ValueError, OSError) as exc:
        if not sounddevice.query_devices():
            raise MicrophoneError(f"PortAudio finds no sound card ({exc})") from exc
        raise MicrophoneError(str(exc)) from exc
    try:
        stream.start()
    except sounddevice.PortAudioError as exc:  # e.g. the device is busy
        stream.close()
        raise MicrophoneError(str(exc)) from exc
    return stream
