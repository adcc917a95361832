"""Face tracking and image conversion on plain data (no MediaPipe, no ROS)."""

import numpy as np
import pytest

from emotion_ros.node_config import default_settings
from emotion_ros.vision.face_tracker import FaceTracker, TrackerSettings
from emotion_ros.vision.image_conversion import (
    ImageConversionError,
    ImageFields,
    bgr_to_fields,
    compressed_to_bgr,
    image_to_bgr,
)


def make_tracker(slots: int = 8, **changes) -> FaceTracker:
    """A tracker with config/face_node.yaml's settings, deterministic ids and ``changes``."""
    changes.setdefault("deterministic_ids", True)
    return FaceTracker(default_settings(TrackerSettings, "face_node", **changes), slots)


def step(tracker: FaceTracker, meshes: dict[int, tuple] | None = None, detections=()) -> dict:
    """One frame: the detector's boxes (if any), then each track's mesh box (by slot; a slot
    left out found nothing); returns {face id: box} of the confirmed faces."""
    if detections:
        tracker.add_detections(list(detections))
    by_slot = meshes or {}
    found = {t.serial: by_slot.get(t.slot) for t in tracker.tracks}
    return {t.face_id: t.roi for t in tracker.update(found)}


def test_a_detection_becomes_a_face_after_min_hits_and_keeps_its_id_through_short_misses():
    tracker = make_tracker(tracker_min_hits=2, tracker_max_misses=2)
    assert step(tracker, {0: (100, 100, 80, 80)}, [(98, 102, 84, 84)]) == {}  # seen once
    assert step(tracker, {0: (104, 101, 80, 80)}) == {"f00000": (104, 101, 80, 80)}
    assert step(tracker) == {}  # its mesh found nothing: a missed frame, not published
    assert step(tracker, {0: (110, 102, 82, 82)}) == {"f00000": (110, 102, 82, 82)}


def test_a_detection_whose_mesh_finds_no_face_is_dropped_and_uses_no_id():
    tracker = make_tracker(tracker_min_hits=1)
    assert step(tracker, {}, [(10, 10, 50, 50)]) == {}
    assert tracker.tracks == []
    assert step(tracker, {0: (300, 40, 60, 60)}, [(300, 40, 60, 60)]) == {
        "f00000": (300, 40, 60, 60)
    }


def test_a_face_lost_longer_than_max_misses_gets_a_new_id():
    tracker = make_tracker(tracker_min_hits=1, tracker_max_misses=1)
    step(tracker, {0: (100, 100, 80, 80)}, [(100, 100, 80, 80)])
    step(tracker)
    step(tracker)
    assert tracker.tracks == []
    assert step(tracker, {0: (100, 100, 80, 80)}, [(100, 100, 80, 80)]) == {
        "f00001": (100, 100, 80, 80)
    }


def test_a_lost_face_moves_on_as_it_moved_and_a_detection_there_keeps_its_id():
    tracker = make_tracker(tracker_min_hits=1, tracker_max_misses=10)
    step(tracker, {0: (100, 200, 60, 60)}, [(100, 200, 60, 60)])
    for x in range(110, 160, 10):  # walks right, 10 px a frame
        step(tracker, {0: (x, 200, 60, 60)})
    for _ in range(5):  # hidden behind someone for five frames
        step(tracker)
    [track] = tracker.tracks
    assert track.roi[0] == pytest.approx(150 + 5 * 10, abs=3)  # where it is expected now
    # found again by the detector where it was expected: same id, its mesh is moved there
    assert step(tracker, {0: (201, 201, 60, 60)}, [(202, 200, 62, 62)]) == {
        "f00000": (201, 201, 60, 60)
    }


def test_detections_of_followed_faces_start_nothing_and_new_ones_get_ids_left_to_right():
    tracker = make_tracker(tracker_min_hits=1)
    step(tracker, {0: (300, 100, 80, 90)}, [(300, 100, 80, 80)])
    # the followed face again (a little off), and two new faces given right to left
    step(tracker, {0: (302, 100, 80, 90), 1: (30, 50, 40, 46), 2: (500, 60, 40, 46)},
         [(500, 60, 40, 40), (305, 110, 70, 70), (30, 50, 40, 40)])  # fmt: skip
    faces = tracker.tracks
    assert [(t.face_id, t.slot, t.roi[0]) for t in faces] == [
        ("f00000", 0, 302), ("f00001", 1, 30), ("f00002", 2, 500)
    ]  # fmt: skip


def test_when_slots_run_out_the_largest_new_faces_are_followed():
    tracker = make_tracker(slots=2, tracker_min_hits=1)
    step(tracker, {0: (200, 20, 70, 70), 1: (400, 20, 90, 90)},
         [(20, 20, 40, 40), (200, 20, 70, 70), (400, 20, 90, 90), (600, 20, 30, 30)])  # fmt: skip
    assert sorted(t.roi[0] for t in tracker.tracks) == [200, 400]
    assert {t.slot for t in tracker.tracks} == {0, 1}


