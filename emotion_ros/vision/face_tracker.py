"""Gives every followed face a stable id and a mesh slot across frames (plain Python, no ROS).

The face path meshes each face with its own mesh on a crop around where it was
(vision/multi_face_mesh.py), so between detections a face keeps its track by construction. The
tracker decides what each detection is: detections are matched to tracks with the Hungarian
algorithm on a cost that combines the distance between box centres (in face sizes) and the change
of scale. A detection matched to a followed face changes nothing (the mesh box is more precise);
one matched to a lost face (its mesh found nothing lately) moves that face's crop there, so the
person keeps the id; one that matches nothing and lies outside every followed face starts a new
track when a mesh slot is free (the largest faces first, the nearest people).

A track is *confirmed* (published) after ``min_hits`` frames, which filters one-frame false
detections, and survives ``max_misses`` frames without a mesh, so a blink of the mesh, or a
person walking behind another, does not give the same person a new id. While lost, a face is
expected to go on as it moved (its box moves by its last velocity each frame), which is where
its crop and the detector's matching look for it. A face that was not meshed in a frame at all
(the per-frame budget of vision/refresh_schedule.py gave its turn to another face) is *carried*:
neither found nor missed, its box moves on by its velocity in the same way, and the velocity is
measured over the frames between two meshes.

When most of one mesh box lies inside another, the two are one face: two meshes on the same face
(a lost face's crop holding the face in front of it), or a part of a large face that a detector
window saw as a small one (a 150 px "face" around an eye of a 400 px face). A new track loses to
an old one, then a box less than half the other's size (the part), then the track whose box
moved more (the one that jumped); the loser counts the frame as a miss.
"""

import itertools
import uuid
from dataclasses import dataclass, field

import numpy as np

from emotion_ros.vision.assignment import min_cost_assignment
from emotion_ros.vision.boxes import Box, centre_and_size, contains_centre, covered, match_cost

DUPLICATE_COVER = 0.5  # share of the smaller mesh box inside another above which both are one face
PART_OF_FACE = 0.5  # a box whose side is less than this of the other one is a part of it
VELOCITY_SMOOTHING = 0.5  # weight of the newest frame's motion in the velocity


@dataclass
class Track:
    """A followed face: its id, creation order, mesh slot, last box, motion and hit history."""

    serial: int  # creation order: the deterministic order of a frame's faces
    slot: int  # which of the tracker's ``slots`` meshes follows this face
    roi: Box  # the last mesh box, or where the face is expected while lost
    hits: int = 0
    misses: int = 0
    velocity: tuple[float, float] = (0.0, 0.0)  # box centre, pixels per frame
    recent: list[bool] = field(default_factory=list)
    face_id: str = ""  # given when its mesh first finds the face: a false detection gets none
    measured_roi: Box | None = None  # the box of its last mesh (roi moves on while carried)
    carried: int = 0  # frames since its last mesh in which it was not meshed

    @property
    def presence(self) -> float:
        """Fraction of the recent frames (up to 10) in which the face was found."""
        return sum(self.recent) / len(self.recent) if self.recent else 0.0


@dataclass(frozen=True)
class TrackerSettings:
    """The face node's tracker parameters (config/face_node.yaml documents them)."""

    tracker_min_hits: int
    tracker_max_misses: int
    tracker_max_cost: float
    deterministic_ids: bool


