"""``emotion-ros export``: a torch checkpoint (state dict) -> ONNX + torch weights + model card.

For weights trained or fine-tuned outside ``emotion-ros train`` (e.g. in a notebook) with the
architectures in ``emotion_ros.models.architectures``. The card of the training run (``--card``)
is required: its feature spec, temperature and data provenance describe the weights, and a card
without them (``features: {}``, temperature 1.0) would feed the model features it was not trained
on and give uncalibrated probabilities without saying so.

    emotion-ros export --checkpoint lower_face.pt --card my_models/lower_face.yaml --out deploy
"""

import argparse
from pathlib import Path

import torch

from emotion_ros.models import architectures
from emotion_ros.models.export import example_inputs, export_model
from emotion_ros.models.model_card import ModelFileError, load_card
from emotion_ros.models.role_specs import SPECS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``export`` arguments."""
    parser.add_argument("--checkpoint", type=Path, required=True, help="torch state dict (.pt)")
    parser.add_argument(
        "--card",
        type=Path,
        required=True,
        help="card of the training run that made the weights (the <role>.yaml that emotion-ros "
        "train writes): role, architecture, feature spec, temperature and data are taken from it",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--temperature",
        type=float,
        default=None,
        help="replace the card's temperature (only when you calibrated these weights yourself)",
    )


def run(args: argparse.Namespace) -> int:
    """Export; exit code 2 when the card is unusable or the checkpoint does not fit it."""
    try:
        card = load_card(args.card)
    except ModelFileError as exc:
        print(f"emotion-ros export: {exc}")
        return 2
    if card.role not in SPECS or not hasattr(architectures, card.architecture):
        print(
            f"emotion-ros export: {args.card} is not a model card of this package (role "
            f"{card.role!r}, architecture {card.architecture!r}); roles: {', '.join(SPECS)}"
        )
        return 2
    model = getattr(architectures, card.architecture)(**card.architecture_kwargs)
    try:
        state = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    except OSError as exc:
        print(f"emotion-ros export: cannot read {args.checkpoint}: {exc.strerror or exc}")
        return 2
    # torch's unpickler fails on bytes that are not a checkpoint with whatever they trip over
    # (IndexError for a wav file, UnpicklingError for text): any of them means the same here.
    except Exception:
        state = None
    if not isinstance(state, dict):
        print(f"emotion-ros export: {args.checkpoint} is not a state dict saved with "
              "torch.save(model.state_dict(), path)")  # fmt: skip
        return 2
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        first = str(exc).splitlines()[1:2] or [str(exc)]  # torch: a heading, a line per key
        print(f"emotion-ros export: cannot load {args.checkpoint} into {card.architecture}: "
              f"{first[0].strip()}")  # fmt: skip
        return 2
    spec = SPECS[card.role]
    exported = export_model(
        model, example_inputs(spec), spec.axes, args.out, card.name, card.role, card.classes,
        version=card.version,
        architecture_kwargs=card.architecture_kwargs,
        features=card.features,
        temperature=card.temperature if args.temperature is None else args.temperature,
        training={**card.training,
                  "exported": f"emotion-ros export --checkpoint {args.checkpoint} "
                              f"--card {args.card}"},
        metrics=card.metrics,
    )  # fmt: skip
    print(f"wrote {args.out / exported.file} and {args.out / (card.name + '.yaml')}")
    return 0
