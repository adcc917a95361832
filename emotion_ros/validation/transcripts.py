"""Transcript from another process -> the utterance's class scores in the models' class order.

A speech node (ours, or one a user wrote) may list the classes in another order, so the scores are
matched by name: they must name exactly the models' classes, one value each, and be a
distribution (finite, none negative, not all zero), because the fusion adds their logarithm to
the models' log-probabilities (a NaN would make every emotion NaN). They are normalised here.
"""

from collections.abc import Sequence

import numpy as np

from emotion_ros.validation.invalid_input import InvalidInput


def transcript_scores(
    class_names: Sequence[str], probabilities: Sequence[float], model_classes: Sequence[str]
) -> np.ndarray:
    """Return the scores (float32, summing to 1) in the order of ``model_classes``.

    Raises:
        InvalidInput: ``transcript_scores``: other classes than the models', a value count that
            is not the class count, or values that are not a distribution.
    """
    names = tuple(class_names)
    if sorted(names) != sorted(model_classes) or len(probabilities) != len(names):
        raise InvalidInput(
            "transcript_scores",
            f"transcript scores for classes {list(names)[:8]} ({len(probabilities)} values); "
            f"the models have {list(model_classes)}",
        )
    scores = np.asarray(probabilities, np.float64)
    if not np.isfinite(scores).all() or (scores < 0).any() or not 0 < scores.sum() < np.inf:
        raise InvalidInput(
            "transcript_scores", f"transcript scores are not a distribution: {scores.tolist()}"
        )
    ordered = scores[[names.index(name) for name in model_classes]]
    return (ordered / ordered.sum()).astype(np.float32)
