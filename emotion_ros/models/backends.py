"""Running a carded model: onnxruntime on the CPU, torch on CUDA.

onnxruntime is the fastest on the CPU for these small models (0.2 ms vs 0.6 ms for the lower-face
MLP, shared/MEASURED.md) and needs no torch at run time. On a GPU, torch runs the same weights
(``<name>.pt``, checksummed in the card like the ONNX file): torch's CUDA build is what robots with
a GPU already have, while onnxruntime-gpu must match the CUDA version exactly.

torch is imported only where it can run the models: importing it takes 1.3-1.8 s of a node's
start-up, so ``auto`` on a CPU-only torch build resolves to the CPU without importing it.
"""

import importlib.util
import re
from pathlib import Path

import numpy as np

from emotion_ros.models.model_card import ModelCard, ModelFileError, verify_file

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(requested: str) -> tuple[str, str]:
    """Return (device, reason): the device to use and, when it is not what was asked, why.

    Raises:
        ValueError: for a device name other than auto, cpu or cuda.
    """
    if requested not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {requested!r}")
    if requested == "cpu" or (requested == "auto" and not _torch_built_with_cuda()):
        return "cpu", ""
    import torch

    if torch.cuda.is_available():
        return "cuda", ""
    if requested == "auto":
        return "cpu", ""
    return "cpu", (
        f"device 'cuda' was requested but torch {torch.__version__} sees no CUDA GPU "
        f"(built for CUDA {torch.version.cuda or 'none'}); running the models on the CPU"
    )


def _torch_built_with_cuda() -> bool:
    """Whether the installed torch can see a GPU at all, read from its ``torch/version.py``
    without importing it: torch's build writes ``cuda = None`` and ``hip = None`` there when it
    is CPU-only (``torch.cuda`` also drives ROCm GPUs, through ``hip``).

    Without torch there is no GPU path; a file this cannot read answers True, so that
    ``resolve_device`` imports torch and asks it.
    """
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return False
    try:
        text = (Path(spec.origin).parent / "version.py").read_text()
    except OSError:
        return True
    cpu_only = (r"^cuda\b[^=\n]*=\s*None\s*$", r"^hip\b[^=\n]*=\s*None\s*$")
    return not all(re.search(pattern, text, re.MULTILINE) for pattern in cpu_only)


class OnnxBackend:
    """An onnxruntime session on the CPU.

    Its thread pool does not spin-wait: by default onnxruntime's threads busy-wait after every
    run, which for five small models at 15 frames/s costs more than a whole core (71.7 ms of CPU
    per 66.7 ms frame, against 2.7 ms without spinning; bench/bench_models.py) and starves the
    face node beside it.
    """

    def __init__(self, card: ModelCard, directory: Path) -> None:
        import onnxruntime

        path = verify_file(directory, card.file, card.sha256)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelFileError(f"onnxruntime cannot load {path}: {exc}") from exc

    def run(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        """Return the logits for a batch."""
        return self._session.run(None, inputs)[0]


class TorchBackend:
    """The card's architecture with its torch weights, on a torch device (CUDA).

    On CUDA the model runs as captured CUDA graphs (models/cuda_graphs.py): these models are
    small enough that eager kernel launches, not arithmetic, would take most of their time.
    """

    def __init__(
        self, card: ModelCard, directory: Path, device: str, cuda_graphs: bool = True
    ) -> None:
        import torch

        from emotion_ros.models import architectures

        if not card.torch_weights:
            raise ModelFileError(f"card {card.name} names no torch weights; cannot run on {device}")
        path = verify_file(directory, card.torch_weights, card.torch_weights_sha256)
        model_class = getattr(architectures, card.architecture, None)
        if model_class is None:
            raise ModelFileError(f"card {card.name} names unknown architecture {card.architecture}")
        self._torch = torch
        self._device = torch.device(device)
        self._model = model_class(**card.architecture_kwargs)
        try:
            state = torch.load(path, map_location=self._device, weights_only=True)
            self._model.load_state_dict(state)
        except (RuntimeError, OSError) as exc:
            raise ModelFileError(f"cannot load torch weights {path}: {exc}") from exc
        self._model.to(self._device).eval()
        self._graphs = None
        if cuda_graphs and self._device.type == "cuda":
            from emotion_ros.models.cuda_graphs import CudaGraphRunner

            self._graphs = CudaGraphRunner(self._model, self._device)

    @property
    def model(self) -> "torch.nn.Module":  # noqa: F821 (torch is imported lazily)
        """The torch module (explanations take gradients through it)."""
        return self._model

    def run(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        """Return the logits for a batch (inputs copied to the device, logits back to the host)."""
        if self._graphs is not None:
            return self._graphs.run(list(inputs.values()))
        with self._torch.inference_mode():
            tensors = [self._torch.from_numpy(v).to(self._device) for v in inputs.values()]
            return self._model(*tensors).float().cpu().numpy()
