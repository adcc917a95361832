"""Evaluation without ROS: the bag's frames and audio through the same core as the nodes.

Same detector, tracker, audio stream, features and FrameFusion as face_node, audio_node and
fusion_node, built from the same parameters (``run_parameters``) and called directly, so the
difference to the graph's results is what ROS adds.
"""

import time
from pathlib import Path
from typing import Any

import numpy as np

from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings
from emotion_ros.audio.features import log_mel
from emotion_ros.audio.voice_activity import VoiceActivityDetector
from emotion_ros.bags.bag_reader import messages
from emotion_ros.evaluation.bag_contents import BagSummary
from emotion_ros.evaluation.records import EmotionRecord
from emotion_ros.fusion.frame_fusion import FaceObservation, FrameFusion, FusionSettings
from emotion_ros.models.emotion_pipeline import EmotionPipeline, ModelSet
from emotion_ros.models.model_files import card_paths_from_parameters
from emotion_ros.node_config import settings_from
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.validation.invalid_input import InvalidInput
from emotion_ros.vision.frame_processor import FaceFrameProcessor, TrackedFace
from emotion_ros.vision.image_conversion import ImageConversionError, message_to_bgr


def evaluate_offline(
    path: Path, summary: BagSummary, parameters: dict[str, dict[str, Any]]
) -> list[EmotionRecord]:
    """Run the bag through the models in one process; return one record per face per frame.

    ``parameters``: each node's parameters (``run_parameters.node_parameters``).
    """
    face, audio, fusion_p = (parameters[n] for n in ("face_node", "audio_node", "fusion_node"))
    model_set = ModelSet.load(card_paths_from_parameters(fusion_p), fusion_p["device"])
    fusion = FrameFusion(EmotionPipeline(model_set), settings_from(FusionSettings, fusion_p))
    processor = FaceFrameProcessor.from_parameters(face)
    stream = AudioStream(settings_from(AudioStreamSettings, audio))
    vad = VoiceActivityDetector() if audio["voice_activity"] else None
    # the format the audio node assumes until an AudioInfo arrives, as the sources publish it
    audio_format = (audio["sample_format"], audio["channels"], audio["sample_rate"])
    topics = [t for t in (summary.image_topic, summary.audio_topic) if t]
    records = []
    for topic, _, msg in messages(path, topics):
        if topic == summary.audio_topic:
            chunk_ns = stamp_to_ns(msg.header.stamp)
            try:
                windows, _ = stream.add_chunk(bytes(msg.audio.data), *audio_format, chunk_ns)
            except InvalidInput:  # skipped, as the audio node skips it
                continue
            for window in windows:
                speech = -1.0 if vad is None else vad.speech_fraction(window.samples)
                fusion.add_audio(window.end_ns, log_mel(window.samples), speech)
            continue
        started = time.perf_counter()
        try:
            image = message_to_bgr(msg, face["max_image_pixels"])
        except ImageConversionError:
            continue
        frame_ns = stamp_to_ns(msg.header.stamp)
        faces, _ = processor.process(image, frame_ns)
        emotions = fusion.process(frame_ns, {f.face_id: observation(f) for f in faces})
        latency = time.perf_counter() - started
        records += [
            EmotionRecord(frame_ns - summary.start_ns, e.face_id, e.label, e.confidence, latency)
            for e in emotions
        ]
    processor.detector.close()
    return records


def observation(face: TrackedFace) -> FaceObservation:
    """What the face node puts into FaceLandmarks for a face, as the fusion node reads it."""
    return FaceObservation(
        face.face.landmarks, face.crop, face.upper_face_visible, face.lower_face_visible
    )


def frame_times(summary: BagSummary) -> np.ndarray:
    """Frame stamps relative to the bag start, ns."""
    return np.asarray(summary.frame_stamps, dtype=np.int64) - summary.start_ns
