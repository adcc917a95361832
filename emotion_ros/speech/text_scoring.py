"""What the words say about the speaker's emotion: a valence and a score per class, from lexicons.

Two lexicons that ship inside their wheels (nothing is downloaded):

- VADER (``vaderSentiment``, MIT; Hutto and Gilbert 2014) gives the valence: its compound score
  in [-1, 1], which handles negation ("not good"), intensifiers ("so glad") and "!" itself.
- The NRC Emotion Lexicon (``nrclex``'s copy: Mohammad and Turney 2013; free for research use,
  a licence from NRC Canada otherwise) says which words carry joy, anger, sadness, fear or
  surprise. It has no lemmas here (nrclex's own lemmatiser needs NLTK data that is not shipped),
  so a word that is not in it is tried again without a common suffix (scared -> scare). A word
  right after a negation ("not happy") does not count. It is an option (``emotion_lexicon:
  nrc``); the default, ``vader``, leaves it out, so that a product may ship the default: the
  classes then come from the valence alone.

Evidence per class is counted and turned into probabilities with a prior of one count per class
and two for Neutral, so a sentence without emotional words is mildly Neutral and a single word
moves the scores by a modest, readable amount: the fusion model has never been trained on
transcripts, so their scores must stay soft. Positive valence adds to Happy; negative valence is
shared by Angry, Sad and Worried in proportion to their lexicon evidence (equally without any).
"""

import re
from dataclasses import dataclass

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES

LEXICONS = ("vader", "nrc")  # the first is the default
# NRC affect -> class; trust, anticipation and disgust have no counterpart among the six
NRC_CLASSES = {
    "joy": "Happy",
    "anger": "Angry",
    "sadness": "Sad",
    "fear": "Worried",
    "surprise": "Surprised",
}
NEGATIVE_CLASSES = ("Angry", "Sad", "Worried")
PRIOR = np.array([2.0 if name == "Neutral" else 1.0 for name in CLASS_NAMES])
VALENCE_WEIGHT = 2.0  # counts of evidence that a compound score of +-1 adds
NEGATIONS = {"not", "no", "never", "nothing", "nobody", "without", "hardly"}
SUFFIXES = ("ing", "ed", "es", "s", "ly", "d")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class TextScores:
    """Valence in [-1, 1] and one probability per class (``CLASS_NAMES`` order, sum 1)."""

    valence: float
    probabilities: np.ndarray
    emotion_words: tuple[str, ...]


class TextScorer:
    """Scores one utterance's text; builds its lexicons once."""

    def __init__(self, emotion_lexicon: str = LEXICONS[0]) -> None:
        if emotion_lexicon not in LEXICONS:
            raise ValueError(
                f"emotion_lexicon must be one of {', '.join(LEXICONS)}, got {emotion_lexicon!r}"
            )
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()
        self._nrc: dict[str, list[str]] = {}
        if emotion_lexicon == "nrc":
            from nrclex import NRCLex

            self._nrc = NRCLex(None).__lexicon__  # the bundled lexicon, a word -> affects dict

    def _affects(self, word: str) -> list[str]:
        if word in self._nrc:
            return self._nrc[word]
        for suffix in SUFFIXES:
            stem = word.removesuffix(suffix)
            if stem != word and len(stem) > 2:
                for candidate in (stem, stem + "e"):
                    if candidate in self._nrc:
                        return self._nrc[candidate]
        return []

    def score(self, text: str) -> TextScores:
        """Valence and class probabilities of ``text`` (any case, punctuation kept for VADER)."""
        valence = float(self._vader.polarity_scores(text)["compound"]) if text.strip() else 0.0
        evidence = np.zeros(len(CLASS_NAMES))
        found = []
        words = _WORD.findall(text.lower())
        for index, word in enumerate(words):
            if NEGATIONS & set(words[max(0, index - 3) : index]) or any(
                w.endswith("n't") for w in words[max(0, index - 3) : index]
            ):
                continue
            classes = {NRC_CLASSES[a] for a in self._affects(word) if a in NRC_CLASSES}
            for name in classes:
                evidence[CLASS_NAMES.index(name)] += 1.0 / len(classes)
            if classes:
                found.append(word)
        evidence[CLASS_NAMES.index("Happy")] += VALENCE_WEIGHT * max(valence, 0.0)
        negative = np.array([CLASS_NAMES.index(name) for name in NEGATIVE_CLASSES])
        share = evidence[negative] + 1e-3  # equal shares when the lexicon found none
        evidence[negative] += VALENCE_WEIGHT * max(-valence, 0.0) * share / share.sum()
        counts = PRIOR + evidence
        return TextScores(valence, (counts / counts.sum()).astype(np.float32), tuple(found))
