"""Evaluation without ROS: the bag's frames and audio through the same core as the nodes.

Same detector, tracker, audio stream, features and FrameFusion as face_node, audio_node and
fusion_node, called directly, so the difference to the graph's results is what ROS adds.
"""

import time
from pathlib import Path

import numpy as np

from emotion_ros.audio.audio_stream import AudioStream
from emotion_ros.audio.features import log_mel
from emotion_ros.evaluation.bag_contents import BagSummary, messages, stamp_ns
from emotion_ros.evaluation.records import EmotionRecord
from emotion_ros.fusion.frame_fusion import FrameFusion
from emotion_ros.models.emotion_pipeline import ROLES, EmotionPipeline, ModelSet
from emotion_ros.vision.face_mesh import FaceMeshDetector
from emotion_ros.vision.face_tracker import FaceTracker
from emotion_ros.vision.frame_processor import FaceFrameProcessor
from emotion_ros.vision.image_conversion import (
    ImageConversionError,
    ImageFields,
    compressed_to_bgr,
    image_to_bgr,
)


def evaluate_offline(path: Path, summary: BagSummary, models_dir: Path) -> list[EmotionRecord]:
    """Run the bag through the models in one process; return one record per face per frame."""
    pipeline = EmotionPipeline(ModelSet.load(models_dir, {r: f"{r}.yaml" for r in ROLES}, "cpu"))
    fusion = FrameFusion(pipeline)
    processor = FaceFrameProcessor(FaceMeshDetector(4), FaceTracker(deterministic_ids=True))
    stream = AudioStream()
    topics = [t for t in (summary.image_topic, summary.audio_topic) if t]
    records = []
    for topic, msgtype, msg in messages(path, topics):
        if topic == summary.audio_topic:
            info = ("S16LE", 1, 16_000)  # what the sources publish; AudioInfo is latched
            windows, _ = stream.add_chunk(bytes(msg.audio.data), *info, stamp_ns(msg))
            for window in windows:
                fusion.add_audio(window.end_ns, log_mel(window.samples))
            continue
        started = time.perf_counter()
        try:
            if msgtype.endswith("CompressedImage"):
                image = compressed_to_bgr(bytes(msg.data))
            else:
                fields = ImageFields(msg.encoding, msg.height, msg.width, msg.step, bytes(msg.data))
                image = image_to_bgr(fields)
        except ImageConversionError:
            continue
        frame_ns = stamp_ns(msg)
        faces, _ = processor.process(image, frame_ns)
        emotions = fusion.process(frame_ns, {f.face_id: f.face.landmarks for f in faces})
        latency = time.perf_counter() - started
        records += [
            EmotionRecord(frame_ns - summary.start_ns, e.face_id, e.label, e.confidence, latency)
            for e in emotions
        ]
    processor.detector.close()
    return records


def frame_times(summary: BagSummary) -> np.ndarray:
    """Frame stamps relative to the bag start, ns."""
    return np.asarray(summary.frame_stamps, dtype=np.int64) - summary.start_ns