def test_two_meshes_on_one_face_the_one_that_jumped_loses_it():
    tracker = make_tracker(tracker_min_hits=1, tracker_max_misses=5)
    step(tracker, {0: (100, 100, 60, 60), 1: (200, 100, 60, 60)},
         [(100, 100, 60, 60), (200, 100, 60, 60)])  # fmt: skip
    # slot 1's mesh jumps onto the face of slot 0 (its own face was hidden)
    faces = step(tracker, {0: (104, 100, 60, 60), 1: (106, 101, 60, 60)})
    assert faces == {"f00000": (104, 100, 60, 60)}
    assert [t.misses for t in tracker.tracks] == [0, 1]  # kept, as a lost face


def test_a_small_box_inside_a_large_face_is_a_part_of_it():
    tracker = make_tracker(tracker_min_hits=1)
    # a window saw an eye of a 400 px face as a face, and its mesh made a small face of it
    faces = step(tracker, {0: (100, 100, 400, 430), 1: (150, 150, 150, 160)},
                 [(100, 100, 400, 400), (150, 150, 150, 150)])  # fmt: skip
    assert faces == {"f00000": (100, 100, 400, 430)}
    assert len(tracker.tracks) == 1
    # a detection whose centre lies inside a followed face starts nothing
    tracker.add_detections([(150, 150, 150, 150)])
    assert len(tracker.tracks) == 1


def test_random_ids_are_unique():
    tracker = make_tracker(tracker_min_hits=1, deterministic_ids=False)
    faces = step(
        tracker, {0: (0, 0, 50, 50), 1: (300, 0, 50, 50)}, [(0, 0, 50, 50), (300, 0, 50, 50)]
    )
    assert len(faces) == 2 and all(len(i) == 8 for i in faces)


def test_a_tracker_needs_a_slot():
    with pytest.raises(ValueError, match="at least one slot"):
        make_tracker(slots=0)


def _image(encoding: str, channels: int, height: int = 4, width: int = 5, pad: int = 0):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 255, (height, width, channels), dtype=np.uint8)
    rows = np.zeros((height, width * channels + pad), np.uint8)
    rows[:, : width * channels] = pixels.reshape(height, -1)
    return pixels, ImageFields(encoding, height, width, width * channels + pad, rows.tobytes())


@pytest.mark.parametrize(
    ("encoding", "channels", "to_bgr"),
    [
        ("bgr8", 3, lambda p: p),
        ("rgb8", 3, lambda p: p[:, :, ::-1]),
        ("bgra8", 4, lambda p: p[:, :, :3]),
        ("rgba8", 4, lambda p: p[:, :, 2::-1]),
        ("mono8", 1, lambda p: np.repeat(p, 3, axis=2)),
    ],
)
@pytest.mark.parametrize("pad", [0, 3])
def test_supported_encodings_convert_to_bgr_honouring_row_padding(encoding, channels, to_bgr, pad):
    pixels, fields = _image(encoding, channels, pad=pad)
    np.testing.assert_array_equal(image_to_bgr(fields), to_bgr(pixels))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (ImageFields("yuv422", 2, 2, 4, bytes(8)), "unsupported encoding"),
        (ImageFields("bgr8", 0, 0, 0, b""), "empty image"),
        (ImageFields("bgr8", 2, 2, 6, bytes(11)), "expected height\\*step"),
        (ImageFields("bgr8", 2, 2, 4, bytes(8)), "smaller than a row"),
        (ImageFields("bgr8", 4320, 7680, 7680 * 3, b""), "exceeds the limit"),
    ],
)
def test_bad_images_are_refused_with_a_reason(fields, reason):
    with pytest.raises(ImageConversionError, match=reason):
        image_to_bgr(fields)


def test_compressed_round_trip_and_garbage():
    import cv2

    frame = np.zeros((48, 64, 3), np.uint8)
    frame[:, 32:] = (0, 0, 255)
    ok, png = cv2.imencode(".png", frame)
    assert ok
    np.testing.assert_array_equal(compressed_to_bgr(png.tobytes()), frame)
    with pytest.raises(ImageConversionError, match="not a JPEG or PNG"):
        compressed_to_bgr(b"not an image")
    with pytest.raises(ImageConversionError, match="cannot decode"):
        compressed_to_bgr(png.tobytes()[:40])  # a header, then nothing
    with pytest.raises(ImageConversionError, match="empty"):
        compressed_to_bgr(b"")


def test_bgr_to_fields_round_trips():
    frame = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    np.testing.assert_array_equal(image_to_bgr(bgr_to_fields(frame)), frame)
