"""Evaluation through the real graph: replay the bag into face, audio and fusion nodes (separate
processes) and collect the EmotionStamped messages they publish.

Latency here is what a robot sees: from the moment a frame is published to the moment its
emotions arrive, measured on one clock in this process.
"""

import time
from pathlib import Path
from typing import Any

from emotion_ros.evaluation.bag_contents import BagSummary
from emotion_ros.evaluation.records import EmotionRecord
from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import GraphSpec
from emotion_ros.graph.topic_collector import TopicCollector
from emotion_ros.ros.bag_replayer import replay
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns


def evaluate_live(
    path: Path,
    summary: BagSummary,
    graph: GraphSpec,
    overrides: dict[str, dict[str, Any]],
    rate: float = 1.0,
    log_dir: Path | None = None,
) -> tuple[list[EmotionRecord], list[str]]:
    """Replay the bag through ``graph`` with ``overrides``; return records and replay warnings."""
    from emotion_ros.msg import EmotionStamped

    published_ns: dict[int, int] = {}
    frames = iter(summary.frame_stamps)

    def on_message(topic: str, _bag_ns: int) -> None:
        if topic == summary.image_topic:
            published_ns[next(frames)] = time.time_ns()

    with TopicCollector() as io:
        emotions = io.subscribe(EmotionStamped, "emotion", 500)
        with GraphRunner(graph, overrides, log_dir=log_dir) as runner:
            topics = [t for t in (summary.image_topic, summary.audio_topic) if t]
            result = replay(io.node, path, topics, rate, on_message=on_message)
            time.sleep(1.5)  # the last frames are still in the pipeline
            runner.check_running()
    records = []
    for msg, received in zip(emotions.messages, emotions.receive_ns, strict=True):
        frame = stamp_to_ns(msg.header.stamp)
        published = published_ns.get(frame)
        latency = float("nan") if published is None else (received - published) / NS_PER_S
        records.append(
            EmotionRecord(frame - summary.start_ns, msg.face_id, msg.label, msg.confidence, latency)
        )
    return records, result.warnings
