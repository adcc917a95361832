"""``emotion-ros train``: train a model on your data; writes metrics, a confusion PNG, ONNX + card.

Each model is trained as the default recipe trains the shipped one (the same architecture,
hyper-parameters, per-batch augmentation and best-epoch choice); the first lines say how.

Examples:
    emotion-ros train --model lower_face --dataset mer --data MER2023/videos \\
        --labels MER2023/label-6way.csv --out my_models --folds 5
    emotion-ros train --model lower_face --dataset fer2013 --data fer2013.csv \\
        --labels fer2013new.csv --out my_models        # FER+ labels
    emotion-ros train --model audio --dataset crema-d --data CREMA-D/AudioWAV --out my_models

Point the fusion node at the result with ``models_dir:=my_models`` (or copy the files into
models/); the fusion node checks each card's checksum at start-up.
"""

import argparse
from pathlib import Path

from emotion_ros.training.train_job import DATASETS, MODELS, TrainJob
from emotion_ros.training.train_job import run as run_job


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``train`` arguments."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    parser.add_argument("--model", required=True, choices=MODELS)
    parser.add_argument(
        "--dataset", required=True, choices=list(DATASETS),
        help="; ".join(f"{k}: {v}" for k, v in DATASETS.items()),
    )  # fmt: skip
    parser.add_argument("--data", type=Path, required=True, help="the dataset's file or folder")
    parser.add_argument("--labels", type=Path, help="label CSV (MER) or FER+ votes (fer2013new)")
    parser.add_argument(
        "--label-scheme", default="names", choices=("names", "rafdb", "ckplus"),
        help="image-folder: class folder names, or RAF-DB / CK+ numbered folders",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--cache", type=Path, help="landmark cache folder (default <out>/cache/<dataset>)"
    )
    parser.add_argument(
        "--folds", type=int, default=1,
        help="k-fold by subject/video/speaker, at least 1 and at most their number (1: 80/20)",
    )  # fmt: skip
    parser.add_argument(
        "--epochs", type=int, help="at least 1 (default: the default recipe's for the model)"
    )
    parser.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace) -> int:
    """Train; print what was read and dropped, then the summary; exit code 2 for unusable input
    (refused before any data is read when the arguments cannot work)."""
    job = TrainJob(
        args.model, args.dataset, args.data, args.out, args.labels, args.label_scheme,
        args.cache, args.folds, args.epochs, args.seed,
    )  # fmt: skip
    try:
        summary = run_job(job, report=lambda line: print(line, flush=True))
    except (ValueError, FileNotFoundError) as exc:
        print(f"emotion-ros train: {exc}")
        return 2
    print(
        f"{summary['model']} on {summary['dataset']}: {summary['samples']} samples from "
        f"{summary['groups']} groups; accuracy {summary['mean_accuracy']:.3f}, macro-F1 "
        f"{summary['mean_macro_f1']:.3f} over {len(summary['folds'])} fold(s); wrote {args.out}"
    )
    return 0
