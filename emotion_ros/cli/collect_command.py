"""``emotion-ros collect``: record face keypoints with labels, for ``train --dataset keypoints``.

    emotion-ros collect --images my_faces --out my_keypoints              # label = folder name
    emotion-ros collect --video smiles.mp4 --label happy --subject S07 --out my_keypoints
    emotion-ros collect --webcam 0 --subject S07 --out my_keypoints       # keys 0-5 pick the label
    emotion-ros collect --topic image_raw --label-topic emotion/label --out my_keypoints

Live (a camera or an image topic), the label is the one chosen last: a key in the preview window
(0 Happy, 1 Angry, 2 Sad, 3 Neutral, 4 Surprised, 5 Worried, space: pause, q: stop) or a
std_msgs/String on --label-topic (a class name or synonym; anything else pauses). Nothing is
recorded while no label is chosen. Every face in a kept frame gets the label: record one person
at a time, with their consent. Each run writes one session file, <out>/<session>.npz (the format
is in emotion_ros/training/datasets/keypoint_dataset.py and the README); run again to add people.
"""

import argparse
import contextlib
import os
import queue
import time
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.training.datasets.class_maps import class_of
from emotion_ros.training.datasets.keypoint_dataset import KeypointWriter
from emotion_ros.training.features.keypoint_collection import FrameCollector, collect_photos
from emotion_ros.vision.frame_source import FrameSource, FrameSourceError
from emotion_ros.visualization.overlay import FaceOverlay, draw_faces

KEYS = {ord(str(k)): name for k, name in enumerate(CLASS_NAMES)}
WINDOW = "emotion-ros collect (0-5: label, space: pause, q: stop)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``collect`` arguments."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n", 2)[2]
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--images", type=Path, help="a folder with one folder of photos per class")
    source.add_argument("--video", type=Path, help="a video file (with --label)")
    source.add_argument("--webcam", help="a camera: index (0) or /dev/videoN")
    source.add_argument("--topic", help="a sensor_msgs/Image topic (or .../compressed)")
    parser.add_argument("--out", type=Path, required=True, help="the dataset folder")
    parser.add_argument("--session", help="session name (default: the date and time)")
    parser.add_argument("--subject", default="", help="who is recorded (default: each tracked "
                        "face is its own subject; photos: the file name's prefix)")  # fmt: skip
    parser.add_argument("--label", help="the class of a whole video (or the first live label)")
    parser.add_argument("--label-topic", help="std_msgs/String topic with the current label")
    parser.add_argument("--fps", type=float, default=5.0, help="frames kept per second (5)")
    parser.add_argument("--duration", type=float, help="stop a live session after this long (s)")
    parser.add_argument("--no-preview", action="store_true", help="live: no preview window")


def run(args: argparse.Namespace) -> int:
    """Collect one session; exit code 2 for arguments or a source that cannot work."""
    session = args.session or time.strftime("%Y%m%d-%H%M%S")
    try:
        label = _label(args.label) if args.label else None
        if args.video and label is None:
            raise ValueError("--video needs --label: the class of the whole video")
        if (args.webcam or args.topic) and args.no_preview and not args.label_topic:
            raise ValueError("without a preview window the label must come from --label-topic")
        writer = KeypointWriter(args.out, session)
        try:
            _collect(args, writer, label)
        except KeyboardInterrupt:  # Ctrl-C ends a live session: keep what was collected
            print("stopped")
    except (ValueError, FileExistsError, FrameSourceError) as exc:
        print(f"emotion-ros collect: {exc}")
        return 2
    writer.save()
    counts = Counter(row.label for row in writer.rows)
    subjects = len({row.subject for row in writer.rows})
    summary = ", ".join(f"{name} {counts[name]}" for name in CLASS_NAMES if counts[name])
    print(f"session {session}: {len(writer.rows)} faces of {subjects} subject(s)"
          f"{': ' + summary if summary else ''}")  # fmt: skip
    print(f"wrote {writer.path}" if writer.rows else "nothing recorded (no face with a label)")
    return 0


def _collect(args: argparse.Namespace, writer: KeypointWriter, label: str | None) -> None:
    if args.images:
        _photos(args.images, writer)
    elif args.video:
        _frames(FrameSource(str(args.video), loop=False), writer, args, label, preview=False)
    elif args.webcam:
        _needs_display(args)
        _frames(FrameSource(args.webcam), writer, args, label, not args.no_preview)
    else:
        _needs_display(args)
        _topic(writer, args, label)


def _label(text: str) -> str:
    index = class_of(text)
    if index is None:
        raise ValueError(f"label {text!r} is not one of {', '.join(CLASS_NAMES)} (or a synonym)")
    return CLASS_NAMES[index]


