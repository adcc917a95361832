"""``emotion-ros record``: record topics into a rosbag2 bag that ``ros2 bag play`` can read.

emotion-ros record -o session1 image_raw audio_stamped audio_info --compress-images --duration 60
emotion-ros record -o out emotion:emotion_ros/msg/EmotionStamped   # type given, no discovery

Raw 640x480 frames at 15 fps make about 830 MB a minute; ``--compress-images`` writes them as JPEG
on ``image_raw/compressed`` (42 MB a minute on the bundled clip and speech, see the README).
"""

import argparse
import time
from pathlib import Path

from rosbags.rosbag2 import WriterError

from emotion_ros.ros.bag_recorder import STORAGES, BagRecorder, discover_types


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``record`` arguments."""
    parser.add_argument("topics", nargs="+", help="TOPIC or TOPIC:TYPE (e.g. emotion_ros/msg/...)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="bag folder to create")
    parser.add_argument("--storage", choices=list(STORAGES), default="mcap")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--max-messages", type=int, help="stop after this many messages in all")
    parser.add_argument(
        "--compress-images",
        action="store_true",
        help="write sensor_msgs/Image topics as JPEG CompressedImage on <topic>/compressed "
        "(a face node takes them on replay when no raw images are published)",
    )
    parser.add_argument("--jpeg-quality", type=int, default=90, help="with --compress-images")


def run(args: argparse.Namespace) -> int:
    """Record until Ctrl-C, --duration or --max-messages; exit code 2 for bad topics or a bag
    that cannot be written."""
    from emotion_ros.graph.topic_collector import TopicCollector

    if args.output.exists():  # said before the topics are discovered, which takes seconds
        print(f"emotion-ros record: {args.output} exists already; name a new bag folder")
        return 2
    given = dict(t.split(":", 1) for t in args.topics if ":" in t)
    with TopicCollector("emotion_ros_record") as io:
        try:
            undiscovered = [t for t in args.topics if ":" not in t]
            topics = {**given, **(discover_types(io.node, undiscovered) if undiscovered else {})}
            quality = args.jpeg_quality if args.compress_images else None
            recorder = BagRecorder(io.node, args.output, topics, args.storage, quality)
        except (ValueError, FileExistsError, WriterError) as exc:
            print(f"emotion-ros record: {exc}")
            return 2
        print(f"recording {', '.join(recorder.counts)} into {args.output} ({args.storage}); "
              "Ctrl-C stops")  # fmt: skip
        started = time.monotonic()
        try:
            while args.duration is None or time.monotonic() - started < args.duration:
                if args.max_messages and sum(recorder.counts.values()) >= args.max_messages:
                    break
                time.sleep(0.05)
        except KeyboardInterrupt:
            pass
        finally:
            recorder.close()
    elapsed = time.monotonic() - started
    print(", ".join(f"{topic}: {n}" for topic, n in recorder.counts.items()))
    for topic, n in recorder.skipped.items():
        if n:
            print(f"warning: {topic}: {n} images could not be encoded; skipped")
    size = sum(f.stat().st_size for f in args.output.rglob("*") if f.is_file())
    print(f"{size / 1e6:.1f} MB in {elapsed:.1f} s: {size / 1e6 / elapsed * 60:.0f} MB per minute")
    return 0
