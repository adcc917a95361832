"""Each node as a process, fed every kind of bad input by a foreign process (test/bad_inputs.py):
each kind gets its own log line and /diagnostics counter, and the good messages that follow are
all answered, by a node that is still running."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emotion_ros.graph.node_process import child_environment
from emotion_ros.ros.dds_profile import LEGACY_PROFILE_VARIABLE, PROFILE_VARIABLE
from emotion_ros.timestamps import stamp_to_ns

pytestmark = pytest.mark.process

HERE = Path(__file__).resolve().parent


def send_from_a_foreign_process(catalogue: str) -> dict:
    """Run bad_inputs.py as a camera driver would run: its own process, no project DDS profile."""
    env = child_environment()
    for variable in (PROFILE_VARIABLE, LEGACY_PROFILE_VARIABLE):
        env.pop(variable, None)
    done = subprocess.run(
        [sys.executable, str(HERE / "bad_inputs.py"), catalogue],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_for_match(listener, topic: str, timeout_s: float = 30.0) -> bool:
    """Wait until the listener has discovered a publisher on ``topic``, and a moment more for
    the publisher's side of the match (a volatile message sent before it is lost)."""
    found = listener.wait_for_publishers({topic}, timeout_s)
    time.sleep(1.0)
    return found


def refused_counts(arrays: list, node_name: str) -> dict[str, int]:
    """The ``refused: <kind>`` counters of the node's newest /diagnostics status."""
    statuses = [s for a in arrays for s in a.status if s.name.startswith(f"{node_name}:")]
    if not statuses:
        return {}
    values = {kv.key: kv.value for kv in statuses[-1].values}
    return {
        k.removeprefix("refused: "): int(v) for k, v in values.items() if k.startswith("refused: ")
    }


def check_every_kind_was_counted_and_logged(diagnostics, node, name: str, refused: dict) -> None:
    assert diagnostics.wait_until(lambda d: refused_counts(d, name) == refused, 30), (
        f"counted {refused_counts(list(diagnostics.messages), name)}, sent {refused}\n"
        + node.read_log()[-4000:]
    )
    log = node.read_log()
    for kind in refused:
        assert f"({kind})" in log, f"no log line for {kind}"
    assert node.is_running(), log


def answered_stamps(messages: list) -> set[int]:
    return {stamp_to_ns(m.header.stamp) for m in messages}


@pytest.mark.parametrize(
    ("catalogue", "params"),
    [("face", {}), ("face_compressed", {"use_compressed": True})],
)
def test_the_face_node_refuses_each_kind_of_bad_frame_and_answers_every_good_one(
    ros_node_process, ros_listener, catalogue, params
):
    from diagnostic_msgs.msg import DiagnosticArray

    from emotion_ros.msg import FaceLandmarksArray

    arrays = ros_listener.subscribe(FaceLandmarksArray, "faces/landmarks", 100)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    node = ros_node_process(
        "face_node", params={"deterministic_ids": True, "tracker_min_hits": 1, **params}
    )
    # every bad frame publishes nothing, so the node's first landmarks are the first good frame's:
    # without this wait they could leave before the node has matched this listener, and be lost
    assert wait_for_match(ros_listener, "faces/landmarks"), node.read_log()
    sent = send_from_a_foreign_process(catalogue)
    expected = set(sent["answered"])
    assert arrays.wait_until(lambda m: answered_stamps(m) >= expected, 30), node.read_log()
    assert answered_stamps(arrays.messages) == expected, "every good frame, and no bad one"
    assert sum(bool(a.faces) for a in arrays.messages) >= 3, "the astronaut is found"
    check_every_kind_was_counted_and_logged(diagnostics, node, "face_node", sent["refused"])
    if catalogue == "face":
        assert "face tracks were reset" in node.read_log()  # the frame stamped a second back


def test_the_audio_node_refuses_each_kind_of_bad_audio_and_windows_the_good_audio(
    ros_node_process, ros_listener
):
    from diagnostic_msgs.msg import DiagnosticArray

    from emotion_ros.msg import AudioWindow

    windows = ros_listener.subscribe(AudioWindow, "audio/windows", 100)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    node = ros_node_process("audio_node")
    sent = send_from_a_foreign_process("audio")

    def good_windows(messages: list) -> list:
        return [w for w in messages if stamp_to_ns(w.start_stamp) >= sent["good_from"]]

    assert windows.wait_until(lambda m: len(good_windows(m)) >= 2, 30), node.read_log()
    for window in good_windows(windows.messages):
        assert len(window.samples) == 32_000 and list(window.feature_shape) == [201, 64]
    check_every_kind_was_counted_and_logged(diagnostics, node, "audio_node", sent["refused"])
    log = node.read_log()
    # an error (a new rate) and a warning (a gap) through one throttle killed the node before
    assert "audio buffer reset: sample rate changed" in log and "in the audio stamps" in log
    assert "ValueError" not in log


def test_the_speech_node_refuses_each_kind_of_bad_audio_and_transcribes_the_good_audio(
    ros_node_process, ros_listener
):
    from diagnostic_msgs.msg import DiagnosticArray

    from emotion_ros.msg import Transcript

    transcripts = ros_listener.subscribe(Transcript, "speech/transcript", 10)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    # best_available follows the foreign publisher (reliable), as the audio node's input does
    node = ros_node_process("speech_node", params={"reliability": "best_available"})
    assert wait_for_match(ros_listener, "speech/transcript"), node.read_log()
    sent = send_from_a_foreign_process("speech")

    def good(messages: list) -> list:
        return [t for t in messages if stamp_to_ns(t.start_stamp) >= sent["good_from"]]

    assert transcripts.wait_until(lambda m: len(good(m)) >= 1, 60), node.read_log()
    assert all(t.text for t in good(transcripts.messages))
    check_every_kind_was_counted_and_logged(diagnostics, node, "speech_node", sent["refused"])
    assert "ValueError" not in node.read_log()


def test_the_fusion_node_refuses_each_kind_of_bad_landmarks_audio_transcript_and_answers_the_rest(
    ros_node_process, ros_listener
):
    from diagnostic_msgs.msg import DiagnosticArray

    from emotion_ros.msg import EmotionStamped

    emotions = ros_listener.subscribe(EmotionStamped, "emotion", 200)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    node = ros_node_process("fusion_node", params={"device": "cpu"})
    assert wait_for_match(ros_listener, "emotion"), node.read_log()  # as for the face node
    sent = send_from_a_foreign_process("fusion")
    expected = set(sent["answered"])
    assert emotions.wait_until(lambda m: answered_stamps(m) >= expected, 30), node.read_log()
    assert answered_stamps(emotions.messages) == expected
    good = [m for m in emotions.messages if stamp_to_ns(m.header.stamp) >= sent["good_from"]]
    assert {m.face_id for m in good} == {"f00000", "f00001"}
    assert all("audio" in m.modalities for m in good), "the good window after the bad ones votes"
    assert all("transcript" in m.modalities for m in good), "and the good transcript"
    check_every_kind_was_counted_and_logged(diagnostics, node, "fusion_node", sent["refused"])
