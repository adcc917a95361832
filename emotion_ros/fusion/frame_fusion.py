"""The fusion node's per-frame work without ROS: histories, audio choice, models, smoothing.

What was said reaches the models as the transcript modality: the class scores of the latest
utterance that ended at most ``transcript_max_age_s`` before the frame (the same choice by end
stamp as for audio windows, over a longer span: an utterance colours the seconds after it).

The node and the offline evaluation both use this, so "the graph" and "the models on the same
bag" differ only by what ROS adds (transport, scheduling), which is what the evaluation measures.
"""

from dataclasses import dataclass

import numpy as np

from emotion_ros.audio.voice_reference import VoiceReference
from emotion_ros.emotion_classes import summarize
from emotion_ros.fusion.face_history import FaceHistories
from emotion_ros.fusion.latest_before import LatestBefore
from emotion_ros.fusion.smoothing import ProbabilitySmoother
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, VoiceSample


@dataclass(frozen=True)
class FusionSettings:
    """The fusion node's history, audio and smoothing parameters (config/fusion_node.yaml)."""

    history_max_missed_frames: int
    audio_max_age_s: float
    audio_min_speech_fraction: float
    voice_reference_prior_windows: float
    voice_reference_half_life_windows: float
    transcript_max_age_s: float
    min_visibility: float
    smoothing: str
    smoothing_alpha: float
    smoothing_stay: float


@dataclass(frozen=True)
class FaceObservation:
    """What the face node saw of one face in one frame (FaceLandmarks without ROS).

    Visibility is the occlusion model's probability that the upper / lower face is visible;
    -1 means unknown (no occlusion model), which counts as visible. ``carried``: the landmarks
    were measured on an earlier frame (FaceLandmarks.mesh_stamp before the frame's stamp).
    """

    landmarks: np.ndarray
    crop: np.ndarray | None = None
    upper_face_visible: float = -1.0
    lower_face_visible: float = -1.0
    carried: bool = False


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

    def __init__(self, pipeline: EmotionPipeline, settings: FusionSettings) -> None:
        self.pipeline = pipeline
        self.histories = FaceHistories(
            pipeline.model_set.history_length, settings.history_max_missed_frames
        )
        self.settings = settings
        # a window in which nobody speaks is kept as None: the newest window decides
        self.audio = LatestBefore[VoiceSample | None](settings.audio_max_age_s)
        prior = pipeline.model_set.voice_reference_prior
        self.voice = None if prior is None else VoiceReference(
            prior, settings.voice_reference_prior_windows,
            settings.voice_reference_half_life_windows,
        )  # fmt: skip
        self.smoother = ProbabilitySmoother(
            settings.smoothing,
            len(pipeline.class_names),
            settings.smoothing_alpha,
            settings.smoothing_stay,
        )
        self.transcripts = LatestBefore[np.ndarray](settings.transcript_max_age_s)
        self.frames_without_audio = 0
        self.windows_without_speech = 0

    def retune(self, settings: FusionSettings) -> None:
        """Take new gates, ages and smoothing weights while running (the fusion node's dynamic
        parameters); the histories, kept windows and smoothing state stay as they are. The
        history length and the smoothing method are made at start and keep theirs."""
        self.settings = settings
        self.audio.set_max_age(settings.audio_max_age_s)
        self.transcripts.set_max_age(settings.transcript_max_age_s)
        self.smoother.tune(settings.smoothing_alpha, settings.smoothing_stay)

    def add_audio(self, end_ns: int, log_mel: np.ndarray, speech_fraction: float = -1.0) -> None:
        """Keep the log-mel features of a window that ends at ``end_ns`` with the voice reference
        it is read against, which learns from it; a window whose speech fraction is known (>= 0)
        and under the gate is kept as "nobody speaks"."""
        silent = 0.0 <= speech_fraction < self.settings.audio_min_speech_fraction
        self.windows_without_speech += silent
        if silent:
            self.audio.add(end_ns, None)
            return
        if self.voice is None:  # no audio model: the window only says that someone speaks
            self.audio.add(end_ns, VoiceSample(log_mel))
            return
        self.voice.add(log_mel)
        self.audio.add(end_ns, VoiceSample(log_mel, self.voice.reference()))

    def add_transcript(self, end_ns: int, scores: np.ndarray) -> None:
        """Keep the class scores of an utterance that ended at ``end_ns``: a distribution in the
        models' class order, as ``validation.transcripts.transcript_scores`` returns it."""
        self.transcripts.add(end_ns, scores)

    def _visible(self, probability: float) -> bool:
        return probability < 0.0 or probability >= self.settings.min_visibility

    def process(self, stamp_ns: int, faces: dict[str, FaceObservation]) -> list[FusedEmotion]:
        """Return one emotion per face (sorted by id) for the frame stamped ``stamp_ns``."""
        histories = self.histories.update(
            stamp_ns,
            {k: f.landmarks for k, f in faces.items()},
            {k for k, f in faces.items() if f.carried},
        )
        self.smoother.forget(set(self.histories.face_ids()))
        window = self.audio.select(stamp_ns)
        audio = None if window is None else window.payload
        if audio is None:
            self.frames_without_audio += 1
        if not faces:
            return []
        samples = [
            FaceSample(
                face_id, faces[face_id].landmarks, histories[face_id], faces[face_id].crop,
                self._visible(faces[face_id].upper_face_visible),
                self._visible(faces[face_id].lower_face_visible),
            )
            for face_id in sorted(faces)
        ]  # fmt: skip
        transcript = self.transcripts.select(stamp_ns)
        outputs = self.pipeline.predict(
            samples, audio, None if transcript is None else transcript.payload
        )
        fused = []
        for output in outputs:
            probabilities = self.smoother.update(output.face_id, output.probabilities)
            summary = summarize(probabilities, self.pipeline.class_names)
            fused.append(
                FusedEmotion(
                    face_id=output.face_id,
                    label=summary.label,
                    probabilities=probabilities.astype(np.float32),
                    confidence=summary.confidence,
                    valence=summary.valence,
                    arousal=summary.arousal,
                    modalities=output.modalities,
                    audio_missing=output.audio_missing,
                )
            )
        return fused
