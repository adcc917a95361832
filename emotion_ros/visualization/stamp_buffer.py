"""The last few items of a stream by stamp, to pair messages of one frame from several topics."""

from collections import OrderedDict
from typing import Generic, TypeVar

T = TypeVar("T")


class StampBuffer(Generic[T]):
    """Keeps the newest ``capacity`` items by stamp (ns); older ones fall out."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._items: OrderedDict[int, T] = OrderedDict()

    def add(self, stamp_ns: int, item: T) -> None:
        """Keep ``item`` under ``stamp_ns`` (replacing an item with the same stamp)."""
        self._items[stamp_ns] = item
        self._items.move_to_end(stamp_ns)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def get(self, stamp_ns: int) -> T | None:
        """The item stamped ``stamp_ns``, or None when it is not (or no longer) kept."""
        return self._items.get(stamp_ns)
