"""Which followed faces get a new mesh in this frame, so that every frame is answered in time.

A mesh costs about 4-6 ms a face on a CPU core, so a group at 30 fps does not fit the frame time
on a small computer: meshing every face of every frame made the face node fall behind the camera
and drop whole frames, for everybody. Here a frame meshes only as many faces as fit the
``mesh_budget_ms`` per frame, at the cost per mesh measured on the last frames; the other faces
are carried forward from their last mesh (moved as their box moves) and say how old their mesh
is. Which faces: first those that need a mesh to exist at all (new faces, faces not yet seen in
the ``tracker_min_hits`` frames that confirm them, and lost ones, which their mesh must find
again), then those that would otherwise get older than
``1 / min_refresh_hz`` by the next frame, and faces whose boxes touch (people crossing, told
apart only by meshes of the same frame) (all whatever the budget), then the rest by age, the
largest (nearest) face first among equally old ones. So faces are refreshed in turn, every face at
least ``min_refresh_hz`` times a second, and one face alone is meshed in every frame.

Plain Python (no ROS, no MediaPipe): the face path (vision/multi_face_mesh.py) asks ``choose``
before meshing and tells ``record`` what it cost.
"""

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from emotion_ros.timestamps import NS_PER_S
from emotion_ros.vision.boxes import overlap
from emotion_ros.vision.face_tracker import Track

COST_SMOOTHING = 0.2  # weight of the newest frame in the cost per mesh
RATE_WINDOW_NS = NS_PER_S  # refresh rates are counted over the last second of stamps


@dataclass(frozen=True)
class RefreshSettings:
    """The face node's per-frame mesh budget (config/face_node.yaml documents it; the node's
    PARAMETERS refuse negative values). Frozen: the node replaces it while the worker reads it."""

    mesh_budget_ms: float  # 0: mesh every face in every frame
    min_refresh_hz: float  # 0: no minimum (the budget alone decides)


class RefreshSchedule:
    """Picks the faces to mesh in each frame and keeps each face's refresh times."""

    def __init__(self, settings: RefreshSettings, min_hits: int = 1) -> None:
        """``min_hits``: the tracker's meshes before a face is confirmed (tracker_min_hits)."""
        self.settings = settings
        self.min_hits = min_hits
        self._cost_ms: float | None = None  # wall time per mesh on the last frames
        # serial -> stamps of its meshes in the last second, the latest last (its age)
        self._refreshes: dict[int, deque[int]] = {}
        self._last_stamp_ns: int | None = None
        self._period_ns = 0  # the camera's frame period, from the stamps

    def capacity(self, extra_ms: float = 0.0) -> int | None:
        """How many meshes fit this frame's budget after ``extra_ms`` of other work (the
        detector); None: no budget, or no cost measured yet."""
        if self.settings.mesh_budget_ms == 0 or self._cost_ms is None:
            return None
        return max(1, int((self.settings.mesh_budget_ms - extra_ms) / self._cost_ms))

    def choose(self, tracks: Sequence[Track], stamp_ns: int, extra_ms: float = 0.0) -> list[Track]:
        """The tracks to mesh in the frame stamped ``stamp_ns``, in the tracks' order."""
        if self._last_stamp_ns is not None and stamp_ns > self._last_stamp_ns:
            self._period_ns = stamp_ns - self._last_stamp_ns
        self._last_stamp_ns = stamp_ns
        capacity = self.capacity(extra_ms)
        if capacity is None or capacity >= len(tracks):
            return list(tracks)
        chosen = {t.serial for t in tracks if self._must(t, stamp_ns)} | _crossing(tracks)
        by_need = sorted(
            (t for t in tracks if t.serial not in chosen),
            key=lambda t: (-self.age_ns(t.serial, stamp_ns), -t.roi[2] * t.roi[3], t.serial),
        )
        chosen.update(t.serial for t in by_need[: max(0, capacity - len(chosen))])
        return [t for t in tracks if t.serial in chosen]

    def _must(self, track: Track, stamp_ns: int) -> bool:
        """New, unconfirmed and lost faces, and faces due for their minimum rate."""
        if track.hits < self.min_hits or track.misses > 0 or track.serial not in self._refreshes:
            return True
        if self.settings.min_refresh_hz == 0:
            return False
        longest_ns = NS_PER_S / self.settings.min_refresh_hz
        return self.age_ns(track.serial, stamp_ns) + self._period_ns > longest_ns

    def age_ns(self, serial: int, stamp_ns: int) -> int:
        """How long ago the face's last mesh was taken (0 for a face never meshed)."""
        times = self._refreshes.get(serial)
        return stamp_ns - times[-1] if times else 0

    def record(self, serials: Sequence[int], stamp_ns: int, wall_s: float) -> None:
        """The faces ``serials`` were meshed in the frame ``stamp_ns`` in ``wall_s`` seconds."""
        if serials:
            cost_ms = wall_s * 1e3 / len(serials)
            self._cost_ms = (
                cost_ms
                if self._cost_ms is None
                else COST_SMOOTHING * cost_ms + (1 - COST_SMOOTHING) * self._cost_ms
            )
        for serial in serials:
            times = self._refreshes.setdefault(serial, deque())
            times.append(stamp_ns)
            while times[0] <= stamp_ns - RATE_WINDOW_NS:
                times.popleft()

    def refresh_rate(self, serial: int, stamp_ns: int) -> float:
        """Meshes per second of the face over the last second of stamps before ``stamp_ns``."""
        times = self._refreshes.get(serial, ())
        return float(sum(1 for t in times if t > stamp_ns - RATE_WINDOW_NS))

    def keep(self, serials: set[int]) -> None:
        """Forget the faces that are no longer followed."""
        for serial in set(self._refreshes) - serials:
            del self._refreshes[serial]

    def reset(self) -> None:
        """A new timeline (the stamps went back): forget every face and the frame period."""
        self._refreshes.clear()
        self._last_stamp_ns = None
        self._period_ns = 0


def _crossing(tracks: Sequence[Track]) -> set[int]:
    """The faces whose boxes touch another's: people crossing. The tracker tells the two apart
    only from meshes of the same frame (a carried box would move on into the other face)."""
    return {
        t.serial
        for a, b in itertools.combinations(tracks, 2)
        if overlap(a.roi, b.roi) > 0
        for t in (a, b)
    }
