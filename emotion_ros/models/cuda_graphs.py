"""Small models on a GPU as replayed CUDA graphs: one launch per model and frame, not dozens.

The emotion models are a few small layers each, so on a GPU their time is kernel launches, not
arithmetic: the lower-face MLP took 190 us a call eagerly and 26 us as a captured CUDA graph on an
H100 (shared/MEASURED.md). A graph is captured per input shape (the number of faces and the
history length change rarely: a room's faces, a history that fills up once), on first use, into
static input and output buffers; a frame copies its inputs in, replays the graph and copies the
output back. Shapes beyond ``MAX_GRAPHS`` run eagerly, so a crowd whose size keeps changing
cannot fill the GPU's memory with graphs; so does everything after a capture failed (a model or
torch build that cannot be captured), with the reason in ``failure``.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

MAX_GRAPHS = 64  # captured shapes per model
WARM_UP_RUNS = 3  # eager runs on a side stream before a capture (cuBLAS picks its kernels)

Shapes = tuple[tuple[int, ...], ...]


class CudaGraphRunner:
    """Runs ``forward`` (a CUDA torch module's call) on numpy inputs through captured graphs."""

    def __init__(self, forward: Callable[..., Any], device: Any) -> None:
        import torch

        self._torch = torch
        self._forward = forward
        self._device = device
        self._graphs: dict[Shapes, tuple[list[Any], Any, Any]] = {}
        self.failure = ""  # why capturing failed; then every call runs eagerly

    @property
    def captured(self) -> int:
        """How many input shapes have a graph."""
        return len(self._graphs)

    def run(self, inputs: Sequence[np.ndarray]) -> np.ndarray:
        """The forward pass's output for ``inputs``, as float32 numpy."""
        torch = self._torch
        shapes = tuple(tuple(v.shape) for v in inputs)
        entry = self._graphs.get(shapes)
        if entry is None:
            if self.failure or len(self._graphs) >= MAX_GRAPHS:
                return self._eager(inputs)
            try:
                entry = self._capture(inputs)
            except RuntimeError as exc:  # torch reports capture errors as RuntimeError
                self.failure = f"CUDA graph capture failed, running eagerly: {exc}"
                return self._eager(inputs)
            self._graphs[shapes] = entry
        static_inputs, graph, static_output = entry
        for buffer, value in zip(static_inputs, inputs, strict=True):
            buffer.copy_(torch.from_numpy(value))
        graph.replay()
        return static_output.float().cpu().numpy()

    def _eager(self, inputs: Sequence[np.ndarray]) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode():
            tensors = [torch.from_numpy(v).to(self._device) for v in inputs]
            return self._forward(*tensors).float().cpu().numpy()

    def _capture(self, inputs: Sequence[np.ndarray]) -> tuple[list[Any], Any, Any]:
        torch = self._torch
        static_inputs = [torch.from_numpy(v).to(self._device) for v in inputs]
        side = torch.cuda.Stream(self._device)
        side.wait_stream(torch.cuda.current_stream(self._device))
        with torch.no_grad(), torch.cuda.stream(side):
            for _ in range(WARM_UP_RUNS):
                self._forward(*static_inputs)
        torch.cuda.current_stream(self._device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.no_grad(), torch.cuda.graph(graph):
            static_output = self._forward(*static_inputs)
        return static_inputs, graph, static_output