def _needs_display(args: argparse.Namespace) -> None:
    if not args.no_preview and not os.environ.get("DISPLAY"):
        raise ValueError("the preview window needs a display (DISPLAY is not set); use "
                         "--no-preview with --label-topic")  # fmt: skip


def _photos(folder: Path, writer: KeypointWriter) -> None:
    if not folder.is_dir():
        raise ValueError(f"--images {folder} is not a folder")
    dropped: Counter[str] = Counter()
    without_face = collect_photos(folder, writer, dropped, print)
    if dropped:
        print(f"dropped {dropped.total()} (not one of the six classes): "
              + ", ".join(f"{k} {n}" for k, n in sorted(dropped.items())))  # fmt: skip
    if without_face:
        print(f"no face found in {without_face.total()}: "
              + ", ".join(f"{k} {n}" for k, n in sorted(without_face.items())))  # fmt: skip


class _Preview:
    """The live window: the faces with the current label; keys change it."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def show(self, image: np.ndarray, faces: list[Any], label: str | None) -> str | None:
        """Draw and return the key's label, "" for pause, "quit", or None (no key)."""
        if not self.enabled:
            return None
        drawn = draw_faces(image, [FaceOverlay(f.face_id, f.face.roi, label or "paused")
                                   for f in faces])  # fmt: skip
        cv2.imshow(WINDOW, drawn)
        key = cv2.waitKey(1) & 0xFF
        if key in (ord("q"), 27):
            return "quit"
        if key == ord(" "):
            return ""
        return KEYS.get(key)

    def close(self) -> None:
        """Close the window."""
        if self.enabled:
            cv2.destroyAllWindows()


def _frames(
    source: FrameSource, writer: KeypointWriter, args: argparse.Namespace, label: str | None,
    preview: bool,
) -> None:  # fmt: skip
    """A video (stamps from its frame rate) or a camera (stamps from the clock)."""
    collector = FrameCollector(writer, args.subject, args.fps)
    window = _Preview(preview)
    period_ns = round(1e9 / (source.native_fps or 30.0))
    deadline = None if args.duration is None else time.monotonic() + args.duration
    name = str(args.video or f"camera {args.webcam}")
    try:
        for index, image in enumerate(source.frames()):
            stamp_ns = (index + 1) * period_ns if args.video else time.time_ns()
            faces = collector.add(image, stamp_ns, label, name, index)
            key = window.show(image, faces, label)
            if key == "quit" or (deadline is not None and time.monotonic() > deadline):
                break
            if key is not None:
                label = key or None
    finally:
        window.close()
        collector.close()
        source.close()


def _topic(writer: KeypointWriter, args: argparse.Namespace, label: str | None) -> None:
    """Frames from an image topic, labels from the preview's keys or a String topic."""
    from sensor_msgs.msg import CompressedImage, Image
    from std_msgs.msg import String

    from emotion_ros.graph.topic_collector import TopicCollector
    from emotion_ros.ros.qos import sensor_qos_from_parameter
    from emotion_ros.timestamps import stamp_to_ns
    from emotion_ros.vision.image_conversion import ImageConversionError, message_to_bgr

    frames: queue.Queue[Any] = queue.Queue(maxsize=2)  # the newest frames; older ones go
    labels: list[str | None] = [label]

    def on_image(msg: Any) -> None:
        while True:
            try:
                frames.put_nowait(msg)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    frames.get_nowait()  # the oldest waiting frame goes

    def on_label(msg: Any) -> None:
        index = class_of(msg.data)
        labels.append(None if index is None else CLASS_NAMES[index])

    collector = FrameCollector(writer, args.subject, args.fps)
    window = _Preview(not args.no_preview)
    deadline = None if args.duration is None else time.monotonic() + args.duration
    with TopicCollector("emotion_ros_collect") as ros:
        image_type = CompressedImage if args.topic.endswith("/compressed") else Image
        ros.subscribe(image_type, args.topic, sensor_qos_from_parameter("best_effort", 2),
                      on_message=on_image)  # fmt: skip
        if args.label_topic:
            ros.subscribe(String, args.label_topic, 10, on_message=on_label)
        print(f"collecting from {args.topic}" + (f", labels from {args.label_topic}"
              if args.label_topic else ", label keys 0-5 in the preview"))  # fmt: skip
        received = 0
        try:
            while deadline is None or time.monotonic() < deadline:
                try:
                    msg = frames.get(timeout=0.1)
                except queue.Empty:
                    continue
                try:
                    image = message_to_bgr(msg)
                except ImageConversionError as exc:
                    print(f"frame skipped: {exc}")
                    continue
                stamp_ns = stamp_to_ns(msg.header.stamp)
                faces = collector.add(image, stamp_ns, labels[-1], args.topic, received)
                received += 1
                key = window.show(image, faces, labels[-1])
                if key == "quit":
                    break
                if key is not None:
                    labels.append(key or None)
        finally:
            window.close()
            collector.close()
