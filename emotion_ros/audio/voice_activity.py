"""Is anyone speaking in this window? Silero VAD, the ONNX model that ships in its wheel.

The audio model was trained on speech, so on silence, a fan or a motor its output is noise and
must not vote. Silero VAD (MIT, ``silero-vad`` on PyPI; its model files are inside the wheel, so
nothing is downloaded) gives a speech probability per 32 ms frame; a window's speech fraction is
the share of its frames above one half. Its sequence model takes all frames of a 2 s window in one
call (62 frames, about 2-5 ms on one core here). Measured here: 0.44-0.47 of the frames of an
acted RAVDESS sentence (whose clips start and end with silence), none of silence, white or brown
noise or a 100 Hz hum with its harmonic.
"""

import importlib.util
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
FRAME = 512  # samples per VAD frame at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous frame that the model sees before each frame
MODEL_FILE = "silero_vad_16k_sequence.onnx"
SPEECH_PROBABILITY = 0.5


def model_path() -> Path:
    """The sequence model inside the installed ``silero_vad`` package (not imported: it would
    pull in torch code that is not needed here).

    Raises:
        FileNotFoundError: silero-vad is not installed.
    """
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "silero-vad is not installed: pip install -r requirements/runtime.txt"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"silero-vad's model file is missing: {path}")
    return path


class VoiceActivityDetector:
    """Speech probability per 32 ms frame of 16 kHz mono audio, one window at a time."""

    def __init__(self) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._state = np.zeros((1, 1, 128), np.float32)

    def frame_probabilities(self, samples: np.ndarray) -> np.ndarray:
        """Speech probabilities of the whole 512-sample frames of ``samples`` (from a fresh
        state: each window is judged on its own)."""
        samples = np.asarray(samples, dtype=np.float32)
        count = len(samples) // FRAME
        if count == 0:
            return np.zeros(0, np.float32)
        frames = samples[: count * FRAME].reshape(count, FRAME)
        context = np.zeros((count, CONTEXT), np.float32)
        context[1:] = frames[:-1, -CONTEXT:]
        inputs = {
            "input": np.concatenate([context, frames], axis=1),
            "h": self._state,
            "c": self._state,
        }
        return self._session.run(["speech_probs"], inputs)[0].astype(np.float32)

    def speech_fraction(self, samples: np.ndarray) -> float:
        """The share of the window's frames that are speech (0 for a window under one frame)."""
        probabilities = self.frame_probabilities(samples)
        return float((probabilities > SPEECH_PROBABILITY).mean()) if probabilities.size else 0.0
