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


def make_tracker(**changes) -> FaceTracker:
    """A tracker with config/face_node.yaml's settings, deterministic ids and ``changes``."""
    changes.setdefault("deterministic_ids", True)
    return FaceTracker(default_settings(TrackerSettings, "face_node", **changes))


def test_tracker_confirms_after_min_hits_and_keeps_ids_through_short_misses():
    tracker = make_tracker(tracker_min_hits=2, tracker_max_misses=2)
    assert tracker.update([(100, 100, 80, 80)]) == []  # seen once: not confirmed yet
    [(index, track)] = tracker.update([(104, 101, 80, 80)])
    assert (index, track.face_id) == (0, "f00000")
    assert tracker.update([]) == []  # a missed frame
    [(_, track)] = tracker.update([(110, 102, 82, 82)])
    assert track.face_id == "f00000"


def test_tracker_drops_a_face_after_max_misses_and_gives_a_new_id():
    tracker = make_tracker(tracker_min_hits=1, tracker_max_misses=1)
    tracker.update([(100, 100, 80, 80)])
    tracker.update([])
    tracker.update([])
    [(_, track)] = tracker.update([(100, 100, 80, 80)])
    assert track.face_id == "f00001"


def test_tracker_keeps_ids_when_two_faces_swap_order_in_the_detection_list():
    tracker = make_tracker(tracker_min_hits=1)
    first = dict(
        (t.face_id, t.roi) for _, t in tracker.update([(50, 50, 80, 80), (400, 60, 90, 90)])
    )
    second = tracker.update([(410, 62, 90, 90), (55, 52, 80, 80)])
    by_id = {t.face_id: i for i, t in second}
    assert by_id == {"f00000": 1, "f00001": 0}
    assert first["f00000"][0] < first["f00001"][0]


def test_random_ids_are_unique():
    tracker = make_tracker(tracker_min_hits=1, deterministic_ids=False)
    ids = [t.face_id for _, t in tracker.update([(0, 0, 50, 50), (300, 0, 50, 50)])]
    assert len(set(ids)) == 2 and all(len(i) == 8 for i in ids)


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
