"""The face path's per-frame mesh budget: a group too slow to mesh in every frame is meshed in
turn, and every frame still has every face, with the age of its mesh (no ROS)."""

import time

import numpy as np
import pytest

from emotion_ros.node_config import node_defaults
from emotion_ros.vision import crop_mesh
from emotion_ros.vision.face_tracker import Track
from emotion_ros.vision.frame_processor import FaceFrameProcessor
from emotion_ros.vision.refresh_schedule import RefreshSchedule, RefreshSettings

from package_photos import compose_faces

FRAME_NS = 33_333_333  # 30 fps
FACES = [  # four real faces on a 2x2 grid of a 640x480 frame: (photo, width, centre x, y)
    ("astronaut", 110.0, 160.0, 120.0),
    ("grace_hopper", 110.0, 480.0, 120.0),
    ("grace_hopper", 110.0, 160.0, 360.0),
    ("astronaut", 110.0, 480.0, 360.0),
]


def tracks(count: int) -> list[Track]:
    """``count`` confirmed tracks, the later ones larger."""
    return [
        Track(i, i, (100 * i, 50, 40 + 10 * i, 40 + 10 * i), hits=5, face_id=f"f{i}")
        for i in range(count)
    ]


def test_no_budget_meshes_every_face_and_a_budget_meshes_faces_in_turn_by_age():
    followed = tracks(4)
    everyone = RefreshSchedule(RefreshSettings(mesh_budget_ms=0.0, min_refresh_hz=0.0))
    everyone.record([0], 0, 0.050)  # even a slow mesh: no budget, no choice
    assert everyone.choose(followed, FRAME_NS) == followed

    schedule = RefreshSchedule(RefreshSettings(mesh_budget_ms=12.0, min_refresh_hz=0.0))
    # never meshed: every face needs its first mesh, whatever the budget
    assert schedule.choose(followed, 0) == followed
    schedule.record([t.serial for t in followed], 0, 0.040)  # 10 ms a mesh: one fits
    assert schedule.capacity() == 1
    picked = []
    for frame in range(1, 9):
        [chosen] = schedule.choose(followed, frame * FRAME_NS)
        schedule.record([chosen.serial], frame * FRAME_NS, 0.010)
        picked.append(chosen.serial)
    # the oldest first, the largest first among equally old ones: a round, then again
    assert picked == [3, 2, 1, 0, 3, 2, 1, 0]
    assert schedule.refresh_rate(0, 8 * FRAME_NS) == 3.0  # frames 0, 4 and 8 of the last second


def test_new_and_lost_faces_and_faces_due_for_their_minimum_rate_are_meshed_beyond_budget():
    followed = tracks(4)
    schedule = RefreshSchedule(RefreshSettings(mesh_budget_ms=12.0, min_refresh_hz=10.0))
    schedule.choose(followed, 0)
    schedule.record([t.serial for t in followed], 0, 0.040)
    new = Track(9, 4, (500, 300, 60, 60))
    lost = followed[1]
    lost.misses = 1
    chosen = {t.serial for t in schedule.choose([*followed, new], FRAME_NS)}
    assert {new.serial, lost.serial} <= chosen
    lost.misses = 0
    ages = {t.serial: 0 for t in followed}
    for frame in range(2, 60):
        stamp = frame * FRAME_NS
        chosen = schedule.choose(followed, stamp)
        schedule.record([t.serial for t in chosen], stamp, 0.010 * len(chosen))
        for track in followed:
            ages[track.serial] = schedule.age_ns(track.serial, stamp)
        assert max(ages.values()) <= 100_000_000, "10 Hz: no mesh older than 100 ms"
        assert len(chosen) < len(followed), "the budget still holds most frames"


def test_faces_whose_boxes_touch_are_meshed_together_beyond_budget():
    """Two people crossing: the tracker needs both meshes of the same frame to tell them apart."""
    followed = tracks(4)
    followed[1].roi = (followed[0].roi[0] + 20, 50, 50, 50)  # walked into face 0
    schedule = RefreshSchedule(RefreshSettings(mesh_budget_ms=12.0, min_refresh_hz=0.0))
    schedule.choose(followed, 0)
    schedule.record([t.serial for t in followed], 0, 0.040)  # one mesh fits
    for frame in range(1, 6):
        chosen = {t.serial for t in schedule.choose(followed, frame * FRAME_NS)}
        assert {0, 1} <= chosen, chosen
        schedule.record(sorted(chosen), frame * FRAME_NS, 0.010 * len(chosen))


