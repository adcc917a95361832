"""Fusion node: landmarks + audio windows -> EmotionStamped per face, at the camera's frame rate.

For every FaceLandmarksArray it updates each face's history, picks the audio window that ends at
or just before the frame, runs every face of the frame through the models in one batched call
(``EmotionPipeline``), smooths each face's probabilities over time and publishes one
``EmotionStamped`` per face on ``emotion`` and one ``EmotionStampedArray`` on ``emotion/array``.
The models are loaded in *configure* (a lifecycle node), so a missing or corrupt model file fails
that transition with an error naming the file, and the node never runs half-loaded.

Every input is checked before it reaches the models (``ros/checked_input.py``: the stamp, then
``validation/face_landmarks.py``, ``validation/audio_windows.py`` or
``validation/transcripts.py``): a refused message or face gives an ERROR line per kind of problem
(throttled) and a ``refused: <kind>`` counter on /diagnostics.
"""

import time
from collections.abc import Callable
from typing import Any

from rclpy.lifecycle import State, TransitionCallbackReturn

from emotion_ros.fusion.frame_fusion import FrameFusion, FusedEmotion, FusionSettings
from emotion_ros.fusion.smoothing import METHODS
from emotion_ros.models.backends import DEVICES
from emotion_ros.models.emotion_pipeline import EmotionPipeline, ModelSet
from emotion_ros.models.model_card import ModelFileError
from emotion_ros.models.model_files import card_paths_from_parameters
from emotion_ros.models.role_specs import PIPELINE_ROLES
from emotion_ros.msg import (
    AudioWindow,
    EmotionStamped,
    EmotionStampedArray,
    FaceLandmarksArray,
    Transcript,
)
from emotion_ros.node_config import settings_from
from emotion_ros.parameter_spec import Param
from emotion_ros.ros import diagnostics
from emotion_ros.ros.checked_input import CheckedInput
from emotion_ros.ros.hri_output import HriOutput
from emotion_ros.ros.input_subscription import InputSubscription
from emotion_ros.ros.lifecycle_autostart import AutostartLifecycleNode
from emotion_ros.ros.node_runner import declare_parameters, run_node
from emotion_ros.ros.qos import RELIABILITY_CHOICES, sensor_qos_from_parameter
from emotion_ros.ros.time_conversions import duration_from_ns
from emotion_ros.stats import LatencyWindow, RateMeter
from emotion_ros.validation.audio_windows import audio_window_input
from emotion_ros.validation.face_landmarks import landmark_frame
from emotion_ros.validation.transcripts import transcript_scores

# name: Param; the values are in config/fusion_node.yaml (the node's defaults).
PARAMETERS: dict[str, Param] = {
    "models_dir": Param(
        "Directory with the model cards and ONNX files ('' = the package's models/)."
    ),
    **{
        f"{r}_card": Param(f"Card of the {r} model in models_dir ('' = disabled).")
        for r in PIPELINE_ROLES
    },
    "device": Param("auto (CUDA when available, else CPU), cpu or cuda.", choices=DEVICES),
    "landmarks_topic": Param("FaceLandmarksArray input."),
    "audio_windows_topic": Param("AudioWindow input ('' = no audio)."),
    "reliability": Param(
        "QoS of both inputs: reliable, best_effort, best_available, system_default.",
        choices=RELIABILITY_CHOICES,
    ),
    "qos_depth": Param("QoS depth of both inputs.", low=1),
    "history_max_missed_frames": Param(
        "Frames a face may be missing before its history is dropped.", low=0
    ),
    "audio_max_age_s": Param(
        "Newest audio window may end at most this long before the frame.", low=0.0, dynamic=True
    ),
    "audio_min_speech_fraction": Param(
        "A window whose share of speech (voice activity) is below this does not vote: silence, "
        "a fan or a motor say nothing about emotions.",
        low=0.0,
        high=1.0,
        dynamic=True,
    ),
    "voice_reference_prior_windows": Param(
        "How many windows of speech the training voices' reference counts as before the stream's "
        "own speaker takes over (the audio model reads each window against a reference voice).",
        low=0.0,
    ),
    "voice_reference_half_life_windows": Param(
        "Speech windows after which what the reference heard weighs half: how fast it follows "
        "a new speaker or room.",
        low=1.0,
    ),
    "transcript_topic": Param(
        "Transcript input from the speech node ('' = no transcript modality)."
    ),
    "transcript_max_age_s": Param(
        "An utterance's text scores are used for the frames up to this long after it ended.",
        low=0.0,
        dynamic=True,
    ),
    "min_visibility": Param(
        "A face half (upper, lower) whose visibility from the occlusion model is below this is "
        "hidden: the models that read it are left out.",
        low=0.0,
        high=1.0,
        dynamic=True,
    ),
    "smoothing": Param("Temporal smoothing of probabilities: none, ema or hmm.", choices=METHODS),
    "smoothing_alpha": Param("EMA weight of the newest frame.", above=0.0, high=1.0, dynamic=True),
    "smoothing_stay": Param(
        "HMM probability of staying in the same class between frames.",
        above=0.0,
        below=1.0,
        dynamic=True,
    ),
    "publish_hri": Param("Also publish ROS4HRI /humans/faces/<id>/expression (needs hri_msgs)."),
}


