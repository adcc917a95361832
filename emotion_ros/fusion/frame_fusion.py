"""The fusion node's per-frame work without ROS: histories, audio choice, models, smoothing.

The node and the offline evaluation both use this, so "the graph" and "the models on the same
bag" differ only by what ROS adds (transport, scheduling), which is what the evaluation measures.
"""

from dataclasses import dataclass

import numpy as np

from emotion_ros.fusion.audio_selector import AudioWindowSelector
from emotion_ros.fusion.face_history import FaceHistories
from emotion_ros.fusion.smoothing import ProbabilitySmoother
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample


@dataclass(frozen=True)
class FusedEmotion:
    """The published estimate of one face in one frame (after temporal smoothing)."""

    face_id: str
    label: str
    probabilities: np.ndarray
    confidence: float
    valence: float
    arousal: float
    modalities: tuple[str, ...]
    audio_missing: bool


class FrameFusion:
    """Turns each frame's faces (and the latest audio features) into smoothed emotions."""

    def __init__(
        self,
        pipeline: EmotionPipeline,
        max_missed_frames: int = 15,
        audio_max_age_s: float = 1.0,
        smoothing: str = "ema",
        smoothing_alpha: float = 0.5,
        smoothing_stay: float = 0.9,
    ) -> None:
        self.pipeline = pipeline
        self.histories = FaceHistories(pipeline.model_set.history_length, max_missed_frames)
        self.audio = AudioWindowSelector[np.ndarray](audio_max_age_s)
        self.smoother = ProbabilitySmoother(
            smoothing, len(pipeline.class_names), smoothing_alpha, smoothing_stay
        )
        self.frames_without_audio = 0

    def add_audio(self, end_ns: int, log_mel: np.ndarray) -> None:
        """Keep the log-mel features of a window that ends at ``end_ns``."""
        self.audio.add(end_ns, log_mel)

    def process(self, stamp_ns: int, faces: dict[str, np.ndarray]) -> list[FusedEmotion]:
        """Return one emotion per face (sorted by id) for the frame stamped ``stamp_ns``."""
        histories = self.histories.update(stamp_ns, faces)
        self.smoother.forget(set(self.histories.face_ids()))
        window = self.audio.select(stamp_ns)
        if window is None:
            self.frames_without_audio += 1
        if not faces:
            return []
        samples = [FaceSample(fid, faces[fid], histories[fid]) for fid in sorted(faces)]
        predictions = self.pipeline.predict(samples, None if window is None else window.payload)
        fused = []
        for prediction in predictions:
            probabilities = self.smoother.update(prediction.face_id, prediction.probabilities)
            best = int(np.argmax(probabilities))
            valence, arousal = self.pipeline.valence_arousal(probabilities)
            fused.append(
                FusedEmotion(
                    face_id=prediction.face_id,
                    label=self.pipeline.class_names[best],
                    probabilities=probabilities.astype(np.float32),
                    confidence=float(probabilities[best]),
                    valence=valence,
                    arousal=arousal,
                    modalities=prediction.modalities,
                    audio_missing=prediction.audio_missing,
                )
            )
        return fused
