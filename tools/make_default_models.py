"""Makes the default models in models/ from real labelled faces and voices (see
emotion_ros/training/recipe/default_recipe.py): ONNX files, torch weights, cards with provenance and
held-out scores, models/evaluation/*.csv (the test predictions) and models/README.md.

    .venv/bin/python tools/make_default_models.py --data ~/datasets [--out models] [--seed 0]
        [--reuse lower_face,all_landmarks,temporal,appearance,occlusion,audio]

The data folder is made by tools/prepare_datasets.py. Face meshes, crops and speech features are
cached (--cache, default DATA/cache), so a second run skips their extraction. ``--reuse`` keeps
those roles' files in --out and trains the rest; the fusion model is always refitted, from the
leave-one-corpus-out readings a run that trains the audio model leaves in the cache. The face
models took 48 minutes on 2 CPU cores (``--reuse audio``), most of it the appearance CNN.
"""

import argparse
import sys
from pathlib import Path

from emotion_ros.training.recipe.default_recipe import REUSABLE, RecipeOptions, run, score_only
from emotion_ros.training.recipe.models_readme import write_models_readme


def main() -> int:
    """Check the arguments, run the recipe, write models/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with the data sets")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "models")
    parser.add_argument("--cache", type=Path, help="mesh and speech cache (default DATA/cache)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-epochs",
        type=int,
        help="cap every model's epochs (a quick smoke run, not the models)",
    )
    parser.add_argument(
        "--reuse",
        default="",
        help=f"roles to keep from --out instead of training, comma-separated: {','.join(REUSABLE)}",
    )
    parser.add_argument(
        "--score-only",
        action="store_true",
        help="train nothing: score the models already in --out on the held-out sets again",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        parser.error(f"--data {args.data} is not a folder (make it with tools/prepare_datasets.py)")
    if args.max_epochs is not None and args.max_epochs < 1:
        parser.error("--max-epochs must be at least 1")
    reuse = tuple(filter(None, args.reuse.split(",")))
    if unknown := sorted(set(reuse) - set(REUSABLE)):
        parser.error(f"--reuse: {', '.join(unknown)} cannot be reused (only {', '.join(REUSABLE)})")
    options = RecipeOptions(args.data, args.out, args.cache or args.data / "cache", args.seed,
                            args.max_epochs, reuse)  # fmt: skip
    try:
        scores = score_only(options) if args.score_only else run(options)
    except FileNotFoundError as exc:
        print(f"make_default_models: {exc}")
        return 2
    write_models_readme(args.out, scores)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
