"""Explain every face of one frame: find the faces, predict, explain, draw.

``emotion-ros explain`` calls this for a photo or for one frame of a bag. The faces are found
and cropped as in training (still-image mesh, the node's crop alignment), and the probabilities
are the fusion node's for a still face without audio.
"""

from pathlib import Path

import cv2
import numpy as np

from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.models.role_specs import CROP_SIZE
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import still_image_detector
from emotion_ros.visualization.explanation_figure import ExplainedFace, explanation_figure
from emotion_ros.visualization.explanations import Explainer

MAX_FACES = 8


def explain_frame(image_bgr: np.ndarray, models: Path) -> tuple[np.ndarray, list[ExplainedFace]]:
    """The explanation picture of ``image_bgr`` and what it shows, face by face (left to right)."""
    pipeline = EmotionPipeline(ModelSet.load(role_cards(models), "cpu"))
    explainer = Explainer(models)
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    with still_image_detector(MAX_FACES) as detector:
        detected = detector.detect(image_bgr)
    faces = []
    for number, face in enumerate(detected):
        crop = aligned_crop(grey, face.landmarks, CROP_SIZE)
        sample = FaceSample(f"face {number + 1}", face.landmarks, face.landmarks[None], crop)
        [output] = pipeline.predict([sample], None)
        best = int(np.argmax(output.probabilities))
        x, y, w, h = face.roi
        pad = max(w, h) // 5
        x0, y0 = max(0, x - pad), max(0, y - pad)
        region = image_bgr[y0 : y + h + pad, x0 : x + w + pad]
        landmarks = face.landmarks - np.array([x0, y0, 0], np.float32)
        faces.append(
            ExplainedFace(
                sample.face_id, crop, region, landmarks,
                explainer.explain(crop, face.landmarks, best),
                pipeline.class_names, output.probabilities.tolist(),
            )
        )  # fmt: skip
    return explanation_figure(faces), faces
