"""Builds data/default_speech.wav: the bundled speech of `make demo` (espeak-ng, 16 kHz mono).

About 10 s of sentences in several prosody settings, with short pauses. Deterministic for a given
espeak-ng version.

    .venv/bin/python tools/make_default_speech.py [--out data/default_speech.wav]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from synthetic_speech import PROSODY, SAMPLE_RATE, speak

LINES = [
    ("Happy", "What a lovely day, I am so glad to see you!"),
    ("Neutral", "The robot is ready. Please step closer."),
    ("Surprised", "Oh! I did not expect that at all!"),
    ("Sad", "I am sorry, that did not go well."),
]


def main() -> int:
    """Write the speech file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "data" / "default_speech.wav"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args()
    pause = np.zeros(int(0.4 * SAMPLE_RATE), np.float32)
    parts = []
    for label, text in LINES:
        parts += [speak(text, **PROSODY[label]), pause]
    audio = np.concatenate(parts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(args.out, audio, SAMPLE_RATE, subtype="PCM_16")
    seconds, size_kb = len(audio) / SAMPLE_RATE, args.out.stat().st_size / 1e3
    print(f"wrote {args.out} ({seconds:.1f} s, {size_kb:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
