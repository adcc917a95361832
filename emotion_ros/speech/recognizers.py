"""Offline speech recognisers behind one interface: 16 kHz samples in, text and confidence out.

``pocketsphinx`` is the default because its wheel ships an en-US acoustic model, language model
and dictionary: it works on any machine with nothing downloaded. A user with a better model on
disk picks ``faster-whisper`` (a CTranslate2 Whisper model folder) or ``vosk`` (a Vosk model
folder); their packages are optional, and a missing package or folder is a clear error at
start-up, never a download (faster-whisper is told to use local files only).

Recognisers are not thread-safe: one per worker thread. PocketSphinx holds the GIL while it
decodes (a few tenths of a second per second of speech): the speech node's audio callback waits
meanwhile, and its subscription's queue (qos_depth) holds the chunks that arrive.
"""

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.audio.voice_activity import SAMPLE_RATE

BACKENDS = ("pocketsphinx", "faster-whisper", "vosk")


class RecognizerError(RuntimeError):
    """The backend cannot be used: unknown, not installed, or its model folder is unusable."""


@dataclass(frozen=True)
class Recognition:
    """What was said (lower case for pocketsphinx and Vosk) and the backend's confidence in
    [0, 1] (the mean word posterior, or for Whisper the mean token probability)."""

    text: str
    confidence: float


class Recognizer(Protocol):
    """Anything that turns one utterance into text."""

    name: str

    def transcribe(self, samples: np.ndarray) -> Recognition:
        """Recognise ``samples`` (16 kHz mono float32 in [-1, 1])."""
        ...


def _require(package: str, pip_name: str, backend: str) -> None:
    if importlib.util.find_spec(package) is None:
        raise RecognizerError(
            f"backend {backend} needs the {pip_name} package, which is not installed "
            f"(pip install {pip_name}; then set model_dir to its model folder)"
        )


def _model_folder(model_dir: str, backend: str) -> Path:
    if not model_dir:
        raise RecognizerError(f"backend {backend} needs model_dir: the folder of its model")
    path = Path(model_dir).expanduser()
    if not path.is_dir():
        raise RecognizerError(f"model_dir {path} of backend {backend} is not a folder")
    return path


class PocketSphinxRecognizer:
    """CMU PocketSphinx with the wheel's en-US model, or the model folder ``model_dir``: one
    laid out like the wheel's ``pocketsphinx/model/en-us`` (an acoustic model folder with
    ``mdef``, a ``*.lm.bin`` or ``*.lm`` word language model and a ``*.dict`` dictionary)."""

    name = "pocketsphinx"

    def __init__(self, model_dir: str = "") -> None:
        _require("pocketsphinx", "pocketsphinx", self.name)
        from pocketsphinx import Decoder

        options = {"loglevel": "FATAL"}
        if model_dir:
            options.update(self._model_files(_model_folder(model_dir, self.name)))
        try:
            self._decoder = Decoder(**options)
        except (RuntimeError, ValueError) as exc:
            raise RecognizerError(f"pocketsphinx cannot load its model: {exc}") from exc

    @staticmethod
    def _model_files(folder: Path) -> dict[str, str]:
        acoustic = sorted(p.parent for p in folder.glob("*/mdef"))
        # a word language model, not the phone model that pocketsphinx ships beside it
        models = [
            p
            for p in sorted(folder.glob("*.lm.bin")) or sorted(folder.glob("*.lm"))
            if "phone" not in p.name
        ]
        dictionaries = sorted(folder.glob("*.dict"))
        if not (acoustic and models and dictionaries):
            raise RecognizerError(
                f"model_dir {folder} needs an acoustic model folder (with mdef), a *.lm.bin or "
                "*.lm language model and a *.dict dictionary, as pocketsphinx/model/en-us has"
            )
        return {"hmm": str(acoustic[0]), "lm": str(models[0]), "dict": str(dictionaries[0])}

    def transcribe(self, samples: np.ndarray) -> Recognition:
        """Decode the whole utterance at once: its cepstral mean is then the utterance's own,
        not a running estimate that starts from defaults (measured on espeak-ng speech: the
        first sentence of a new decoder lost half its words when fed in pieces)."""
        self._decoder.start_utt()
        self._decoder.process_raw(encode_s16le(samples), full_utt=True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        if hypothesis is None or not hypothesis.hypstr.strip():
            return Recognition("", 0.0)
        posteriors = [
            s.prob for s in self._decoder.seg() if not s.word.startswith(("<", "[", "++"))
        ]
        confidence = float(np.mean(posteriors)) if posteriors else 0.0
        return Recognition(hypothesis.hypstr.strip(), confidence)


class FasterWhisperRecognizer:
    """A CTranslate2 Whisper model folder through faster-whisper (CPU, int8, local files only)."""

    name = "faster-whisper"

    def __init__(self, model_dir: str, language: str = "") -> None:
        _require("faster_whisper", "faster-whisper", self.name)
        folder = _model_folder(model_dir, self.name)
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(
                str(folder), device="cpu", compute_type="int8", cpu_threads=1,
                local_files_only=True,
            )  # fmt: skip
        except Exception as exc:  # CTranslate2 raises several types for a bad folder
            raise RecognizerError(f"faster-whisper cannot load {folder}: {exc}") from exc
        self._language = language or None

    def transcribe(self, samples: np.ndarray) -> Recognition:
        """Greedy decoding of the whole utterance, without Whisper's own VAD (ours cut it)."""
        segments, _ = self._model.transcribe(
            np.asarray(samples, np.float32), language=self._language, beam_size=1
        )
        segments = list(segments)
        text = " ".join(s.text.strip() for s in segments).strip()
        if not text:
            return Recognition("", 0.0)
        return Recognition(text, float(np.exp(np.mean([s.avg_logprob for s in segments]))))


class VoskRecognizer:
    """A Vosk (Kaldi) model folder."""

    name = "vosk"

    def __init__(self, model_dir: str) -> None:
        _require("vosk", "vosk", self.name)
        folder = _model_folder(model_dir, self.name)
        import vosk

        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(folder))
        except Exception as exc:  # vosk raises a bare Exception for a bad folder
            raise RecognizerError(f"vosk cannot load {folder}: {exc}") from exc
        self._vosk = vosk

    def transcribe(self, samples: np.ndarray) -> Recognition:
        """One recogniser per utterance (cheap), with per-word confidences."""
        recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        recognizer.SetWords(True)
        recognizer.AcceptWaveform(encode_s16le(samples))
        result = json.loads(recognizer.FinalResult())
        words = result.get("result", [])
        text = result.get("text", "").strip()
        confidence = float(np.mean([w["conf"] for w in words])) if words else 0.0
        return Recognition(text, confidence if text else 0.0)


def make_recognizer(backend: str, model_dir: str = "", language: str = "") -> Recognizer:
    """The recogniser ``backend`` with its model.

    Raises:
        RecognizerError: an unknown backend, a package that is not installed, a model folder that
            is missing or unusable.
    """
    if backend == "pocketsphinx":
        return PocketSphinxRecognizer(model_dir)
    if backend == "faster-whisper":
        return FasterWhisperRecognizer(model_dir, language)
    if backend == "vosk":
        return VoskRecognizer(model_dir)
    raise RecognizerError(f"unknown speech backend {backend!r}; known: {', '.join(BACKENDS)}")
