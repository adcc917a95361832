"""Torch model -> ONNX file + torch weights + model card with checksums.

The ONNX file is what the nodes run on the CPU (onnxruntime); the torch weights let the same
model run on CUDA through torch, and be fine-tuned. Both are checksummed in the card.
"""

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.models.model_card import ModelCard, sha256_of
from emotion_ros.models.role_specs import SPECS, RoleSpec

OPSET = 18


def example_inputs(spec: RoleSpec) -> dict[str, torch.Tensor]:
    """Zero inputs of the role's example shapes (masks and spreads of ones), to trace the model
    with."""
    ones = ("mask", "available", "reference")
    return {
        name: torch.ones(shape) if name in ones else torch.zeros(shape)
        for name, shape in spec.shapes.items()
    }


def export_role(
    model: torch.nn.Module, role: str, out_dir: Path, name: str,
    classes: Sequence[str] = CLASS_NAMES, learned_features: dict[str, Any] | None = None,
    **card_fields: Any,
) -> ModelCard:  # fmt: skip
    """Export a model freshly trained for ``role``: its card takes the role's inputs, features
    and architecture arguments from the registry, so every trainer writes the same card, plus
    the ``learned_features`` that training measured (``TrainedModel.card_features``)."""
    spec = SPECS[role]
    return export_model(
        model, example_inputs(spec), spec.axes, out_dir, name, role, classes,
        features={**spec.features, **(learned_features or {})}, architecture_kwargs=spec.kwargs,
        **card_fields,
    )  # fmt: skip


def export_model(
    model: torch.nn.Module,
    example_inputs: dict[str, torch.Tensor],
    dynamic_axes: dict[str, dict[int, str]],
    out_dir: Path,
    name: str,
    role: str,
    classes: Sequence[str] = CLASS_NAMES,
    **card_fields: Any,
) -> ModelCard:
    """Write ``<name>.onnx``, ``<name>.pt`` and ``<name>.yaml`` into ``out_dir``; return the card.

    ``dynamic_axes`` maps input names to {axis: symbolic name}, e.g. {"features": {0: "batch"}}.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = model.eval().cpu()
    onnx_path, weights_path = out_dir / f"{name}.onnx", out_dir / f"{name}.pt"
    torch.onnx.export(
        model,
        tuple(example_inputs.values()),
        str(onnx_path),
        input_names=list(example_inputs),
        output_names=["logits"],
        dynamic_axes={**dynamic_axes, "logits": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,  # the TorchScript exporter keeps single-file models with no onnxscript pass
    )
    torch.save(model.state_dict(), weights_path)
    inputs = [
        {
            "name": key,
            "shape": [dynamic_axes.get(key, {}).get(i, size) for i, size in enumerate(t.shape)],
            "dtype": "float32",
        }
        for key, t in example_inputs.items()
    ]
    card = ModelCard(
        name=name,
        role=role,
        version=card_fields.pop("version", "1.0"),
        classes=list(classes),
        inputs=inputs,
        outputs=[{"name": "logits", "shape": ["batch", len(classes)], "dtype": "float32"}],
        file=onnx_path.name,
        sha256=sha256_of(onnx_path),
        architecture=type(model).__name__,
        torch_weights=weights_path.name,
        torch_weights_sha256=sha256_of(weights_path),
        created=datetime.date.today().isoformat(),
        **card_fields,
    )
    card.save(out_dir / f"{name}.yaml")
    return card
