"""The cheapest one-to-one pairing of tracks and detections (the Hungarian method), in numpy.

The face tracker pairs a handful of tracks with a handful of boxes per frame. scipy's
``linear_sum_assignment`` does the same, but importing ``scipy.optimize`` took 0.38 s of the face
node's 0.68 s of imports, paid again at every respawn (bench/bench_startup.py); this is the
classic O(n^2 m) algorithm with row and column potentials, vectorised over the columns, and gives
the same total cost (test_vision_assignment.py compares them).
"""

import numpy as np


def min_cost_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a pairing with the least total ``cost`` (finite values, any shape):
    ``min(rows, cols)`` pairs, ordered by row, as ``scipy.optimize.linear_sum_assignment``."""
    cost = np.asarray(cost, dtype=float)
    if cost.size == 0:
        return np.zeros(0, int), np.zeros(0, int)
    transposed = cost.shape[0] > cost.shape[1]
    a = cost.T if transposed else cost  # rows <= columns
    n, m = a.shape
    u, v = np.zeros(n + 1), np.zeros(m + 1)  # potentials; index 0 is a virtual row / column
    row_of = np.zeros(m + 1, int)  # row_of[j]: the row (1-based) on column j, 0 = free
    came_from = np.zeros(m + 1, int)  # the column before j on the augmenting path
    for row in range(1, n + 1):
        row_of[0] = row
        column = 0
        min_reduced = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, bool)
        while row_of[column] != 0:  # grow the tree until it reaches a free column
            used[column] = True
            current = row_of[column]
            free = ~used[1:]
            reduced = a[current - 1] - u[current] - v[1:]
            better = free & (reduced < min_reduced[1:])
            min_reduced[1:][better] = reduced[better]
            came_from[1:][better] = column
            candidates = np.where(free, min_reduced[1:], np.inf)
            column = int(np.argmin(candidates)) + 1
            delta = candidates[column - 1]
            u[row_of[used]] += delta
            v[used] -= delta
            min_reduced[1:][free] -= delta
        while column != 0:  # flip the path: every row on it moves to the next column
            previous = came_from[column]
            row_of[column] = row_of[previous]
            column = previous
    columns = np.flatnonzero(row_of[1:])
    rows = row_of[1:][columns] - 1
    if transposed:
        rows, columns = columns, rows
    order = np.argsort(rows)
    return rows[order], columns[order]
