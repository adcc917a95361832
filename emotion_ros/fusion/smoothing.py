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
        self.method = method
        self._num_classes = num_classes
        self.tune(alpha, stay)
        self._state: dict[str, np.ndarray] = {}

    def tune(self, alpha: float, stay: float) -> None:
        """Use ``alpha`` (ema, in (0, 1]) and ``stay`` (hmm, in (0, 1)) from the next update on;
        each face's state stays (a weight changed while the node runs). Their ranges are the
        fusion node's PARAMETERS."""
        transition = np.full(
            (self._num_classes, self._num_classes), (1.0 - stay) / (self._num_classes - 1)
        )
        np.fill_diagonal(transition, stay)
        self._transition, self._alpha = transition, alpha

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
