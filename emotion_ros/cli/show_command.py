"""``emotion-ros show``: a photo, a video or a bag with every face's box, id, label, a bar per
class and valence/arousal drawn (the drawing of the overlay node's emotion/debug_image).

    emotion-ros show photo.jpg                        # -> ./photo-shown.png
    emotion-ros show clip.mp4 --out clip-shown.mp4    # every frame, tracked ids
    emotion-ros show my_session --frame 120           # -> ./my_session-frame120-shown.png

Without --out the picture or video goes into the current directory (not beside the source,
which may be the checkout's data/), named after the source. Each face's box and number are drawn
on the frame; its label, valence/arousal and bars go into a panel beside it, one row per face.
A photo's faces are judged one still image at a time; a video's and a bag's frames go through the
face and fusion nodes' work in order (tracking, temporal model, smoothing; a bag's audio and what
was said too), as offline evaluation runs them.
"""

import argparse
from collections.abc import Iterator
from pathlib import Path

import cv2

from emotion_ros.bags.bag_reader import BagError
from emotion_ros.models.model_card import ModelFileError
from emotion_ros.vision.frame_source import IMAGE_SUFFIXES, FrameSourceError
from emotion_ros.visualization.show import ShownFrame, show_bag, show_photo, show_video

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``show`` arguments."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    parser.add_argument("source", type=Path, help="an image, a video file, or a bag")
    parser.add_argument(
        "--out", type=Path, default=None,
        help="PNG (a photo, or --frame of a video/bag) or video file (.mp4, .avi) to write; "
        "default ./<source>[-frame<N>]-shown.png / .mp4",
    )  # fmt: skip
    parser.add_argument("--frame", type=int, default=None, help="write only this frame (from 0)")
    parser.add_argument("--models", default="", help="models folder (default: shipped models)")


def default_output(source: Path, what: str, suffix: str, frame: int | None) -> Path:
    """``<source>[-frame<N>]-<what><suffix>`` in the current directory: the user's place, not
    the source's folder (the checkout's data/ for the bundled clip), one name per frame."""
    return Path(f"{source.stem}{'' if frame is None else f'-frame{frame}'}-{what}{suffix}")


def replacing(out: Path) -> str:
    """What to add to "wrote <out>" so that an older file of that name is not replaced
    silently."""
    return " (replaced the older file)" if out.exists() else ""


def must_exist(source: Path) -> None:
    """Raise for a source that is not there, before guessing what kind of source it is.

    Raises:
        BagError: ``source`` does not exist.
    """
    if not source.exists():
        raise BagError(f"{source} does not exist")


def _frames(args: argparse.Namespace) -> tuple[Iterator[ShownFrame], float]:
    """The drawn frames and their rate (frames per second; 0 for a photo)."""
    must_exist(args.source)
    suffix = args.source.suffix.lower()
    if args.source.is_file() and suffix in IMAGE_SUFFIXES:
        image = cv2.imread(str(args.source), cv2.IMREAD_COLOR)
        if image is None:
            raise BagError(f"cannot read {args.source} as an image")
        return iter([show_photo(image, args.models)]), 0.0
    if args.source.is_file() and suffix in VIDEO_SUFFIXES:
        capture = cv2.VideoCapture(str(args.source))
        fps = capture.get(cv2.CAP_PROP_FPS) or 15.0
        capture.release()
        return show_video(args.source, args.models), fps
    if args.source.is_dir() or suffix == ".mcap":
        return show_bag(args.source, args.models, args.frame), 15.0
    raise BagError(f"{args.source} is not an image, a video ({', '.join(VIDEO_SUFFIXES)}) or a bag")


def run(args: argparse.Namespace) -> int:
    """Draw and write; exit code 2 for an unreadable source or models or a frame out of range."""
    try:
        frames, fps = _frames(args)
        still = fps == 0.0 or args.frame is not None
        out = args.out or default_output(
            args.source, "shown", ".png" if still else ".mp4", args.frame
        )
        if not still and out.suffix.lower() == ".png":
            raise BagError("a PNG holds one frame: give --frame N (or --out a video file)")
        out.parent.mkdir(parents=True, exist_ok=True)
        replaced = replacing(out)
        written = _write(frames, out, fps, args.frame)
    except (BagError, ModelFileError, FileNotFoundError, FrameSourceError) as exc:
        print(f"emotion-ros show: {exc}")
        return 2
    if written is None:
        print(f"emotion-ros show: {args.source} has no frame {args.frame}")
        return 2
    print(f"wrote {out}{replaced}: {written}")
    return 0


def _write(frames: Iterator[ShownFrame], out: Path, fps: float, only: int | None) -> str | None:
    """Write one frame (a photo, or ``only``) as an image or all frames as a video; say what."""
    if fps == 0.0 or only is not None:
        for frame in frames:
            if only is None or frame.index == only:
                cv2.imwrite(str(out), frame.image)
                for face in frame.faces:
                    print(f"{face.face_id}: {face.label} {face.confidence:.2f} at {face.roi}")
                return f"frame {frame.index}, {len(frame.faces)} face(s)"
        return None
    writer, count, with_faces = None, 0, 0
    fourcc = cv2.VideoWriter_fourcc(*("MJPG" if out.suffix.lower() == ".avi" else "mp4v"))
    for frame in frames:
        if writer is None:
            height, width = frame.image.shape[:2]
            writer = cv2.VideoWriter(str(out), fourcc, fps, (width, height))
        writer.write(frame.image)
        count += 1
        with_faces += bool(frame.faces)
    if writer is not None:
        writer.release()
    return f"{count} frames, {with_faces} with faces"
