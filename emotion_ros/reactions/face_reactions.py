"""From a stream of per-face emotion estimates to the few moments a robot should react (no ROS).

``EmotionStamped`` arrives per face per camera frame, about 15 times a second, and its label
flickers: a robot that reacted to every message would greet, frown and cheer within one second.
``FaceReactions`` keeps one state per face and reacts only to what is stable:

* a message below ``min_confidence`` (``min_confidence_without_audio`` when ``audio_missing`` says
  the face alone decided) is ignored: it neither confirms nor breaks a label;
* a label counts once it has been the label of ``hold_messages`` consecutive confident messages
  spanning at least ``hold_s`` of frame time (header stamps); one odd message starts the count
  again. ``hold_s: 0`` counts messages only, ``hold_messages: 1`` counts time only;
* the first label that counts greets the face, a different one later is a change, and a face with
  no message for ``face_timeout_s`` (of the caller's clock) has left: a goodbye if it was greeted.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from emotion_ros.timestamps import NS_PER_S


@dataclass(frozen=True)
class ReactorSettings:
    """The thresholds of ``FaceReactions`` (config/emotion_reactor.yaml; their ranges are the
    reactor's PARAMETERS). Frozen: the node replaces it when a threshold changes."""

    min_confidence: float
    min_confidence_without_audio: float
    hold_messages: int
    hold_s: float
    face_timeout_s: float


class ReactionKind(Enum):
    """What happened to a face."""

    GREET = "greet"  # its first stable label
    CHANGE = "change"  # a different stable label
    GOODBYE = "goodbye"  # it left after being greeted


@dataclass(frozen=True)
class Reaction:
    """One moment to react; ``label`` and ``confidence`` are those of the message that decided."""

    kind: ReactionKind
    face_id: str
    label: str = ""
    confidence: float = 0.0


@dataclass
class FaceState:
    """What is known of one face: its stable label and the label that may replace it."""

    stable_label: str = ""
    candidate: str = ""
    candidate_count: int = 0
    candidate_since_ns: int = 0
    last_seen_ns: int = 0


def invalid_reason(
    face_id: str, label: str, class_names: Sequence[str], confidence: float
) -> str | None:
    """Why an estimate cannot be used (an empty id, a label not among its classes, a confidence
    outside [0, 1]), or None when it can."""
    if not face_id:
        return "an empty face_id"
    if label not in class_names:
        return f"label {label!r} not among class_names {list(class_names)}"
    if not (math.isfinite(confidence) and 0.0 <= confidence <= 1.0):
        return f"confidence {confidence} outside [0, 1]"
    return None


class FaceReactions:
    """Per-face state, debouncing and timeouts; feed it estimates, it returns reactions."""

    def __init__(self, settings: ReactorSettings) -> None:
        self.settings = settings
        self.faces: dict[str, FaceState] = {}
        self.ignored_low_confidence = 0

    def update(
        self,
        face_id: str,
        label: str,
        confidence: float,
        audio_missing: bool,
        stamp_ns: int,
        now_ns: int,
    ) -> Reaction | None:
        """Take one estimate (frame stamp ``stamp_ns``, received at ``now_ns``); return a greeting
        or a change when its label has just become stable, else None."""
        face = self.faces.setdefault(face_id, FaceState())
        face.last_seen_ns = now_ns
        s = self.settings
        threshold = s.min_confidence_without_audio if audio_missing else s.min_confidence
        if confidence < threshold:
            self.ignored_low_confidence += 1
            return None
        if label != face.candidate:
            face.candidate, face.candidate_count, face.candidate_since_ns = label, 0, stamp_ns
        face.candidate_count += 1
        held_ns = stamp_ns - face.candidate_since_ns
        if (
            label == face.stable_label
            or face.candidate_count < s.hold_messages
            or held_ns < s.hold_s * NS_PER_S
        ):
            return None
        kind = ReactionKind.CHANGE if face.stable_label else ReactionKind.GREET
        face.stable_label = label
        return Reaction(kind, face_id, label, confidence)

    def expire(self, now_ns: int) -> list[Reaction]:
        """Forget the faces not seen for ``face_timeout_s``; a goodbye for each greeted one."""
        timeout_ns = self.settings.face_timeout_s * NS_PER_S
        gone = [f for f, state in self.faces.items() if now_ns - state.last_seen_ns > timeout_ns]
        reactions = []
        for face_id in sorted(gone):
            if self.faces.pop(face_id).stable_label:
                reactions.append(Reaction(ReactionKind.GOODBYE, face_id))
        return reactions
