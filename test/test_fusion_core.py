"""Face histories, audio and transcript choice, smoothing: the fusion node's bookkeeping, no ROS."""

import numpy as np
import pytest

from emotion_ros.fusion.face_history import FaceHistories
from emotion_ros.fusion.latest_before import LatestBefore
from emotion_ros.fusion.smoothing import ProbabilitySmoother

MS = 1_000_000


def landmarks(value: float) -> np.ndarray:
    return np.full((478, 3), value, dtype=np.float32)


def test_history_grows_to_its_length_and_keeps_the_newest_last():
    histories = FaceHistories(length=3, max_missed_frames=2)
    for i in range(5):
        out = histories.update(i * 66 * MS, {"f00000": landmarks(i)})
    history = out["f00000"]
    assert history.shape == (3, 478, 3)
    assert [h[0, 0] for h in history] == [2.0, 3.0, 4.0]


def test_history_starts_short_for_a_new_face():
    histories = FaceHistories(length=30, max_missed_frames=2)
    out = histories.update(0, {"a": landmarks(1)})
    assert out["a"].shape == (1, 478, 3)


def test_faces_that_left_are_dropped_after_max_missed_frames():
    histories = FaceHistories(length=5, max_missed_frames=2)
    histories.update(1, {"a": landmarks(0), "b": landmarks(0)})
    histories.update(2, {"a": landmarks(0)})
    histories.update(3, {"a": landmarks(0)})
    assert histories.face_ids() == ["a", "b"]  # b missed 2 frames: still kept
    histories.update(4, {"a": landmarks(0)})
    assert histories.face_ids() == ["a"]
    # b coming back starts a fresh history
    assert histories.update(5, {"b": landmarks(1)})["b"].shape == (1, 478, 3)


def test_a_carried_face_keeps_its_history_and_is_not_dropped():
    histories = FaceHistories(length=5, max_missed_frames=1)
    histories.update(1, {"a": landmarks(1), "b": landmarks(1)})
    for stamp in (2, 3, 4):  # the mesh budget meshed b, carried a forward from frame 1
        out = histories.update(stamp, {"a": landmarks(1), "b": landmarks(stamp)}, carried={"a"})
    assert [h[0, 0] for h in out["a"]] == [1.0], "a copy of the last mesh adds nothing"
    assert [h[0, 0] for h in out["b"]] == [1.0, 2.0, 3.0, 4.0]
    assert histories.face_ids() == ["a", "b"], "carried is present, not missed"
    # a face carried from its first frame on (its mesh came before the fusion node started)
    assert histories.update(5, {"c": landmarks(7)}, carried={"c"})["c"].shape == (1, 478, 3)


def test_stamp_going_backwards_clears_histories():
    histories = FaceHistories(length=5, max_missed_frames=2)
    histories.update(10, {"a": landmarks(0)})
    histories.update(20, {"a": landmarks(0)})
    assert histories.update(5, {"a": landmarks(1)})["a"].shape == (1, 478, 3)


def test_selector_picks_the_window_ending_at_or_just_before_the_frame():
    selector = LatestBefore[str](max_age_s=1.0)
    for end_ms in (500, 1000, 1500, 2000):
        selector.add(end_ms * MS, f"w{end_ms}")
    assert selector.select(1000 * MS).payload == "w1000"  # ends exactly at the frame
    assert selector.select(1499 * MS).payload == "w1000"  # never a window from after the frame
    assert selector.select(2600 * MS).payload == "w2000"
    assert selector.select(400 * MS) is None  # nothing ends before the frame


def test_selector_reports_missing_audio_when_the_latest_window_is_too_old():
    selector = LatestBefore[str](max_age_s=0.75)
    selector.add(1000 * MS, "old")
    assert selector.select(1700 * MS) is not None
    assert selector.select(1800 * MS) is None


def test_selector_restarts_when_window_stamps_go_backwards():
    selector = LatestBefore[str](max_age_s=1.0)
    selector.add(5000 * MS, "late")
    selector.add(1000 * MS, "restart")
    assert len(selector) == 1
    assert selector.select(1200 * MS).payload == "restart"


@pytest.mark.parametrize("method", ["ema", "hmm"])
def test_smoothing_damps_a_single_frame_flip_but_follows_a_lasting_change(method):
    smoother = ProbabilitySmoother(method, num_classes=3, alpha=0.3, stay=0.9)
    happy, sad = np.array([0.8, 0.1, 0.1]), np.array([0.1, 0.8, 0.1])
    for _ in range(5):
        smoother.update("a", happy)
    flipped = smoother.update("a", sad)
    assert flipped.argmax() == 0, "one contrary frame should not flip the label"
    for _ in range(10):
        out = smoother.update("a", sad)
    assert out.argmax() == 1
    assert out.sum() == pytest.approx(1.0)


def test_no_smoothing_passes_through_and_faces_are_independent():
    smoother = ProbabilitySmoother("none", num_classes=2)
    smoother.update("a", np.array([0.9, 0.1]))
    np.testing.assert_allclose(smoother.update("b", np.array([0.2, 0.8])), [0.2, 0.8])
    smoother.forget({"b"})
    ema = ProbabilitySmoother("ema", num_classes=2, alpha=0.5)
    ema.update("a", np.array([1.0, 0.0]))
    ema.forget(set())
    np.testing.assert_allclose(ema.update("a", np.array([0.0, 1.0])), [0.0, 1.0])


def test_bad_smoothing_settings_are_rejected():
    with pytest.raises(ValueError, match="unknown smoothing"):
        ProbabilitySmoother("kalman", 6)
