"""All the models for one camera frame: every face in one batched call per model, then fusion.

This is what the fusion node and the offline evaluation call; it has no ROS in it. Each modality
gives log-probabilities (its logits divided by the temperature from its card); the fusion model
weighs the modalities that are available for each face; the fused logits, divided by the fusion
card's temperature, give the calibrated probabilities.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.landmarks.normalization import all_landmark_features, lower_face_features
from emotion_ros.models.backends import OnnxBackend, TorchBackend, resolve_device
from emotion_ros.models.model_card import ModelCard, ModelFileError, load_card
from emotion_ros.models.role_specs import MODALITIES, PIPELINE_ROLES

DEFAULT_HISTORY = 16


def transcript_log_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """The transcript modality's input from the text scores' class probabilities: the pipeline
    and the fusion model's training both convert them here, so they see the same values."""
    return np.log(np.clip(probabilities, 1e-6, 1.0)).astype(np.float32)


@dataclass(frozen=True)
class FaceSample:
    """One face of a frame: its landmarks (478, 3) in pixels, its recent history (T_i, 478, 3)
    and its aligned grey crop (the appearance model's input; None when there is none).

    A hidden upper face (a VR headset over the eyes and brows) leaves only the lower-face model;
    a hidden lower face (a mask over mouth and nose) leaves none of the face models that look at
    the mouth, i.e. all of them; the mesh MediaPipe fits to a hidden part is a guess.
    """

    face_id: str
    landmarks: np.ndarray
    history: np.ndarray
    crop: np.ndarray | None = None
    upper_face_visible: bool = True
    lower_face_visible: bool = True


@dataclass(frozen=True)
class VoiceSample:
    """One audio window for the audio model: its log-mel (frames, bands) and the stream's voice
    reference (2, bands) when it was heard (``audio/voice_reference.py``); None: the audio
    card's prior, as before anything is heard of a speaker."""

    log_mel: np.ndarray
    reference: np.ndarray | None = None


@dataclass(frozen=True)
class ModelOutput:
    """The calibrated, fused distribution for one face, and which modalities went into it."""

    face_id: str
    probabilities: np.ndarray
    modalities: tuple[str, ...]
    audio_missing: bool


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class ModelSet:
    """The loaded models, by role, with their cards; absent roles are unavailable modalities."""

    def __init__(self, models: dict, cards: dict[str, ModelCard], device: str, reason: str):
        self.models = models
        self.cards = cards
        self.device = device
        self.fallback_reason = reason
        self.roles = tuple(cards)
        names = {tuple(card.classes) for card in cards.values()}
        if len(names) > 1:
            raise ModelFileError(f"the model cards disagree on the classes: {sorted(names)}")
        self.class_names = tuple(names.pop()) if names else CLASS_NAMES
        temporal = cards.get("temporal")
        self.history_length = (
            int(temporal.features.get("frames", DEFAULT_HISTORY)) if temporal else DEFAULT_HISTORY
        )
        audio = cards.get("audio")
        if audio is not None and "voice_reference_prior" not in audio.features:
            raise ModelFileError(
                f"audio card {audio.name!r} has no features.voice_reference_prior: it was made "
                "before the audio model read windows against the speaker's voice; train it again"
            )
        # (2, bands): what the audio model reads against before the stream has said anything
        self.voice_reference_prior = (
            None
            if audio is None
            else np.asarray(audio.features["voice_reference_prior"], np.float32)
        )

    @classmethod
    def load(cls, card_paths: dict[str, Path], device: str = "auto") -> "ModelSet":
        """Load each role's card (its model files lie beside it) and the models on ``device``.

        Raises:
            ModelFileError: a card or model file is missing, corrupt or fails its checksum.
            ValueError: an unknown role or device.
        """
        unknown = set(card_paths) - set(PIPELINE_ROLES)
        if unknown:
            raise ValueError(
                f"unknown model roles {sorted(unknown)}; known: {', '.join(PIPELINE_ROLES)}"
            )
        resolved, reason = resolve_device(device)
        cards, models = {}, {}
        for role, path in card_paths.items():
            card = load_card(path)
            if card.role != role:
                raise ModelFileError(f"card {path} is for role {card.role!r}, not {role!r}")
            cards[role] = card
            models[role] = (
                TorchBackend(card, path.parent, resolved)
                if resolved == "cuda"
                else OnnxBackend(card, path.parent)
            )
        return cls(models, cards, resolved, reason)


