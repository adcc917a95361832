"""``emotion-ros explain``: what the models looked at, for every face of a photo or a bag frame.

    emotion-ros explain photo.jpg                     # -> ./photo-explained.png
    emotion-ros explain my_session --frame 120 --out frame120.png

Per face: the appearance model's Grad-CAM heat map over the aligned crop, every landmark drawn by
its saliency for the landmark models, and the fused probabilities (no audio).
"""

import argparse
from pathlib import Path

import cv2

from emotion_ros.bags.bag_reader import BagError, image_frame
from emotion_ros.cli.show_command import default_output, must_exist, replacing
from emotion_ros.models.model_card import ModelFileError
from emotion_ros.package_paths import share_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``explain`` arguments."""
    parser.add_argument("source", type=Path, help="an image file, or a bag (folder or .mcap)")
    parser.add_argument("--frame", type=int, default=0, help="which image of a bag (from 0)")
    parser.add_argument(
        "--out", type=Path, default=None,
        help="PNG to write; default ./<source>-explained.png (a bag: <bag>-frame<N>-explained.png)",
    )  # fmt: skip
    parser.add_argument(
        "--models", type=Path, default=None, help="models folder (default: shipped)"
    )


def run(args: argparse.Namespace) -> int:
    """Explain; exit code 2 for an unreadable source or models, 1 when no face is found."""
    from emotion_ros.visualization.explain_frame import explain_frame

    try:
        must_exist(args.source)
        photo = args.source.is_file() and args.source.suffix.lower() != ".mcap"
        if photo:
            image = cv2.imread(str(args.source), cv2.IMREAD_COLOR)
            if image is None:
                raise BagError(f"cannot read {args.source} as an image")
        else:
            image = image_frame(args.source, args.frame)
        figure, faces = explain_frame(image, args.models or share_path("models"))
    except (BagError, ModelFileError, FileNotFoundError) as exc:
        print(f"emotion-ros explain: {exc}")
        return 2
    if not faces:
        print(f"emotion-ros explain: no face found in {args.source}")
        return 1
    out = args.out or default_output(
        args.source, "explained", ".png", None if photo else args.frame
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    replaced = replacing(out)
    cv2.imwrite(str(out), figure)
    for face in faces:
        best = face.explanation.class_index
        print(f"{face.face_id}: {face.class_names[best]} {face.probabilities[best]:.2f}")
    print(f"wrote {out}{replaced}")
    return 0
