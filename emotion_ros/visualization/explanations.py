"""What the models looked at: Grad-CAM of the appearance model on the face crop, and the
saliency of each landmark for the landmark models.

Grad-CAM (Selvaraju et al. 2017): the last convolution stage's feature maps, weighted by the
mean gradient of the predicted class's logit over each map, summed and rectified, upsampled to
the crop. Landmark saliency: the size of the gradient of the predicted class's logit with
respect to each landmark's normalised x, y, z. Both run the torch weights that ship beside the
ONNX files (``<role>.pt``), on the CPU.
"""

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from emotion_ros.landmarks.indices import LOWER_FACE_INDICES, NUM_LANDMARKS
from emotion_ros.landmarks.normalization import all_landmark_features, lower_face_features
from emotion_ros.models.backends import TorchBackend
from emotion_ros.models.model_card import load_card


@dataclass(frozen=True)
class Explanation:
    """One face's heat map over its crop and saliency per landmark, for the predicted class."""

    heat: np.ndarray  # (S, S) in [0, 1] over the appearance crop
    saliency: np.ndarray  # (478,) in [0, 1]; lower-face points from the lower-face model too
    class_index: int


class Explainer:
    """Loads the appearance and landmark models' torch weights once and explains faces."""

    def __init__(self, models: Path) -> None:
        self._models = {
            role: TorchBackend(load_card(models / f"{role}.yaml"), models, "cpu").model
            for role in ("appearance", "all_landmarks", "lower_face")
        }

    def grad_cam(self, crop: np.ndarray, class_index: int) -> np.ndarray:
        """(S, S) heat map in [0, 1] of the appearance model for ``class_index``."""
        model = self._models["appearance"]
        captured: dict[str, torch.Tensor] = {}
        hook = model.features.register_forward_hook(
            lambda _m, _i, out: captured.__setitem__("maps", out)
        )
        try:
            logits = model(torch.from_numpy(crop.astype(np.float32))[None])
            maps = captured["maps"]
            (gradient,) = torch.autograd.grad(logits[0, class_index], maps)
        finally:
            hook.remove()
        weights = gradient.mean(dim=(2, 3), keepdim=True)
        cams = torch.relu((weights * maps).sum(dim=1)).detach().numpy()
        # a mirror-averaging model read the crop and its mirror image: both readings count
        cam = cams[0] + cams[1][:, ::-1] if model.mirror_average else cams[0]
        cam = cv2.resize(cam, crop.shape[::-1], interpolation=cv2.INTER_CUBIC)
        return cam / cam.max() if cam.max() > 0 else cam

    def saliency(self, landmarks: np.ndarray, class_index: int) -> np.ndarray:
        """(478,) per-landmark saliency in [0, 1]: all-landmark model, plus the lower-face model
        on its 63 points."""
        total = np.zeros(NUM_LANDMARKS, np.float32)
        for role, features, indices in (
            ("all_landmarks", all_landmark_features, np.arange(NUM_LANDMARKS)),
            ("lower_face", lower_face_features, np.asarray(LOWER_FACE_INDICES)),
        ):
            x = torch.from_numpy(features(landmarks[None])).requires_grad_(True)
            logit = self._models[role](x)[0, class_index]
            (gradient,) = torch.autograd.grad(logit, x)
            total[indices] += gradient[0].reshape(-1, 3).norm(dim=1).numpy()
        return total / total.max() if total.max() > 0 else total

    def explain(self, crop: np.ndarray, landmarks: np.ndarray, class_index: int) -> Explanation:
        """Both explanations of one face for the class the pipeline predicted."""
        return Explanation(
            self.grad_cam(crop, class_index), self.saliency(landmarks, class_index), class_index
        )
