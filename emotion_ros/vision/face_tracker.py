"""Gives every face a stable id across frames (plain Python, no ROS).

Detections are matched to tracks with the Hungarian algorithm on a cost that combines the distance
between box centres (in units of the face's size) and the change of scale, so two faces crossing
each other keep their ids. A track is *confirmed* (published) after ``min_hits`` frames, which
filters one-frame false detections, and survives ``max_misses`` frames without a detection, so a
blink of the detector does not give the same person a new id.
"""

import itertools
import uuid
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass
class Track:
    """A followed face: its id, last box and hit history."""

    face_id: str
    roi: Box
    hits: int = 1
    misses: int = 0
    recent: list[bool] = field(default_factory=lambda: [True])

    @property
    def presence(self) -> float:
        """Fraction of the recent frames (up to 10) in which the face was detected."""
        return sum(self.recent) / len(self.recent)


def _centre_and_size(roi: Box) -> tuple[np.ndarray, float]:
    x, y, w, h = roi
    return np.array([x + w / 2.0, y + h / 2.0]), max(float(max(w, h)), 1.0)


def match_cost(track_roi: Box, detection_roi: Box) -> float:
    """Centre distance in face sizes plus the absolute log scale change."""
    c1, s1 = _centre_and_size(track_roi)
    c2, s2 = _centre_and_size(detection_roi)
    return float(np.linalg.norm(c1 - c2) / max(s1, s2) + abs(np.log(s2 / s1)))


@dataclass(frozen=True)
class TrackerSettings:
    """The face node's tracker parameters (config/face_node.yaml documents them)."""

    tracker_min_hits: int
    tracker_max_misses: int
    tracker_max_cost: float
    deterministic_ids: bool


class FaceTracker:
    """Assigns ids to each frame's detections; ``update`` returns (detection index, track) pairs."""

    def __init__(self, settings: TrackerSettings) -> None:
        self.settings = settings
        self._tracks: list[Track] = []
        self._counter = itertools.count()

    def _new_id(self) -> str:
        if self.settings.deterministic_ids:
            return f"f{next(self._counter):05d}"
        return uuid.uuid4().hex[:8]

    def update(self, rois: list[Box]) -> list[tuple[int, Track]]:
        """Match this frame's boxes to tracks; return the confirmed ones as (index, track)."""
        matched: dict[int, Track] = {}
        unmatched_tracks = set(range(len(self._tracks)))
        if self._tracks and rois:
            cost = np.array([[match_cost(t.roi, r) for r in rois] for t in self._tracks])
            for ti, di in zip(*linear_sum_assignment(cost), strict=True):
                if cost[ti, di] <= self.settings.tracker_max_cost:
                    track = self._tracks[ti]
                    track.roi, track.hits, track.misses = rois[di], track.hits + 1, 0
                    track.recent = [*track.recent[-9:], True]
                    matched[di] = track
                    unmatched_tracks.discard(ti)
        for ti in unmatched_tracks:
            track = self._tracks[ti]
            track.misses += 1
            track.recent = [*track.recent[-9:], False]
        self._tracks = [t for t in self._tracks if t.misses <= self.settings.tracker_max_misses]
        for di, roi in enumerate(rois):
            if di not in matched:
                track = Track(self._new_id(), roi)
                self._tracks.append(track)
                matched[di] = track
        return sorted(
            ((di, t) for di, t in matched.items() if t.hits >= self.settings.tracker_min_hits),
            key=lambda pair: pair[1].face_id,
        )

    def reset(self) -> None:
        """Forget every track (ids keep counting up, so an id is never reused)."""
        self._tracks = []

    @property
    def tracks(self) -> list[Track]:
        """The current tracks, confirmed or not."""
        return list(self._tracks)
