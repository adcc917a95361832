"""MediaPipe's 478-point landmark model as ONNX (models/face_landmarks.onnx): many crops, one call.

MediaPipe runs its landmark model on one face per graph call and on the CPU only (its GPU path
is not in the Linux wheel). The same model, converted by tools/convert_face_landmarks.py, runs
here in onnxruntime on a batch of crops: on a GPU (onnxruntime's CUDAExecutionProvider, where
onnxruntime-gpu is installed) a frame's faces cost about one face. On the CPU it costs what
MediaPipe does per face (2.7-3 ms a face on one core, bench/bench_landmarks.py), so MediaPipe
stays the CPU default and this path gains there only from a second thread.

The file is loaded through its card (models/face_landmarks.yaml) and refused when its sha256
differs, like every model of the package. onnxruntime's threads do not spin-wait after a run
(see models/backends.py: spinning costs a core beside a camera).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotion_ros.models.model_card import ModelFileError, load_card, verify_file
from emotion_ros.vision.landmark_crop import MODEL_SIDE

CARD = "face_landmarks.yaml"  # in models_dir, or the package's models/
DEVICES = ("cpu", "cuda")
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


@dataclass(frozen=True)
class LandmarkBatch:
    """The model's answer for N crops: points in crop pixels and how sure it is of a face."""

    points: np.ndarray  # (N, 478, 3) float32, 192x192 crop pixels, z on x's scale
    presence: np.ndarray  # (N,) float32 in [0, 1]


def providers_for(device: str, available: list[str]) -> tuple[list[str], str]:
    """(onnxruntime providers, reason): CUDA first when ``device`` is cuda and onnxruntime has
    it, else the CPU, with a one-line reason when cuda was asked for and cannot be had.

    Raises:
        ValueError: a device other than cpu or cuda.
    """
    if device not in DEVICES:
        raise ValueError(f"landmark_device must be one of {', '.join(DEVICES)}, got {device!r}")
    if device == "cpu":
        return [CPU], ""
    if CUDA in available:
        return [CUDA, CPU], ""
    import onnxruntime

    return [CPU], (
        f"landmark_device 'cuda' was requested but onnxruntime {onnxruntime.__version__} has no "
        f"{CUDA} (it has {', '.join(available)}; install onnxruntime-gpu): the face landmarks "
        "run on the CPU"
    )


class LandmarkModel:
    """An onnxruntime session of the landmark model on ``device`` (cpu or cuda), with
    ``threads`` intra-op threads on the CPU.

    Raises (on construction):
        ModelFileError: the card or the model file is missing, corrupt, or not loadable.
        ValueError: a device other than cpu or cuda, or fewer than one thread.
    """

    def __init__(self, card_path: Path, device: str = "cpu", threads: int = 1) -> None:
        import onnxruntime

        if threads < 1:
            raise ValueError(f"the landmark model needs at least one thread, got {threads}")
        providers, self.fallback_reason = providers_for(
            device, onnxruntime.get_available_providers()
        )
        card = load_card(card_path)
        path = verify_file(Path(card_path).parent, card.file, card.sha256)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = onnxruntime.InferenceSession(str(path), options, providers=providers)
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelFileError(f"onnxruntime cannot load {path}: {exc}") from exc
        if CUDA in providers and CUDA not in self._session.get_providers():
            # onnxruntime-gpu without the CUDA libraries it was built for falls back quietly
            self.fallback_reason = (
                f"landmark_device 'cuda' was requested but onnxruntime could not start {CUDA} "
                "(its CUDA or cuDNN libraries are missing): the face landmarks run on the CPU"
            )
        self.device = "cuda" if CUDA in self._session.get_providers() else "cpu"

    def run(self, crops: np.ndarray) -> LandmarkBatch:
        """The points and presence of (N, 192, 192, 3) float32 RGB crops in [0, 1]."""
        if crops.ndim != 4 or crops.shape[1:] != (MODEL_SIDE, MODEL_SIDE, 3):
            raise ValueError(
                f"expected (N, {MODEL_SIDE}, {MODEL_SIDE}, 3) crops, got {crops.shape}"
            )
        points, presence = self._session.run(
            ["landmarks", "face_presence"], {"input_1": np.ascontiguousarray(crops, np.float32)}
        )
        return LandmarkBatch(points, presence)