class EmotionPipeline:
    """Runs a ModelSet on the faces of one frame."""

    def __init__(self, model_set: ModelSet) -> None:
        self.model_set = model_set
        self.class_names = model_set.class_names
        # Audio windows arrive every 0.5 s and frames at 15-30 fps: the audio model's output for
        # a window is kept until the window changes (the same object is passed again).
        self._audio_cache: tuple[VoiceSample, np.ndarray] | None = None

    def warm_up(self) -> None:
        """Run every model once: first calls allocate and optimise, which would stall frame 1."""
        face = np.random.default_rng(0).normal(0.0, 50.0, (2, 478, 3)).astype(np.float32)
        audio, crop = None, None
        if self.model_set.voice_reference_prior is not None:
            audio = VoiceSample(
                np.zeros(self.model_set.cards["audio"].inputs[0]["shape"][1:], np.float32)
            )
        if "appearance" in self.model_set.cards:
            crop = np.zeros(self.model_set.cards["appearance"].inputs[0]["shape"][1:], np.uint8)
        self.predict([FaceSample("warm-up", face[-1], face, crop)], audio)

    def _log_probs(self, role: str, inputs: dict[str, np.ndarray]) -> np.ndarray:
        logits = self.model_set.models[role].run(inputs)
        return _log_softmax(logits / self.model_set.cards[role].temperature)

    def predict(
        self,
        faces: Sequence[FaceSample],
        voice: VoiceSample | None,
        transcript: np.ndarray | None = None,
    ) -> list[ModelOutput]:
        """Return one prediction per face, in the order given.

        ``voice``: the audio window before the frame (None: no speech or no window);
        ``transcript``: the class probabilities of what was just said (None: nothing
        said recently). Both describe the scene, so every face gets them.
        """
        if not faces:
            return []
        batch = len(faces)
        log_probs = np.zeros((batch, len(MODALITIES), len(self.class_names)), np.float32)
        available = np.zeros((batch, len(MODALITIES)), np.float32)
        landmarks = np.stack([f.landmarks for f in faces]).astype(np.float32)
        upper = np.array([f.upper_face_visible for f in faces])
        lower = np.array([f.lower_face_visible for f in faces])
        whole = upper & lower
        self._run("lower_face", {"features": lower_face_features(landmarks)}, lower,
                  log_probs, available)  # fmt: skip
        self._run("all_landmarks", {"features": all_landmark_features(landmarks)}, whole,
                  log_probs, available)  # fmt: skip
        if "temporal" in self.model_set.roles:
            frames, mask = self._history_batch(faces)
            self._run("temporal", {"frames": frames, "mask": mask}, whole, log_probs, available)
        with_crop = np.array([f.crop is not None for f in faces]) & whole
        if with_crop.any() and "appearance" in self.model_set.roles:
            crops = np.stack(
                [self._sized(f.crop) for f, c in zip(faces, with_crop, strict=True) if c]
            )
            index = MODALITIES.index("appearance")
            log_probs[with_crop, index] = self._log_probs(
                "appearance", {"crop": crops.astype(np.float32)}
            )
            available[with_crop, index] = 1.0
        audio_missing = voice is None or "audio" not in self.model_set.roles
        if not audio_missing:
            index = MODALITIES.index("audio")
            log_probs[:, index] = self._audio_log_probs(voice)
            available[:, index] = 1.0
        if transcript is not None:
            index = MODALITIES.index("transcript")
            log_probs[:, index] = transcript_log_probabilities(transcript)
            available[:, index] = 1.0
        probabilities = np.exp(self._fuse(log_probs, available))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return [
            ModelOutput(
                face.face_id,
                probabilities[i],
                tuple(m for m, a in zip(MODALITIES, available[i], strict=True) if a > 0),
                audio_missing,
            )
            for i, face in enumerate(faces)
        ]

    def _sized(self, crop: np.ndarray) -> np.ndarray:
        """The crop at the appearance model's input size (a face node may cut another size)."""
        size = int(self.model_set.cards["appearance"].inputs[0]["shape"][-1])
        if crop.shape == (size, size):
            return crop
        return cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)

    def _run(
        self,
        role: str,
        inputs: dict[str, np.ndarray],
        usable: np.ndarray,
        log_probs: np.ndarray,
        available: np.ndarray,
    ) -> None:
        """Run ``role`` on the whole batch (when loaded) and mark the usable faces available."""
        if role in self.model_set.roles:
            index = MODALITIES.index(role)
            log_probs[:, index] = self._log_probs(role, inputs)
            available[:, index] = usable

    def _audio_log_probs(self, voice: VoiceSample) -> np.ndarray:
        if self._audio_cache is None or self._audio_cache[0] is not voice:
            reference = self.model_set.voice_reference_prior
            if voice.reference is not None:
                reference = voice.reference
            inputs = {
                "log_mel": voice.log_mel[None].astype(np.float32),
                "reference": np.asarray(reference, np.float32)[None],
            }
            self._audio_cache = (voice, self._log_probs("audio", inputs)[0])
        return self._audio_cache[1]

    def _history_batch(self, faces: Sequence[FaceSample]) -> tuple[np.ndarray, np.ndarray]:
        """Right-align each face's last T frames in (B, T', 1434), padding and masking the rest."""
        length = min(self.model_set.history_length, max(len(f.history) for f in faces))
        frames = np.zeros((len(faces), length, 1434), np.float32)
        mask = np.zeros((len(faces), length), np.float32)
        for i, face in enumerate(faces):
            recent = face.history[-length:]
            frames[i, length - len(recent) :] = all_landmark_features(recent)
            mask[i, length - len(recent) :] = 1.0
        return frames, mask

    def _fuse(self, log_probs: np.ndarray, available: np.ndarray) -> np.ndarray:
        """Fused log-probabilities (B, 6); without a fusion model, the mean of the available."""
        if "fusion" in self.model_set.roles:
            return self._log_probs("fusion", {"log_probs": log_probs, "available": available})
        weights = available[..., None]
        mean = (log_probs * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-6)
        return _log_softmax(mean)
