"""The faces of one photo as the models see them: still-image mesh, aligned crop, no history.

``emotion-ros explain`` and ``emotion-ros show`` both start here, so a photo gives the same faces
and the same probabilities in both. The faces are found as the face node finds them (the
full-range detector over the whole photo and its scan windows, config/face_node.yaml's
thresholds), because MediaPipe's mesh on a whole photo of a group finds only faces larger than
about a fifth of it: two portraits side by side on a 640x480 page gave one face. Each face is
then meshed as in training, by the still-image mesh on a close-up of it (the crop mesh's square,
about twice the face), and cropped with the node's alignment. Faces that fill the photo, which
the detector misses, come from the still-image mesh on the whole photo, as in training.
"""

import cv2
import numpy as np

from emotion_ros.models.emotion_pipeline import FaceSample
from emotion_ros.models.role_specs import CROP_SIZE
from emotion_ros.node_config import default_settings
from emotion_ros.vision.boxes import Box, contains_centre, overlap
from emotion_ros.vision.crop_mesh import CROP_SIDE, crop_square, crop_to_frame, cut_square
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_detection import FaceDetector, FaceDetectorSettings
from emotion_ros.vision.face_mesh import DetectedFace, landmarks_roi, still_image_detector

MAX_FACES = 8
SAME_FACE_OVERLAP = 0.3  # boxes of two scan windows overlapping more than this are one face


def same_face(a: Box, b: Box) -> bool:
    """Whether two boxes are one face: they overlap, or one's centre lies inside the other (a
    window that saw half a face gives a small box inside the whole face's, IoU 0.27 in a group
    photo, which made a seventh face of six people)."""
    return overlap(a, b) > SAME_FACE_OVERLAP or contains_centre(a, b) or contains_centre(b, a)


def face_boxes(image_bgr: np.ndarray) -> list[Box]:
    """Every face box of the photo: the detector over the whole photo and each scan window, the
    boxes one face gives in several windows counted once (at most ``MAX_FACES``)."""
    detector = FaceDetector(default_settings(FaceDetectorSettings, "face_node"))
    try:
        height, width = image_bgr.shape[:2]
        found: list[Box] = []
        for window in detector.windows(width, height):
            for box in detector.detect(image_bgr, window):
                if not any(same_face(box, kept) for kept in found):
                    found.append(box)
        return found[:MAX_FACES]
    finally:
        detector.close()


def still_faces(image_bgr: np.ndarray) -> list[tuple[DetectedFace, FaceSample]]:
    """Each face of the photo (left to right, named "face 1", "face 2", ...) with its sample."""
    height, width = image_bgr.shape[:2]
    candidates = []
    with still_image_detector() as mesh:
        for box in face_boxes(image_bgr):
            x0, y0, side = crop_square(box)
            close_up = cut_square(image_bgr, x0, y0, side, CROP_SIDE)
            for face in mesh.detect(close_up)[:1]:
                points = crop_to_frame(face.landmarks, x0, y0, side)
                candidates.append(DetectedFace(points, landmarks_roi(points, width, height)))
    # a face that fills the photo (a cropped portrait, a data set image) is one the detector
    # often misses (it wants context around a face) and the whole-photo mesh finds: 4 against 17
    # of 20 FER2013 images
    with still_image_detector(MAX_FACES) as whole:
        candidates += whole.detect(image_bgr)
    detected: list[DetectedFace] = []
    for face in candidates:  # two boxes of one face can give one mesh twice
        if not any(same_face(face.roi, kept.roi) for kept in detected):
            detected.append(face)
    detected = sorted(detected[:MAX_FACES], key=lambda face: face.roi[0])
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    return [
        (face, FaceSample(f"face {number + 1}", face.landmarks, face.landmarks[None],
                          aligned_crop(grey, face.landmarks, CROP_SIZE)))
        for number, face in enumerate(detected)
    ]  # fmt: skip
