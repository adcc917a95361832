"""FaceReactions: per-face state, confidence thresholds, debouncing and faces leaving (no ROS)."""

import math

import pytest

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.node_config import default_settings
from emotion_ros.reactions.behaviours import MANNER, behaviour_text
from emotion_ros.reactions.face_reactions import (
    FaceReactions,
    Reaction,
    ReactionKind,
    ReactorSettings,
    invalid_reason,
)
from emotion_ros.timestamps import NS_PER_S

FRAME_NS = NS_PER_S // 15  # a 15 fps camera
SETTINGS = ReactorSettings(
    min_confidence=0.5,
    min_confidence_without_audio=0.7,
    hold_messages=3,
    hold_s=0.1,
    face_timeout_s=2.0,
)


class Feed:
    """Feeds one face's labels frame by frame, received when stamped; collects the reactions."""

    def __init__(self, settings: ReactorSettings = SETTINGS) -> None:
        self.faces = FaceReactions(settings)
        self.frame = 0
        self.reactions: list[Reaction] = []

    def __call__(self, face_id, labels, confidence=0.9, audio_missing=False):
        for label in labels:
            self.frame += 1
            now = self.frame * FRAME_NS
            reaction = self.faces.update(face_id, label, confidence, audio_missing, now, now)
            if reaction is not None:
                self.reactions.append(reaction)
        return self

    def texts(self) -> list[str]:
        return [behaviour_text(r) for r in self.reactions]


def test_a_label_must_hold_before_the_face_is_greeted():
    feed = Feed()("f1", ["Happy", "Happy"])
    assert feed.reactions == []
    feed("f1", ["Happy"])
    assert feed.reactions == [Reaction(ReactionKind.GREET, "f1", "Happy", pytest.approx(0.9))]
    feed("f1", ["Happy"] * 10)  # the same label again: nothing new to do
    assert feed.texts() == ["greet f1 happily"]


def test_a_flickering_label_never_changes_the_reaction():
    feed = Feed()("f1", ["Neutral"] * 3)
    feed("f1", ["Sad", "Neutral", "Sad", "Sad", "Angry", "Sad", "Sad"])
    assert feed.texts() == ["greet f1 politely"]
    feed("f1", ["Sad"])  # the third Sad in a row
    assert feed.texts() == ["greet f1 politely", "respond to f1 gently"]


def test_hold_s_counts_frame_time_not_messages():
    slow = ReactorSettings(0.5, 0.7, hold_messages=1, hold_s=0.5, face_timeout_s=2.0)
    faces = FaceReactions(slow)
    assert faces.update("f1", "Happy", 0.9, False, 0, 0) is None
    # many messages within 0.4 s of frame time (e.g. a burst after a hiccup) are not enough
    for stamp in range(1, 5):
        assert faces.update("f1", "Happy", 0.9, False, stamp * NS_PER_S // 10, 0) is None
    reaction = faces.update("f1", "Happy", 0.9, False, NS_PER_S // 2, 0)
    assert reaction is not None and reaction.kind is ReactionKind.GREET


def test_low_confidence_neither_confirms_nor_breaks_a_label():
    feed = Feed()("f1", ["Happy"] * 5, confidence=0.4)
    assert feed.reactions == [] and feed.faces.ignored_low_confidence == 5
    feed("f1", ["Happy", "Happy"])
    feed("f1", ["Angry"] * 4, confidence=0.3)  # uncertain frames in between
    feed("f1", ["Happy"])
    assert feed.texts() == ["greet f1 happily"]


def test_without_audio_the_face_alone_needs_more_confidence():
    feed = Feed()("f1", ["Surprised"] * 5, confidence=0.6, audio_missing=True)
    assert feed.reactions == []
    feed("f1", ["Surprised"] * 3, confidence=0.6, audio_missing=False)
    assert feed.texts() == ["greet f1 cheerfully"]
    feed("f2", ["Worried"] * 3, confidence=0.8, audio_missing=True)
    assert feed.texts()[-1] == "greet f2 reassuringly"


def test_faces_are_followed_apart():
    faces = FaceReactions(SETTINGS)
    reactions = []
    for frame in range(1, 5):
        now = frame * FRAME_NS
        for face_id, label in (("f1", "Happy"), ("f2", "Sad")):
            reactions.append(faces.update(face_id, label, 0.9, False, now, now))
    greetings = [behaviour_text(r) for r in reactions if r is not None]
    assert greetings == ["greet f1 happily", "greet f2 gently"]


def test_a_face_that_leaves_gets_a_goodbye_only_if_it_was_greeted():
    feed = Feed()("f1", ["Happy"] * 3)
    f1_last_seen = feed.frame * FRAME_NS
    feed("f2", ["Sad"])  # seen once, one frame later, never stable
    assert feed.faces.expire(f1_last_seen + 2 * NS_PER_S) == []  # not yet: exactly the timeout
    left = feed.faces.expire(f1_last_seen + 2 * NS_PER_S + FRAME_NS + 1)  # both have left
    assert [behaviour_text(r) for r in left] == ["say goodbye to f1"]
    assert feed.faces.faces == {}
    feed("f1", ["Happy"] * 3)  # back again: a new greeting
    assert feed.texts() == ["greet f1 happily", "greet f1 happily"]


def test_a_face_seen_with_low_confidence_has_not_left():
    feed = Feed()("f1", ["Happy"] * 3)
    feed("f1", ["Happy"] * 40, confidence=0.1)  # 2.7 s of uncertain frames
    assert feed.faces.expire(feed.frame * FRAME_NS + NS_PER_S) == []


@pytest.mark.parametrize(
    ("face_id", "label", "confidence", "reason"),
    [
        ("", "Happy", 0.9, "empty face_id"),
        ("f1", "Joy", 0.9, "label 'Joy' not among"),
        ("f1", "Happy", 1.5, "outside [0, 1]"),
        ("f1", "Happy", math.nan, "outside [0, 1]"),
    ],
)
def test_malformed_estimates_are_named(face_id, label, confidence, reason):
    assert reason in invalid_reason(face_id, label, CLASS_NAMES, confidence)


def test_a_well_formed_estimate_passes():
    assert invalid_reason("f1", "Happy", CLASS_NAMES, 1.0) is None


def test_the_node_defaults_build_settings_and_every_class_has_a_manner():
    settings = default_settings(ReactorSettings, "emotion_reactor")
    assert settings.min_confidence_without_audio >= settings.min_confidence
    assert set(MANNER) == set(CLASS_NAMES)
    assert behaviour_text(Reaction(ReactionKind.GREET, "f7", "Contempt")) == "greet f7 politely"
