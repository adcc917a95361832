"""Test speech made here with espeak-ng (no recording of anyone is committed or downloaded).

Prosody per emotion is a weak, honest proxy for acted emotional speech: pitch, pitch range, speed
and loudness move the way the acoustic literature describes (e.g. happy/surprised: higher, wider
pitch and faster; sad: lower, narrower and slower; angry: louder and faster).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

SAMPLE_RATE = 16_000

# class -> espeak-ng options: pitch (-p, 0-99), speed (-s, words per minute), amplitude (-a)
PROSODY: dict[str, dict[str, int]] = {
    "Happy": {"pitch": 70, "speed": 185, "amplitude": 140},
    "Angry": {"pitch": 45, "speed": 200, "amplitude": 190},
    "Sad": {"pitch": 25, "speed": 120, "amplitude": 80},
    "Neutral": {"pitch": 45, "speed": 160, "amplitude": 110},
    "Surprised": {"pitch": 85, "speed": 175, "amplitude": 150},
    "Worried": {"pitch": 60, "speed": 140, "amplitude": 95},
}


def speak(text: str, pitch: int, speed: int, amplitude: int, voice: str = "en") -> np.ndarray:
    """Return espeak-ng's speech for ``text`` as float32 mono at 16 kHz."""
    if shutil.which("espeak-ng") is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-a", str(amplitude),
             "-w", str(wav), text],
            check=True, capture_output=True,
        )  # fmt: skip
        audio, rate = soundfile.read(wav, dtype="float32")
    if rate != SAMPLE_RATE:
        import soxr

        audio = soxr.resample(audio, rate, SAMPLE_RATE)
    return audio.astype(np.float32)
