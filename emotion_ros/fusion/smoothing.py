"""Temporal smoothing of each face's probabilities, so robot behaviour does not flicker.

``ema``: exponential moving average with factor ``alpha`` (weight of the newest frame).
``hmm``: forward filtering with a "sticky" transition matrix (stay with probability ``stay``,
move to each other class equally): it keeps a label until the evidence really changes, and the
output is still a probability distribution. ``none`` passes probabilities through.
"""

import numpy as np

METHODS = ("none", "ema", "hmm")


class ProbabilitySmoother:
    """Per-face smoothing state; faces that disappear are forgotten with ``forget``."""

    def __init__(self, method: str, num_classes: int, alpha: float = 0.5, stay: float = 0.9):
        if method not in METHODS:
            raise ValueError(f"unknown smoothing {method!r}; expected one of {', '.join(METHODS)}")
        if not 0.0 < alpha <= 1.0:
            raise ValueError(f"ema alpha must be in (0, 1], got {alpha}")
        if not 0.0 < stay < 1.0:
            raise ValueError(f"hmm stay probability must be in (0, 1), got {stay}")
        self.method = method
        move = (1.0 - stay) / (num_classes - 1)
        self._transition = np.full((num_classes, num_classes), move)
        np.fill_diagonal(self._transition, stay)
        self._alpha = alpha
        self._state: dict[str, np.ndarray] = {}

    def update(self, face_id: str, probabilities: np.ndarray) -> np.ndarray:
        """Return the smoothed distribution for this face after observing ``probabilities``."""
        probabilities = np.asarray(probabilities, dtype=np.float64)
        previous = self._state.get(face_id)
        if self.method == "none" or previous is None:
            smoothed = probabilities
        elif self.method == "ema":
            smoothed = self._alpha * probabilities + (1.0 - self._alpha) * previous
        else:
            # Forward step: predict with the transition matrix, weight by the new evidence.
            smoothed = (previous @ self._transition) * np.maximum(probabilities, 1e-12)
        smoothed = smoothed / smoothed.sum()
        self._state[face_id] = smoothed
        return smoothed

    def forget(self, keep: set[str]) -> None:
        """Drop the state of every face not in ``keep``."""
        for face_id in set(self._state) - keep:
            del self._state[face_id]
