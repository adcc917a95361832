"""The audio file source and the audio node as separate processes, over DDS."""

import numpy as np
import pytest

from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

pytestmark = pytest.mark.process


def test_file_source_and_audio_node_deliver_windows_at_the_hop_rate(ros_node_process, ros_listener):
    from emotion_ros.msg import AudioWindow

    windows = ros_listener.subscribe(AudioWindow, "audio/windows")
    node = ros_node_process("audio_node", params={"reliability": "reliable"})
    source = ros_node_process("audio_file_source")
    assert windows.wait_for(6, timeout_s=30), source.read_log() + node.read_log()
    msgs = windows.messages[:6]
    ends = [stamp_to_ns(m.header.stamp) for m in msgs]
    starts = [stamp_to_ns(m.start_stamp) for m in msgs]
    assert np.diff(ends).tolist() == [NS_PER_S // 2] * 5, "one window every 0.5 s of audio time"
    sample_period = NS_PER_S // 16_000
    for msg, start, end in zip(msgs, starts, ends, strict=True):
        assert abs(end - start - 2 * NS_PER_S) <= sample_period
        assert msg.sample_rate == 16_000
        assert len(msg.samples) == 32_000
        assert msg.feature_type == "log_mel" and list(msg.feature_shape) == [201, 64]
        assert not msg.has_gap
    # the windows arrive in real time: 5 hops of audio take about 2.5 s of wall time
    arrival = np.array(windows.receive_ns[:6]) / NS_PER_S
    assert 1.5 < arrival[-1] - arrival[0] < 6.0
    # speech, not silence
    assert np.abs(np.frombuffer(msgs[-1].samples, dtype=np.float32)).max() > 0.05
