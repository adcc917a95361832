"""The six emotion classes, where each sits on the valence/arousal circumplex, and how a
distribution over them is summarised (label, confidence, valence, arousal) for the messages.

Every model, dataset map, report and message uses these names in this order; a model card's
``classes`` must equal them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CLASS_NAMES = ("Happy", "Angry", "Sad", "Neutral", "Surprised", "Worried")
NUM_CLASSES = len(CLASS_NAMES)

# Valence and arousal of each class on Russell's circumplex (Russell 1980; Posner et al. 2005),
# in [-1, 1]. Worried sits where fear/anxiety does: unpleasant and fairly aroused.
CIRCUMPLEX = {
    "Happy": (0.8, 0.5),
    "Angry": (-0.6, 0.8),
    "Sad": (-0.7, -0.4),
    "Neutral": (0.0, 0.0),
    "Surprised": (0.2, 0.8),
    "Worried": (-0.5, 0.5),
}


@dataclass(frozen=True)
class EmotionSummary:
    """What a distribution over the classes says: the most likely class, and where it sits."""

    label: str
    confidence: float
    valence: float
    arousal: float


def summarize(probabilities: np.ndarray, class_names: Sequence[str]) -> EmotionSummary:
    """The argmax class with its probability, and the probability-weighted circumplex position."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    best = int(np.argmax(probabilities))
    coordinates = np.array([CIRCUMPLEX[name] for name in class_names])
    valence, arousal = probabilities @ coordinates
    return EmotionSummary(
        class_names[best], float(probabilities[best]), float(valence), float(arousal)
    )
