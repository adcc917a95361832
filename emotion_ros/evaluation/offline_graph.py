"""The graph's processing nodes in one process, without ROS: face, audio, speech and fusion.

Same detector, tracker, audio stream, features and FrameFusion as face_node, audio_node and
fusion_node (and speech_node's segmenter, recogniser and text scores when the parameters have a
speech node), built from the same parameters (``run_parameters``) and called directly. Offline
evaluation and ``emotion-ros show`` feed it a bag's or a video's frames and audio in stamp order.

One difference to the graph: here a transcript is ready for the first frame after its utterance
ends, while the graph's fusion node has it only once the speech node has recognised it (about
half a second to a second later; ``bench/bench_speech.py``), so the frames of that moment may
differ.
"""

from typing import Any

import numpy as np

from emotion_ros.audio.feature_stream import AudioFeatureStream
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.fusion.frame_fusion import (
    FaceObservation,
    FrameFusion,
    FusedEmotion,
    FusionSettings,
)
from emotion_ros.models.emotion_pipeline import EmotionPipeline, ModelSet
from emotion_ros.models.model_files import card_paths_from_parameters
from emotion_ros.node_config import settings_from
from emotion_ros.speech.speech_stream import SpeechInputSettings, SpeechStream
from emotion_ros.speech.transcriber import Transcriber, Transcription
from emotion_ros.speech.utterance_segmenter import SegmenterSettings
from emotion_ros.validation.transcripts import transcript_scores
from emotion_ros.vision.frame_processor import FaceFrameProcessor, TrackedFace

Parameters = dict[str, dict[str, Any]]
AUDIO_FORMAT = ("sample_format", "channels", "sample_rate")


class SpeechListener:
    """The speech node's work, inline: utterances are transcribed as soon as they end."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.stream = SpeechStream(
            settings_from(SpeechInputSettings, parameters),
            settings_from(SegmenterSettings, parameters),
        )
        self.transcriber = Transcriber.from_parameters(parameters)

    def add_chunk(
        self, data: bytes, audio_format: tuple[str, int, int], stamp_ns: int
    ) -> list[Transcription]:
        """The transcripts of the utterances this chunk completes (empty texts left out)."""
        utterances, _ = self.stream.add_chunk(data, *audio_format, stamp_ns)
        said = [self.transcriber.transcribe(u) for u in utterances]
        return [s for s in said if s.text]


class OfflineGraph:
    """Frames and audio chunks in, tracked faces and their emotions out."""

    def __init__(self, parameters: Parameters) -> None:
        """``parameters``: each node's parameters (``run_parameters.node_parameters``); the
        audio node's and speech node's are optional (no audio is then fused). As in the graph, a
        fusion node whose audio or transcript topic is "" listens to neither node."""
        face, fusion = parameters["face_node"], parameters["fusion_node"]
        model_set = ModelSet.load(card_paths_from_parameters(fusion), fusion["device"])
        self.fusion = FrameFusion(EmotionPipeline(model_set), settings_from(FusionSettings, fusion))
        # every face meshed in every frame: the graph's mesh budget depends on the machine's
        # speed, offline figures must not (one face is meshed in every frame in both)
        self.processor = FaceFrameProcessor.from_parameters({**face, "mesh_budget_ms": 0.0})
        self.max_image_pixels = face["max_image_pixels"]
        audio = parameters.get("audio_node") if fusion["audio_windows_topic"] else None
        speech = parameters.get("speech_node") if fusion["transcript_topic"] else None
        self.audio = None if audio is None else AudioFeatureStream.from_parameters(audio)
        self.speech = None if speech is None else SpeechListener(speech)
        # the format the nodes assume until an AudioInfo arrives, as the sources publish it
        heard = parameters.get("audio_node") or parameters.get("speech_node") or {}
        self.audio_format = tuple(heard.get(k) for k in AUDIO_FORMAT)

    def add_audio(self, data: bytes, stamp_ns: int) -> None:
        """One audio_common chunk (the sources' format): windows and transcripts for the fusion."""
        if self.audio is not None:
            windows, _ = self.audio.add_chunk(data, *self.audio_format, stamp_ns)
            for w in windows:
                self.fusion.add_audio(w.window.end_ns, w.log_mel, w.speech_fraction)
        if self.speech is not None:
            for said in self.speech.add_chunk(data, self.audio_format, stamp_ns):
                scores = transcript_scores(
                    CLASS_NAMES, said.probabilities, self.fusion.pipeline.class_names
                )
                self.fusion.add_transcript(said.end_ns, scores)

    def process(
        self, image_bgr: np.ndarray, stamp_ns: int
    ) -> tuple[list[TrackedFace], list[FusedEmotion]]:
        """The frame's tracked faces and one emotion per face (sorted by id)."""
        faces, _ = self.processor.process(image_bgr, stamp_ns)
        observed = {f.face_id: observation(f, stamp_ns) for f in faces}
        return faces, self.fusion.process(stamp_ns, observed)

    def close(self) -> None:
        """Release MediaPipe."""
        self.processor.close()


def observation(face: TrackedFace, stamp_ns: int) -> FaceObservation:
    """What the face node puts into FaceLandmarks for a face, as the fusion node reads it."""
    return FaceObservation(
        face.face.landmarks,
        face.crop,
        face.upper_face_visible,
        face.lower_face_visible,
        carried=face.mesh_stamp_ns != stamp_ns,
    )
