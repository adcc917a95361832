"""Evaluation without ROS: the bag's frames and audio through the same core as the nodes.

``OfflineGraph`` runs the face, audio, speech and fusion nodes' work in this process, built from
the same parameters as the graph run (``run_parameters``), so the difference to the graph's
results is what ROS adds.
"""

import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotion_ros.bags.bag_reader import messages
from emotion_ros.evaluation.bag_contents import BagSummary
from emotion_ros.evaluation.offline_graph import OfflineGraph, Parameters
from emotion_ros.evaluation.records import EmotionRecord
from emotion_ros.fusion.frame_fusion import FusedEmotion
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.validation.invalid_input import InvalidInput
from emotion_ros.vision.frame_processor import TrackedFace
from emotion_ros.vision.image_conversion import ImageConversionError, message_to_bgr


@dataclass(frozen=True)
class OfflineFrame:
    """One camera frame of a bag and what the offline graph made of it."""

    stamp_ns: int
    image: np.ndarray
    faces: list[TrackedFace]
    emotions: list[FusedEmotion]
    class_names: tuple[str, ...]  # the models' classes, the order of each emotion's probabilities
    seconds: float  # processing time of the frame


def bag_frames(path: Path, summary: BagSummary, parameters: Parameters) -> Iterator[OfflineFrame]:
    """Every readable camera frame of the bag, through the offline graph (audio in stamp order)."""
    graph = OfflineGraph(parameters)
    topics = [t for t in (summary.image_topic, summary.audio_topic) if t]
    try:
        for topic, _, msg in messages(path, topics):
            if topic == summary.audio_topic:
                with suppress(InvalidInput):  # a bad chunk is skipped, as the audio node skips it
                    graph.add_audio(bytes(msg.audio.data), stamp_to_ns(msg.header.stamp))
                continue
            started = time.perf_counter()
            try:
                image = message_to_bgr(msg, graph.max_image_pixels)
            except ImageConversionError:
                continue
            frame_ns = stamp_to_ns(msg.header.stamp)
            faces, emotions = graph.process(image, frame_ns)
            yield OfflineFrame(
                frame_ns, image, faces, emotions, graph.fusion.pipeline.class_names,
                time.perf_counter() - started,
            )  # fmt: skip
    finally:
        graph.close()


def evaluate_offline(
    path: Path, summary: BagSummary, parameters: Parameters
) -> list[EmotionRecord]:
    """Run the bag through the models in one process; return one record per face per frame.

    ``parameters``: each node's parameters (``run_parameters.node_parameters``).
    """
    return [
        EmotionRecord(frame.stamp_ns - summary.start_ns, e.face_id, e.label, e.confidence,
                      frame.seconds)
        for frame in bag_frames(path, summary, parameters)
        for e in frame.emotions
    ]  # fmt: skip


def frame_times(summary: BagSummary) -> np.ndarray:
    """Frame stamps relative to the bag start, ns."""
    return np.asarray(summary.frame_stamps, dtype=np.int64) - summary.start_ns
