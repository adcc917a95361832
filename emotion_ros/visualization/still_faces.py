"""The faces of one photo as the models see them: still-image mesh, aligned crop, no history.

``emotion-ros explain`` and ``emotion-ros show`` both start here, so a photo gives the same faces
and the same probabilities in both. The faces are found and cropped as in training (the
still-image mesh with the face node's thresholds, the node's crop alignment).
"""

import cv2
import numpy as np

from emotion_ros.models.emotion_pipeline import FaceSample
from emotion_ros.models.role_specs import CROP_SIZE
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import DetectedFace, still_image_detector

MAX_FACES = 8


def still_faces(image_bgr: np.ndarray) -> list[tuple[DetectedFace, FaceSample]]:
    """Each face of the photo (left to right, named "face 1", "face 2", ...) with its sample."""
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    with still_image_detector(MAX_FACES) as detector:
        detected = detector.detect(image_bgr)
    return [
        (face, FaceSample(f"face {number + 1}", face.landmarks, face.landmarks[None],
                          aligned_crop(grey, face.landmarks, CROP_SIZE)))
        for number, face in enumerate(detected)
    ]  # fmt: skip
