"""Explain every face of one frame: find the faces, predict, explain, draw.

``emotion-ros explain`` calls this for a photo or for one frame of a bag. The faces are those of
``still_faces`` (as ``emotion-ros show`` finds them), and the probabilities are the fusion node's
for a still face without audio.
"""

from pathlib import Path

import numpy as np

from emotion_ros.models.emotion_pipeline import EmotionPipeline, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.visualization.explanation_figure import ExplainedFace, explanation_figure
from emotion_ros.visualization.explanations import Explainer
from emotion_ros.visualization.still_faces import still_faces


def explain_frame(image_bgr: np.ndarray, models: Path) -> tuple[np.ndarray, list[ExplainedFace]]:
    """The explanation picture of ``image_bgr`` and what it shows, face by face (left to right)."""
    pipeline = EmotionPipeline(ModelSet.load(role_cards(models), "cpu"))
    explainer = Explainer(models)
    faces = []
    for face, sample in still_faces(image_bgr):
        crop = sample.crop
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
