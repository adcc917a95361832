"""``emotion-ros export``: a torch checkpoint (state dict) -> ONNX + torch weights + model card.

For models trained outside ``emotion-ros train`` (e.g. fine-tuned in a notebook) with the
architectures in ``emotion_ros.models.architectures``.
"""

import argparse
from pathlib import Path

import torch

from emotion_ros.audio.features import DEFAULT_LOG_MEL, frames_for
from emotion_ros.models import architectures
from emotion_ros.models.export import export_model

ROLES = {
    "lower_face": ("LowerFaceMLP", {"features": (1, 189)}),
    "all_landmarks": ("AllLandmarkModel", {"features": (1, 1434)}),
    "temporal": ("TemporalModel", {"frames": (1, 16, 1434), "mask": (1, 16)}),
    "audio": ("AudioModel", {"log_mel": (1, frames_for(DEFAULT_LOG_MEL), DEFAULT_LOG_MEL.n_mels)}),
    "fusion": ("FusionModel", {"log_probs": (1, 4, 6), "available": (1, 4)}),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``export`` arguments."""
    parser.add_argument("--checkpoint", type=Path, required=True, help="torch state dict (.pt)")
    parser.add_argument("--role", required=True, choices=list(ROLES))
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--temperature", type=float, default=1.0)


def run(args: argparse.Namespace) -> int:
    """Export; exit code 2 when the checkpoint does not fit the architecture."""
    class_name, shapes = ROLES[args.role]
    model = getattr(architectures, class_name)()
    try:
        model.load_state_dict(torch.load(args.checkpoint, map_location="cpu", weights_only=True))
    except (RuntimeError, OSError) as exc:
        print(f"emotion-ros export: cannot load {args.checkpoint} into {class_name}: {exc}")
        return 2
    inputs = {name: torch.zeros(shape) for name, shape in shapes.items()}
    axes = {
        name: {0: "batch", **({1: "time"} if args.role == "temporal" else {})} for name in inputs
    }
    card = export_model(
        model, inputs, axes, args.out, args.role, args.role, temperature=args.temperature,
        training={"recipe": f"emotion-ros export --checkpoint {args.checkpoint}"},
    )  # fmt: skip
    print(f"wrote {args.out / card.file} and {args.out / (args.role + '.yaml')}")
    return 0
