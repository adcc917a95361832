"""Is the upper face (eyes, brows) or the lower face (nose, mouth) hidden? From the aligned crop.

A face mask or a VR headset hides half of the face, and MediaPipe still fits a whole mesh to it:
the hidden half is a guess. The occlusion model (a small CNN, ``occlusion.onnx`` with its card
in models/) looks at the face crop and says how likely each half is visible, so the fusion node
can leave out the emotion models that would read the hidden half. It learned from real faces
with masks, headsets and hands pasted on (``training/occluders.py``).
"""

from pathlib import Path

import numpy as np

from emotion_ros.models.backends import OnnxBackend
from emotion_ros.models.model_card import ModelFileError, load_card

ROLE = "occlusion"
# the model's four classes; their order is the card's (and training/occluders.py's)
CLASSES = ("visible", "upper_face_hidden", "lower_face_hidden", "both_hidden")


class OcclusionModel:
    """Visibility of the upper and lower face for batches of aligned grey crops."""

    def __init__(self, card_path: Path) -> None:
        """Load the card and its ONNX file (checked against the card's checksum).

        Raises:
            ModelFileError: a missing or corrupt file, or a card of another role.
        """
        card = load_card(card_path)
        if card.role != ROLE or tuple(card.classes) != CLASSES:
            raise ModelFileError(f"{card_path} is not an occlusion model card ({CLASSES})")
        self.crop_size = int(card.inputs[0]["shape"][-1])
        self.temperature = card.temperature
        self._backend = OnnxBackend(card, Path(card_path).parent)

    def visibility(self, crops: np.ndarray) -> np.ndarray:
        """(B, 2): how likely the upper and the lower face are visible, for (B, S, S) crops."""
        logits = self._backend.run({"crop": np.asarray(crops, dtype=np.float32)})
        return visibility_from_logits(logits / self.temperature)


def visibility_from_logits(logits: np.ndarray) -> np.ndarray:
    """(B, 2) visibility of the upper and lower face from the four classes' logits."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = shifted / shifted.sum(axis=1, keepdims=True)
    upper = p[:, CLASSES.index("visible")] + p[:, CLASSES.index("lower_face_hidden")]
    lower = p[:, CLASSES.index("visible")] + p[:, CLASSES.index("upper_face_hidden")]
    return np.stack([upper, lower], axis=1).astype(np.float32)
