"""ROS4HRI names for the fusion node's output (REP-155): topics per face, expression names.

ROS4HRI tools (libhri, hri_rviz) find faces through ``/humans/faces/tracked`` and read each
face's sub-topics, so the expression of face ``f00001`` is on ``/humans/faces/f00001/expression``
and that topic exists only while the face is tracked. The six classes map onto hri_msgs'
Expression constants by name; Worried, which hri_msgs has no word for, is its nearest, SCARED.
"""

TRACKED_TOPIC = "/humans/faces/tracked"
# class -> the name of the hri_msgs/Expression constant whose value is published
EXPRESSIONS = {
    "Happy": "HAPPY",
    "Angry": "ANGRY",
    "Sad": "SAD",
    "Neutral": "NEUTRAL",
    "Surprised": "SURPRISED",
    "Worried": "SCARED",
}


def expression_topic(face_id: str) -> str:
    """The ROS4HRI expression topic of one face."""
    return f"/humans/faces/{face_id}/expression"
