"""The whole graph on the bundled input, as separate processes on the CPU (what `make demo` runs).

The launch_testing twin of this test (test_launch_default_input.py) runs the same graph through
``ros2 launch`` where launch_testing is installed.
"""

import dataclasses
import time

import pytest

from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

pytestmark = [pytest.mark.process, pytest.mark.whole_graph]

# The shipped QoS (best_available into the face node: reliable, as camera_source publishes) over
# the shipped Fast DDS profile: frames must not be lost in transport either. The clip plays once:
# a loop would bring the astronaut back as a new face (rightly, with a new id).
OVERRIDES = {
    "camera_source": {"loop": False, "wait_for_subscribers": 2},  # the face node and this test
}


def run_graph(graph, listener, seconds: float, tmp_path):
    from sensor_msgs.msg import Image

    from emotion_ros.msg import EmotionStamped, EmotionStampedArray, Transcript

    images = listener.subscribe(Image, "image_raw", 50)
    arrays = listener.subscribe(EmotionStampedArray, "emotion/array", 50)
    emotions = listener.subscribe(EmotionStamped, "emotion", 200)
    transcripts = listener.subscribe(Transcript, "speech/transcript", 10)
    with GraphRunner(graph, OVERRIDES, log_dir=tmp_path) as runner:
        assert arrays.wait_for(1, timeout_s=60), [p.read_log() for p in runner.processes]
        time.sleep(seconds)
        runner.check_running()
    return images, arrays, emotions, transcripts


def test_default_input_gives_an_emotion_per_face_per_frame(ros_listener, tmp_path):
    images, arrays, emotions, transcripts = run_graph(
        load_graph("default_input"), ros_listener, 8.0, tmp_path
    )
    image_stamps = [stamp_to_ns(m.header.stamp) for m in images.messages]
    array_stamps = [stamp_to_ns(m.header.stamp) for m in arrays.messages]
    # The sources start once the face and fusion nodes are active, so every frame of the clip has
    # exactly one array, in order. Only the first half second is left out: the camera starts when
    # its publisher has matched the subscribers, and a subscriber whose own side of the match
    # completes a moment later misses those frames (volatile: DDS does not resend them).
    answered = [s for s in image_stamps if image_stamps[0] + NS_PER_S // 2 <= s <= array_stamps[-1]]
    assert len(answered) >= 60
    assert array_stamps == sorted(set(array_stamps)), "one array per frame, in stamp order"
    missing = sorted(set(answered) - set(array_stamps))
    assert not missing, f"frames dropped at {[(s - image_stamps[0]) / NS_PER_S for s in missing]} s"
    # one EmotionStamped per face per frame, stamped like its frame, with stable ids
    per_frame: dict[int, list[str]] = {}
    for msg in emotions.messages:
        per_frame.setdefault(stamp_to_ns(msg.header.stamp), []).append(msg.face_id)
    for array in arrays.messages[:-2]:  # the newest may still be on the way
        expected = sorted(e.face_id for e in array.emotions)
        assert sorted(per_frame.get(stamp_to_ns(array.header.stamp), [])) == expected
    face_ids = {e.face_id for e in emotions.messages}
    assert face_ids <= {"f00000", "f00001"} and "f00000" in face_ids, face_ids
    for msg in emotions.messages:
        assert msg.label in msg.class_names
        assert sum(msg.probabilities) == pytest.approx(1.0, abs=1e-3)
        assert msg.latency.sec >= 0
    # audio: missing for the first two seconds (no full window yet), then part of the estimate
    with_audio = [m for m in emotions.messages if not m.audio_missing]
    assert with_audio and all("audio" in m.modalities for m in with_audio)
    # the words (espeak-ng sentences): a transcript per utterance, stamped with its end, and the
    # frames of the seconds after it list the transcript modality
    assert transcripts.messages, "the speech node transcribed nothing"
    ends = [stamp_to_ns(t.header.stamp) for t in transcripts.messages]
    assert all(t.text and stamp_to_ns(t.start_stamp) < end for t, end in
               zip(transcripts.messages, ends, strict=True))  # fmt: skip
    with_words = [m for m in emotions.messages if "transcript" in m.modalities]
    assert with_words, "no emotion used a transcript"
    assert all(stamp_to_ns(m.header.stamp) >= min(ends) for m in with_words)


def test_messages_say_when_audio_is_missing(ros_listener, tmp_path):
    graph = load_graph("default_input")
    no_audio = dataclasses.replace(
        graph, nodes=tuple(n for n in graph.nodes if n.executable != "audio_file_source")
    )
    _, _, emotions, _ = run_graph(no_audio, ros_listener, 3.0, tmp_path)
    assert len(emotions.messages) >= 10
    assert all(m.audio_missing and "audio" not in m.modalities for m in emotions.messages)
