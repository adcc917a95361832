"""The speech node as a process, fed by a foreign publisher: 44.1 kHz stereo, a bad chunk."""

import time

import numpy as np
import pytest

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

from synthetic_speech import speak

pytestmark = pytest.mark.process

RATE = 44_100
CHUNK = 4410  # 0.1 s


def speech_statuses(arrays: list) -> list[dict[str, str]]:
    return [
        {kv.key: kv.value for kv in s.values}
        for d in arrays
        for s in d.status
        if "speech_node" in s.name
    ]


def test_a_sentence_becomes_one_stamped_transcript(ros_node_process, ros_listener):
    import soxr
    from audio_common_msgs.msg import AudioData, AudioDataStamped, AudioInfo
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.qos import DurabilityPolicy, QoSProfile

    from emotion_ros.msg import Transcript

    sentence = speak("What a lovely day, I am so glad to see you!", 50, 150, 110, "en-us+f2")
    silence = np.zeros(16_000, np.float32)
    mono = soxr.resample(np.concatenate([silence, sentence, silence, silence]), 16_000, RATE)
    stereo = np.repeat(mono[:, None], 2, axis=1)
    transcripts = ros_listener.subscribe(Transcript, "speech/transcript", 10)
    diagnostics = ros_listener.subscribe(DiagnosticArray, "/diagnostics", 50)
    node = ros_node_process("speech_node", params={"reliability": "reliable"})
    latched = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)
    info = ros_listener.publisher(AudioInfo, "audio_info", latched)
    audio = ros_listener.publisher(AudioDataStamped, "audio_stamped")
    info.publish(AudioInfo(channels=2, sample_rate=RATE, sample_format="S16LE"))
    assert ros_listener.wait_for_subscribers(audio, timeout_s=30), node.read_log()
    time.sleep(0.5)  # the latched AudioInfo is delivered on its own topic
    start = time.time_ns()
    for k in range(0, len(stereo), CHUNK):  # in real time, as a microphone driver publishes
        stamp = start + k * NS_PER_S // RATE
        time.sleep(max(0.0, (stamp - time.time_ns()) / NS_PER_S))
        msg = AudioDataStamped()
        msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(stamp, NS_PER_S)
        msg.header.frame_id = "head_microphone"
        msg.audio = AudioData(data=list(encode_s16le(stereo[k : k + CHUNK].ravel())))
        audio.publish(msg)
        if k == 5 * CHUNK:  # three bytes: not a whole stereo S16 frame
            msg.audio = AudioData(data=[1, 2, 3])
            audio.publish(msg)
    assert transcripts.wait_for(1, timeout_s=60), node.read_log()
    [said] = transcripts.messages
    sentence_start = start + NS_PER_S  # a second of silence before it
    sentence_end = sentence_start + len(sentence) * NS_PER_S // 16_000
    assert (
        sentence_start - NS_PER_S // 2
        < stamp_to_ns(said.start_stamp)
        < sentence_start + NS_PER_S // 2
    )
    assert sentence_start < stamp_to_ns(said.header.stamp) <= sentence_end + NS_PER_S // 2
    assert said.header.frame_id == "head_microphone"
    assert said.backend == "pocketsphinx" and said.text and 0 < said.confidence <= 1
    assert list(said.class_names) == list(CLASS_NAMES)
    assert sum(said.probabilities) == pytest.approx(1.0, abs=1e-4)
    # latency: from the utterance's end (its stamp, on the publisher's clock) to publication
    latency_ns = said.latency.sec * NS_PER_S + said.latency.nanosec
    received_ns = transcripts.receive_ns[0]
    assert 0 < latency_ns <= received_ns - stamp_to_ns(said.header.stamp)
    assert diagnostics.wait_until(
        lambda arrays: any(s["utterances transcribed"] == "1" for s in speech_statuses(arrays)),
        timeout_s=10,
    )
    status = speech_statuses(list(diagnostics.messages))[-1]
    assert status["refused: chunk_length"] == "1"
    assert node.is_running()
    assert "audio chunk dropped" in node.read_log()


def test_a_backend_that_is_not_installed_stops_the_node_with_one_line(ros_node_process):
    node = ros_node_process("speech_node", params={"backend": "vosk", "model_dir": "/nonexistent"})
    deadline = time.monotonic() + 60
    while node.is_running() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = node.read_log()
    assert not node.is_running(), log
    assert "cannot start: backend vosk needs" in log, log
    assert "Traceback" not in log
