"""The behaviour the example reactor asks of the robot for each reaction, as a line of text.

A stand-in for a real robot's action (a spoken greeting, an LED colour, a gesture): a controller
built on this example replaces ``behaviour_text`` and keeps ``FaceReactions``.
"""

from emotion_ros.reactions.face_reactions import Reaction, ReactionKind

# How to address a person who shows each class (emotion_classes.CLASS_NAMES).
MANNER = {
    "Happy": "happily",
    "Angry": "calmly",
    "Sad": "gently",
    "Neutral": "politely",
    "Surprised": "cheerfully",
    "Worried": "reassuringly",
}


def behaviour_text(reaction: Reaction) -> str:
    """E.g. ``"greet f00001 happily"``, ``"respond to f00001 gently"``, ``"say goodbye to f00001"``.

    A label outside MANNER (a model trained with other classes) is answered politely.
    """
    if reaction.kind is ReactionKind.GOODBYE:
        return f"say goodbye to {reaction.face_id}"
    manner = MANNER.get(reaction.label, "politely")
    if reaction.kind is ReactionKind.GREET:
        return f"greet {reaction.face_id} {manner}"
    return f"respond to {reaction.face_id} {manner}"
