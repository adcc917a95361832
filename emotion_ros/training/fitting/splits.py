"""Splits by group (subject, speaker or video), so no person or video is in train and test.

Splitting frames at random leaks: neighbouring frames of one video are near copies, and the test
score then measures memory, not generalisation.
"""

import numpy as np


def group_kfold(
    groups: np.ndarray, folds: int, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return ``folds`` (train indices, test indices) pairs; every group is in one test fold.

    Groups are shuffled with ``seed`` and dealt to folds largest first, which keeps fold sizes
    close even when groups differ in size.
    """
    groups = np.asarray(groups)
    unique, counts = np.unique(groups, return_counts=True)
    if folds < 2 or folds > len(unique):
        raise ValueError(f"need 2 <= folds <= number of groups ({len(unique)}), got {folds}")
    order = np.random.default_rng(seed).permutation(len(unique))
    order = order[np.argsort(-counts[order], kind="stable")]
    sizes = np.zeros(folds, dtype=int)
    fold_of = {}
    for g in order:
        target = int(np.argmin(sizes))
        fold_of[unique[g]] = target
        sizes[target] += counts[g]
    assignment = np.array([fold_of[g] for g in groups])
    return [
        (np.flatnonzero(assignment != k), np.flatnonzero(assignment == k)) for k in range(folds)
    ]


def group_split(
    groups: np.ndarray, test_fraction: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """One (train, test) split by group with about ``test_fraction`` of the samples in test."""
    folds = max(2, round(1 / test_fraction))
    return group_kfold(groups, min(folds, len(np.unique(groups))), seed)[0]