def test_capacity_leaves_room_for_the_detector_and_reset_forgets_every_face():
    schedule = RefreshSchedule(RefreshSettings(mesh_budget_ms=12.0, min_refresh_hz=10.0))
    schedule.record([0, 1], 0, 0.006)  # 3 ms a mesh
    assert schedule.capacity() == 4
    assert schedule.capacity(extra_ms=6.0) == 2
    schedule.reset()
    assert schedule.age_ns(0, FRAME_NS) == 0 and schedule.refresh_rate(0, FRAME_NS) == 0.0


@pytest.fixture
def slow_meshes(monkeypatch):
    """Every crop mesh takes 15 ms longer (a slow computer); returns the meshes per frame."""
    calls: list[int] = []
    landmarks = crop_mesh.CropMesh.landmarks

    def slow(self, image_bgr, box):
        time.sleep(0.015)
        calls.append(1)
        return landmarks(self, image_bgr, box)

    monkeypatch.setattr(crop_mesh.CropMesh, "landmarks", slow)
    return calls


def play_group(budget_ms: float, frames: int, calls: list[int]) -> list[tuple[int, list, int]]:
    """Four faces walking right 2 px a frame for ``frames`` frames at 30 fps; returns each
    frame's (stamp, faces, meshes run)."""
    parameters = {**node_defaults("face_node"), "deterministic_ids": True, "face_crop_size": 0}
    processor = FaceFrameProcessor.from_parameters({**parameters, "mesh_budget_ms": budget_ms})
    played = []
    try:
        for i in range(frames):
            moved = [(photo, w, x + 2 * i, y) for photo, w, x, y in FACES]
            frame, _ = compose_faces(640, 480, moved)
            before = len(calls)
            faces, _ = processor.process(frame, (i + 1) * FRAME_NS)
            played.append(((i + 1) * FRAME_NS, faces, len(calls) - before))
    finally:
        processor.close()
    return played


def test_a_slow_group_is_meshed_in_turn_and_every_frame_has_every_face_with_its_age(slow_meshes):
    played = play_group(budget_ms=12.0, frames=45, calls=slow_meshes)
    settled = [(stamp, faces, meshes) for stamp, faces, meshes in played if len(faces) == 4]
    first = next(i for i, (_, faces, _) in enumerate(played) if len(faces) == 4)
    assert first < 10, "the group is found in the first frames"
    assert len(settled) == len(played) - first, "once found, every frame has all four faces"
    refreshed = {f.face_id: [] for f in settled[0][1]}
    carried = 0
    for stamp, faces, meshes in settled:
        for face in faces:
            age_ns = stamp - face.mesh_stamp_ns
            assert 0 <= age_ns <= 100_000_000, "every face meshed at least 10 times a second"
            if age_ns == 0:
                refreshed[face.face_id].append(stamp)
            else:
                carried += 1
                # carried forward as its box moved: still on the walking face (2 px a frame)
                frame_index = round(stamp / FRAME_NS) - 1
                centres = [x + 2 * frame_index for _, _, x, _ in FACES]
                x = float(face.face.landmarks[:, 0].mean())
                assert min(abs(x - c) for c in centres) < 0.15 * 110
        assert sum(1 for f in faces if f.mesh_stamp_ns == stamp) <= meshes
    assert carried > len(settled), "the budget carried faces forward in most frames"
    span_s = (settled[-1][0] - settled[0][0]) / 1e9
    for face_id, stamps in refreshed.items():
        assert len(stamps) / span_s >= 9.0, (face_id, len(stamps), span_s)


def test_without_a_budget_every_face_is_meshed_in_every_frame(slow_meshes):
    played = play_group(budget_ms=0.0, frames=12, calls=slow_meshes)
    settled = [(stamp, faces) for stamp, faces, _ in played if len(faces) == 4]
    assert settled
    assert all(f.mesh_stamp_ns == stamp for stamp, faces in settled for f in faces)
    assert np.all([meshes >= 4 for _, faces, meshes in played if len(faces) == 4])
