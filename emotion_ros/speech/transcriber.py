"""One utterance -> its transcript: recognise the words, then score them.

The speech node runs this in its worker thread and the offline evaluation inline, both built from
the speech node's parameters (config/speech_node.yaml), so both get the same transcripts.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from emotion_ros.audio.voice_activity import SAMPLE_RATE
from emotion_ros.speech.recognizers import Recognizer, make_recognizer
from emotion_ros.speech.text_scoring import TextScorer
from emotion_ros.speech.utterance_segmenter import Utterance

# Silence the recogniser hears before each utterance. An utterance that starts with the stream (a
# file whose first word is at its first sample) has no audio before it to pad it with, and
# PocketSphinx then misreads its first words ("please bring the" as "least really a").
LEAD_IN = np.zeros(round(0.2 * SAMPLE_RATE), np.float32)


@dataclass(frozen=True)
class Transcription:
    """What was said between ``start_ns`` and ``end_ns``, what it says about emotion (class
    probabilities in ``CLASS_NAMES`` order), and the recogniser's CPU time for it."""

    start_ns: int
    end_ns: int
    text: str
    confidence: float
    valence: float
    probabilities: np.ndarray
    backend: str
    cpu_s: float


class Transcriber:
    """A recogniser and a text scorer; one per thread (recognisers are not thread-safe)."""

    def __init__(self, recognizer: Recognizer, scorer: TextScorer) -> None:
        self.recognizer = recognizer
        self.scorer = scorer

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> "Transcriber":
        """The speech node's transcriber from its parameters.

        Raises:
            RecognizerError: the backend or its model cannot be used; ValueError: an unknown
                emotion lexicon.
        """
        recognizer = make_recognizer(
            parameters["backend"], parameters["model_dir"], parameters["language"]
        )
        return cls(recognizer, TextScorer(parameters["emotion_lexicon"]))

    def transcribe(self, utterance: Utterance) -> Transcription:
        """Recognise and score one utterance; an empty text scores as no evidence."""
        started = time.thread_time()
        recognition = self.recognizer.transcribe(np.concatenate([LEAD_IN, utterance.samples]))
        cpu_s = time.thread_time() - started
        scores = self.scorer.score(recognition.text)
        return Transcription(
            utterance.start_ns, utterance.end_ns, recognition.text, recognition.confidence,
            scores.valence, scores.probabilities, self.recognizer.name, cpu_s,
        )  # fmt: skip