class FusionNode(AutostartLifecycleNode):
    """Lifecycle node that fuses the face and audio models into EmotionStamped messages."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("fusion_node", **kwargs)
        self.params = declare_parameters(self, "fusion_node", PARAMETERS, self._on_change)
        self._fusion: FrameFusion | None = None
        self._device = "none"
        self._inputs: list[InputSubscription] = []
        self._input_rate = RateMeter()
        self._output_rate = RateMeter()
        self._inference = LatencyWindow()
        self._latency = LatencyWindow()
        self._last_batch = 0
        self._audio_windows = 0  # handed to the fusion: "no audio arrives" vs "arrives late"
        self._transcripts = 0
        self._hri: HriOutput | None = None
        self._errors = 0  # frames that failed inside the models (not bad input)
        self._checked = CheckedInput(self)
        self._active = False  # inputs are taken only while active

    def _on_change(self, name: str, value: Any) -> None:
        """A new threshold, age or smoothing weight applies from the next message on (the
        executor runs this between callbacks); the faces' histories and smoothing state stay.
        Before configure, configure reads ``self.params``."""
        if self._fusion is not None:
            self._fusion.retune(settings_from(FusionSettings, self.params))

    # --- lifecycle -------------------------------------------------------------------------------

    def on_configure(self, state: State) -> TransitionCallbackReturn:
        """Publish and subscribe, then load and check every model; fail with the file's name
        when one is missing or corrupt.

        The publishers and subscriptions come first so that DDS matches them with the graph
        while the models load and warm up: a respawned node answers the first frame after it is
        active instead of waiting for discovery then. Messages before ``activate`` are not taken.
        """
        p = self.params
        self._emotion_pub = self.create_lifecycle_publisher(EmotionStamped, "emotion", 50)
        self._array_pub = self.create_lifecycle_publisher(EmotionStampedArray, "emotion/array", 10)
        qos = sensor_qos_from_parameter(p["reliability"], p["qos_depth"])
        inputs = [
            (FaceLandmarksArray, p["landmarks_topic"], self._on_landmarks),
            (AudioWindow, p["audio_windows_topic"], self._on_audio),
            (Transcript, p["transcript_topic"], self._on_transcript),
        ]
        self._inputs = [
            InputSubscription(self, msg_type, topic, self._while_active(callback), qos)
            for msg_type, topic, callback in inputs
            if topic  # "" = no audio, no transcripts
        ]
        try:
            self._fusion = self._load(p)
        except ModelFileError as exc:
            error = f"cannot load the models: {exc}"
        except ValueError as exc:  # an unknown device or smoothing method
            error = str(exc)
        else:
            self._hri = HriOutput.create(self) if p["publish_hri"] else None
            return TransitionCallbackReturn.SUCCESS
        self.get_logger().error(error)
        self._release_io()
        return TransitionCallbackReturn.FAILURE

    def _while_active(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """``callback`` for the messages that arrive while the node is active; the others (a
        lifecycle manager holds it inactive) are not taken."""

        def take(msg: Any) -> None:
            if self._active:
                callback(msg)

        return take

    def _load(self, p: dict[str, Any]) -> FrameFusion:
        """The models of ``p``'s cards, warmed up, in a FrameFusion (logs the files, the device)."""
        paths = card_paths_from_parameters(p)
        model_set = ModelSet.load(paths, device=p["device"])
        for role, path in paths.items():
            self.get_logger().info(f"{role} model: {path}")
        if model_set.fallback_reason:
            self.get_logger().error(model_set.fallback_reason)
        self._device = model_set.device
        pipeline = EmotionPipeline(model_set)
        fusion = FrameFusion(pipeline, settings_from(FusionSettings, p))
        pipeline.warm_up()
        self.get_logger().info(
            f"loaded models {sorted(model_set.roles)} on {self._device}; "
            f"temporal history {model_set.history_length} frames"
        )
        return fusion

    def on_activate(self, state: State) -> TransitionCallbackReturn:
        """Take the inputs from now on and start diagnostics."""
        self._active = True
        self._diagnostics = diagnostics.DiagnosticsPublisher(
            self, "emotion fusion", self._device, self._status
        )
        return super().on_activate(state)

    def on_deactivate(self, state: State) -> TransitionCallbackReturn:
        """Stop taking inputs (the subscriptions stay until cleanup); keep the models loaded."""
        self._active = False
        self._diagnostics.destroy()
        return super().on_deactivate(state)

    def on_cleanup(self, state: State) -> TransitionCallbackReturn:
        """Release the models (and GPU memory), the subscriptions and the publishers."""
        self._fusion = None
        self._release_io()
        if self._hri is not None:
            self._hri.destroy()
            self._hri = None
        return TransitionCallbackReturn.SUCCESS

    def _release_io(self) -> None:
        for subscription in self._inputs:
            subscription.destroy()
        self._inputs = []
        self.destroy_lifecycle_publisher(self._emotion_pub)
        self.destroy_lifecycle_publisher(self._array_pub)

    # --- inputs ----------------------------------------------------------------------------------

    def _on_audio(self, msg: AudioWindow) -> None:
        """Keep the window's log-mel features (computed once here, not once per face)."""
        checked = self._checked.take(msg, audio_window_input, "audio window")
        if checked is None:
            return
        end_ns, window = checked
        self._fusion.add_audio(end_ns, window.log_mel, window.speech_fraction)
        self._audio_windows += 1

    def _on_transcript(self, msg: Transcript) -> None:
        """Keep the utterance's class scores for the frames after it."""
        classes = self._fusion.pipeline.class_names
        checked = self._checked.take(
            msg, lambda m: transcript_scores(m.class_names, m.probabilities, classes), "transcript"
        )
        if checked is None:
            return
        end_ns, scores = checked
        self._fusion.add_transcript(end_ns, scores)
        self._transcripts += 1

    def _on_landmarks(self, msg: FaceLandmarksArray) -> None:
        """Run the models on every face of the frame and publish the results."""
        self._input_rate.tick()
        checked = self._checked.take(msg, landmark_frame, "landmarks")
        if checked is None:
            return
        stamp_ns, frame = checked
        started = time.perf_counter()
        try:
            emotions = self._fusion.process(stamp_ns, frame.faces)
        except Exception as exc:  # keep the node alive; the models' own error goes to the log
            self._errors += 1
            message = f"the models failed on a frame: {exc!r}"
            self.get_logger().error(message, throttle_duration_sec=5.0)
            return
        if frame.faces:
            self._inference.add(time.perf_counter() - started)
            self._last_batch = len(frame.faces)
        self._publish(msg, stamp_ns, emotions)

    def _publish(
        self, frame: FaceLandmarksArray, stamp_ns: int, emotions: list[FusedEmotion]
    ) -> None:
        class_names = list(self._fusion.pipeline.class_names)
        out = EmotionStampedArray(header=frame.header)
        for emotion in emotions:
            out.emotions.append(
                EmotionStamped(
                    header=frame.header,
                    face_id=emotion.face_id,
                    label=emotion.label,
                    class_names=class_names,
                    probabilities=emotion.probabilities.tolist(),
                    confidence=emotion.confidence,
                    valence=emotion.valence,
                    arousal=emotion.arousal,
                    modalities=list(emotion.modalities),
                    audio_missing=emotion.audio_missing,
                )
            )
        latency_ns = self.get_clock().now().nanoseconds - stamp_ns
        for emotion in out.emotions:
            emotion.latency = duration_from_ns(latency_ns)
            self._emotion_pub.publish(emotion)
        self._array_pub.publish(out)
        if self._hri is not None:
            self._hri.publish(frame.header, out.emotions, self._fusion.histories.face_ids())
        self._latency.add(latency_ns * 1e-9)
        self._output_rate.tick()

    def _status(self) -> tuple[int, str, dict[str, str]]:
        p50, p99 = self._latency.percentiles(50, 99)
        i50, i99 = self._inference.percentiles(50, 99)
        level = diagnostics.OK
        message = f"running on {self._device}"
        if self._device == "cpu" and self.params["device"] == "cuda":
            level, message = diagnostics.WARN, "CUDA was requested but is unavailable; on CPU"
        return (
            level,
            message,
            {
                "device": self._device,
                "input rate (Hz)": f"{self._input_rate.rate():.1f}",
                "output rate (Hz)": f"{self._output_rate.rate():.1f}",
                "last batch size": str(self._last_batch),
                "inference p50/p99 (ms)": f"{i50 * 1e3:.2f} / {i99 * 1e3:.2f}",
                "latency p50/p99 (ms)": f"{p50 * 1e3:.1f} / {p99 * 1e3:.1f}",
                "audio windows received": str(self._audio_windows),
                "transcripts received": str(self._transcripts),
                "frames without audio": str(self._fusion.frames_without_audio),
                "speech windows in the voice reference": str(
                    0 if self._fusion.voice is None else self._fusion.voice.windows_heard
                ),
                "tracked faces": str(len(self._fusion.histories.face_ids())),
                "history resets (stamp not after the previous)": str(self._fusion.histories.resets),
                "processing errors": str(self._errors),
                **self._checked.diagnostic_values(),
            },
        )


def main(args: list[str] | None = None) -> int:
    """Run the fusion node until shutdown."""
    return run_node(
        FusionNode, "fusion_node", args, parameters=FusionNode.parameter_table(PARAMETERS)
    )
