"""Real emotional speech for the audio model: corpora, speakers, 16 kHz clips and 2 s windows.

Clips are read once, resampled to 16 kHz mono with the nodes' resampler quality and cached as
int16. Training draws a random 2 s window from each clip every epoch, as the graph's windows fall
anywhere in an utterance; a clip shorter than 2 s is placed at a random offset in silence (the
graph's windows around a short utterance hold the room's sound before and after it). Only windows
that the voice-activity gate would pass are used, because the gate keeps the others from voting.
Evaluation uses one window per clip: the 2 s around its middle.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile
from tqdm import tqdm

from emotion_ros.audio.resample import TARGET_RATE, resample_clip
from emotion_ros.audio.voice_activity import FRAME, VoiceActivityDetector
from emotion_ros.training.datasets import speech_datasets
from emotion_ros.training.datasets.sample import Sample

WINDOW = 2 * TARGET_RATE
MIN_SPEECH_FRACTION = 0.2  # the fusion node's default gate (config/fusion_node.yaml)

# corpus -> (reader, folder under the data directory)
CORPORA: dict[str, tuple[Callable[[Path], list[Sample]], str]] = {
    "ravdess": (speech_datasets.read_ravdess, "ravdess"),
    "savee": (speech_datasets.read_savee, "savee"),
    "spanish": (speech_datasets.read_spanish, "spanish_ser_rcebrian"),
    "emodb": (speech_datasets.read_emodb, "emodb"),
    "casia": (speech_datasets.read_casia, "casia"),
    "emovo": (speech_datasets.read_emovo, "emovo"),
    "nemo": (speech_datasets.read_nemo, "nemo"),
    "ased": (speech_datasets.read_ased, "ased"),
}
# Corpora no model trains on, in languages none of the training corpora speaks: only scored
# (``recipe_evaluation``), the shipped models as a robot would run them on a stranger.
UNHEARD_LANGUAGES: dict[str, tuple[Callable[[Path], list[Sample]], str]] = {
    "turev": (speech_datasets.read_turev, "turev"),
    "emotiontts_korean": (speech_datasets.read_emotiontts, "emotiontts_korean"),
}


@dataclass
class SpeechSet:
    """Clips (int16 at 16 kHz), their labels, speakers, corpora and VAD frame probabilities."""

    clips: list[np.ndarray] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    corpora: list[str] = field(default_factory=list)
    speech: list[np.ndarray] = field(default_factory=list)  # VAD probability per 512 samples

    def select(self, keep: Callable[[str, str], bool]) -> "SpeechSet":
        """The clips whose (corpus, speaker) ``keep`` accepts."""
        pairs = zip(self.corpora, self.speakers, strict=True)
        return self.select_indices(np.flatnonzero([keep(c, s) for c, s in pairs]))

    def __add__(self, other: "SpeechSet") -> "SpeechSet":
        return SpeechSet(
            self.clips + other.clips, self.labels + other.labels,
            self.speakers + other.speakers, self.corpora + other.corpora,
            self.speech + other.speech,
        )  # fmt: skip

    def select_indices(self, indices: np.ndarray) -> "SpeechSet":
        """The clips at ``indices``, in that order."""
        return SpeechSet(
            [self.clips[i] for i in indices], [self.labels[i] for i in indices],
            [self.speakers[i] for i in indices], [self.corpora[i] for i in indices],
            [self.speech[i] for i in indices],
        )  # fmt: skip

    def label_array(self) -> np.ndarray:
        """Labels as int64."""
        return np.asarray(self.labels, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.clips)


def read_corpus(name: str, data_dir: Path, cache: Path, progress: bool = True) -> SpeechSet:
    """One corpus under ``data_dir`` (its folder from CORPORA or UNHEARD_LANGUAGES), cached as
    ``<name>-speech.npz``.

    Raises:
        FileNotFoundError: the corpus folder is missing or holds no labelled clip.
    """
    reader, folder = {**CORPORA, **UNHEARD_LANGUAGES}[name]
    root = Path(data_dir) / folder
    samples = reader(root) if root.is_dir() else []
    if not samples:
        raise FileNotFoundError(f"no labelled {name} clips under {root}")
    return read_clips(samples, name, cache, progress)


def read_clips(samples: list[Sample], name: str, cache: Path, progress: bool = True) -> SpeechSet:
    """The clips of ``samples`` (speaker = the sample's group), cached as
    ``<name>-speech-<count>.npz``: the recipe's corpora and ``emotion-ros train``'s speech."""
    cache.mkdir(parents=True, exist_ok=True)
    cache_file = cache / f"{name}-speech-{len(samples)}.npz"
    if cache_file.is_file():
        stored = np.load(cache_file, allow_pickle=False)
        lengths = stored["lengths"]
        clips = np.split(stored["audio"], np.cumsum(lengths)[:-1])
        speech = np.split(stored["speech"], np.cumsum(stored["frames"])[:-1])
    else:
        vad = VoiceActivityDetector()
        clips, speech = [], []
        for sample in tqdm(samples, desc=f"reading {name}", disable=not progress):
            audio, rate = soundfile.read(sample.source, dtype="float32", always_2d=True)
            mono = resample_clip(audio.mean(axis=1), rate)
            clips.append((np.clip(mono, -1, 1) * 32767).astype(np.int16))
            speech.append(vad.frame_probabilities(mono))
        np.savez(
            cache_file, audio=np.concatenate(clips), lengths=[len(c) for c in clips],
            speech=np.concatenate(speech), frames=[len(s) for s in speech],
        )  # fmt: skip
    return SpeechSet(
        list(clips), [s.label for s in samples], [s.group for s in samples],
        [name] * len(samples), list(speech),
    )  # fmt: skip


def _placed(clip: np.ndarray, offset: int) -> np.ndarray:
    """A WINDOW of ``clip`` starting at ``offset`` (negative: the clip starts inside it)."""
    window = np.zeros(WINDOW, np.float32)
    start = max(0, offset)
    piece = clip[start : start + WINDOW - max(0, -offset)].astype(np.float32) / 32767.0
    window[max(0, -offset) : max(0, -offset) + len(piece)] = piece
    return window


def speech_fraction_at(speech: np.ndarray, offset: int) -> float:
    """The VAD's speech share of the window starting at ``offset`` (frames outside the clip are
    silence)."""
    first = offset // FRAME
    frames = np.zeros(WINDOW // FRAME)
    lo, hi = max(0, first), min(len(speech), first + len(frames))
    if hi > lo:
        frames[lo - first : hi - first] = speech[lo:hi] > 0.5
    return float(frames.mean())


def random_windows(data: SpeechSet, rng: np.random.Generator, tries: int = 8) -> np.ndarray:
    """One random 2 s window per clip (N, 32000) float32, passing the voice-activity gate when
    any of ``tries`` draws does."""
    windows = np.zeros((len(data), WINDOW), np.float32)
    for i, (clip, speech) in enumerate(zip(data.clips, data.speech, strict=True)):
        low, high = min(0, len(clip) - WINDOW), max(0, len(clip) - WINDOW)
        offsets = rng.integers(low, high + 1, tries)
        fractions = [speech_fraction_at(speech, o) for o in offsets]
        best = int(np.argmax(np.asarray(fractions) >= MIN_SPEECH_FRACTION))
        windows[i] = _placed(clip, int(offsets[best]))
    return windows


def centre_windows(data: SpeechSet) -> np.ndarray:
    """The 2 s around the middle of each clip (N, 32000) float32: the evaluation windows."""
    return np.stack([_placed(c, (len(c) - WINDOW) // 2) for c in data.clips])
