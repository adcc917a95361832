"""A group photo for the tests: six people at different distances, on a 16:9 1280x720 frame.

No group photo ships in a package, so it is built from the two portraits that do
(``package_photos``), each head scaled to its own face width: five in a row, one below.
"""

import numpy as np

from emotion_ros.vision.boxes import Box

from package_photos import compose_faces

# (photo, face width in px, face centre x, y): 70 to 130 px faces, as in a group photo
PEOPLE = [
    ("astronaut", 112, 140, 230),
    ("grace_hopper", 96, 380, 260),
    ("astronaut", 80, 600, 220),
    ("grace_hopper", 130, 840, 280),
    ("astronaut", 100, 1080, 240),
    ("grace_hopper", 70, 640, 520),
]


def group_photo() -> tuple[np.ndarray, list[Box]]:
    """The 1280x720 BGR photo and each person's face box (x, y, w, h), in PEOPLE's order."""
    return compose_faces(1280, 720, PEOPLE)