class FaceTracker:
    """Tracks up to ``slots`` faces. Per frame: ``add_detections`` when the detector ran, then
    ``update`` with each track's mesh box, which returns the confirmed faces."""

    def __init__(self, settings: TrackerSettings, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"the tracker needs at least one slot, got {slots}")
        self.settings = settings
        self.slots = slots
        self._tracks: list[Track] = []
        self._ids = itertools.count()
        self._serials = itertools.count()

    def _new_id(self) -> str:
        if self.settings.deterministic_ids:
            return f"f{next(self._ids):05d}"
        return uuid.uuid4().hex[:8]

    @property
    def tracks(self) -> list[Track]:
        """The current tracks, confirmed or not, oldest first."""
        return list(self._tracks)

    def add_detections(self, boxes: list[Box]) -> None:
        """Match the detector's boxes to the tracks: lost tracks that match a box move to it;
        boxes of no known face start tracks in the free slots, the largest boxes first, with
        ids given left to right."""
        matched: set[int] = set()
        if self._tracks and boxes:
            cost = np.array([[match_cost(t.roi, b) for b in boxes] for t in self._tracks])
            for ti, bi in zip(*min_cost_assignment(cost), strict=True):
                if cost[ti, bi] <= self.settings.tracker_max_cost:
                    matched.add(int(bi))
                    if self._tracks[ti].misses > 0:
                        self._tracks[ti].roi = boxes[bi]
        followed = [t.roi for t in self._tracks if t.misses == 0]
        unknown = [
            box
            for i, box in enumerate(boxes)
            if i not in matched and not any(contains_centre(roi, box) for roi in followed)
        ]
        free = sorted(set(range(self.slots)) - {t.slot for t in self._tracks})
        largest = sorted(unknown, key=lambda b: (-b[2] * b[3], b[0], b[1]))[: len(free)]
        for slot, box in zip(free, sorted(largest, key=lambda b: (b[0], b[1])), strict=False):
            self._tracks.append(Track(next(self._serials), slot, box))

    def update(self, found: dict[int, Box | None]) -> list[Track]:
        """Record each track's mesh box of this frame (``found[serial]``; None: its mesh found
        no face; absent: it was not meshed, it is carried); return the confirmed tracks of this
        frame, found or carried, oldest first."""
        meshed = {t.serial: found[t.serial] for t in self._tracks if t.serial in found}
        for serial in self._duplicates(meshed):
            meshed[serial] = None
        for track in self._tracks:
            if track.serial in meshed:
                self._observe(track, meshed[track.serial])
            else:
                self._carry(track)
        self._tracks = [
            t
            for t in self._tracks
            # a new track whose first mesh found nothing was a false detection
            if t.hits > 0 and t.misses <= self.settings.tracker_max_misses
        ]
        return [
            t for t in self._tracks if t.misses == 0 and t.hits >= self.settings.tracker_min_hits
        ]

    def _duplicates(self, found: dict[int, Box | None]) -> set[int]:
        """The tracks whose box is on another track's face and that lose it to that track."""
        by_serial = {t.serial: t for t in self._tracks}
        losers: set[int] = set()
        seen = [s for s, box in found.items() if box is not None]
        for a, b in itertools.combinations(seen, 2):
            if a in losers or b in losers or covered(found[a], found[b]) < DUPLICATE_COVER:
                continue
            size = {s: centre_and_size(found[s])[1] for s in (a, b)}
            # the larger claim loses: new, a part of the other face, moved more, younger
            claims = {
                s: (
                    by_serial[s].hits == 0,
                    size[s] < PART_OF_FACE * size[other],
                    match_cost(by_serial[s].roi, found[s]),
                    s,
                )
                for s, other in ((a, b), (b, a))
            }
            losers.add(max(claims, key=claims.__getitem__))
        return losers

    def _observe(self, track: Track, roi: Box | None) -> None:
        if roi is None:
            track.misses += 1
            self._move_on(track)
        else:
            if track.hits > 0 and track.misses == 0 and track.measured_roi is not None:
                frames = track.carried + 1
                step = (centre_and_size(roi)[0] - centre_and_size(track.measured_roi)[0]) / frames
                velocity = VELOCITY_SMOOTHING * step + (1 - VELOCITY_SMOOTHING) * np.array(
                    track.velocity
                )
                track.velocity = (float(velocity[0]), float(velocity[1]))
            track.roi, track.hits, track.misses = roi, track.hits + 1, 0
            track.measured_roi, track.carried = roi, 0
            if not track.face_id:
                track.face_id = self._new_id()
        track.recent = [*track.recent[-9:], roi is not None]

    def _carry(self, track: Track) -> None:
        track.carried += 1
        self._move_on(track)

    @staticmethod
    def _move_on(track: Track) -> None:
        """The face is not seen in this frame: it is expected to go on as it moved."""
        x, y, w, h = track.roi
        track.roi = (round(x + track.velocity[0]), round(y + track.velocity[1]), w, h)

    def reset(self) -> None:
        """Forget every track (ids keep counting up, so an id is never reused)."""
        self._tracks = []
