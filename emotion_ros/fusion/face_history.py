"""Recent landmarks of each tracked face, for the temporal model.

Keyed by the face node's stable face id. A face that has not been seen for ``max_missed_frames``
frames is dropped, so memory stays bounded however many people walk past the robot.

Only measured meshes enter a history: a face the face node carried forward in a frame (its mesh
budget meshed other faces of the group; FaceLandmarks.mesh_stamp is older than the frame) adds
nothing, because a copy of the last mesh would tell the temporal model that the face stood still.
For a group, a history then spans a little more time (every face is meshed at least
``min_refresh_hz`` times a second); for one face, whose mesh is never carried, nothing changes.
"""

from collections import deque
from collections.abc import Collection

import numpy as np


class FaceHistories:
    """The last ``length`` landmark sets (478, 3) of every face seen recently."""

    def __init__(self, length: int, max_missed_frames: int) -> None:
        if length < 1:
            raise ValueError(f"history length must be at least 1, got {length}")
        self.length = length
        self.max_missed_frames = max_missed_frames
        self._frames: dict[str, deque[np.ndarray]] = {}
        self._missed: dict[str, int] = {}
        self._last_stamp_ns: int | None = None
        self.resets = 0  # frames whose stamp was not after the previous one

    def update(
        self,
        stamp_ns: int,
        faces: dict[str, np.ndarray],
        carried: Collection[str] = (),
    ) -> dict[str, np.ndarray]:
        """Add one frame's faces and return each face's history (T_i, 478, 3), most recent last.

        Faces absent from this frame age by one frame and are dropped when too old. A face in
        ``carried`` is present but adds its landmarks only if it has no history yet. A frame whose
        stamp is not after the previous one (a bag restarted, the clock jumped back) clears every
        history, because mixing two timelines would feed the temporal model nonsense.
        """
        if self._last_stamp_ns is not None and stamp_ns <= self._last_stamp_ns:
            self.resets += 1
            self.clear()
        self._last_stamp_ns = stamp_ns
        for face_id in list(self._frames):
            if face_id not in faces:
                self._missed[face_id] += 1
                if self._missed[face_id] > self.max_missed_frames:
                    del self._frames[face_id]
                    del self._missed[face_id]
        histories = {}
        for face_id, landmarks in faces.items():
            frames = self._frames.setdefault(face_id, deque(maxlen=self.length))
            if face_id not in carried or not frames:
                frames.append(landmarks)
            self._missed[face_id] = 0
            histories[face_id] = np.stack(frames)
        return histories

    def clear(self) -> None:
        """Forget every face (and the last stamp)."""
        self._frames.clear()
        self._missed.clear()
        self._last_stamp_ns = None

    def face_ids(self) -> list[str]:
        """Return the ids of the faces that currently have a history."""
        return sorted(self._frames)
