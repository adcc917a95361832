"""A labelled item of a dataset: where its data is, its class, and who or what it belongs to."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Sample:
    """``source`` is a file, or an in-memory image for datasets stored in a CSV (FER2013)."""

    source: Path | np.ndarray
    label: int
    group: str  # subject, speaker or video: never split across train and test

    @property
    def name(self) -> str:
        """A short name for logs and caches."""
        return self.source.name if isinstance(self.source, Path) else f"array-{self.group}"
