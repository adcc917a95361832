"""``emotion-ros record``: record topics into a rosbag2 bag that ``ros2 bag play`` can read.

emotion-ros record -o session1 image_raw audio_stamped emotion --duration 60
emotion-ros record -o out emotion:emotion_ros/msg/EmotionStamped   # type given, no discovery
"""

import argparse
import time
from pathlib import Path

from emotion_ros.bags.recorder import STORAGES, BagRecorder, discover_types


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``record`` arguments."""
    parser.add_argument("topics", nargs="+", help="TOPIC or TOPIC:TYPE (e.g. emotion_ros/msg/...)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="bag folder to create")
    parser.add_argument("--storage", choices=list(STORAGES), default="mcap")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--max-messages", type=int, help="stop after this many messages in all")


def run(args: argparse.Namespace) -> int:
    """Record until Ctrl-C, --duration or --max-messages; exit code 2 for bad topics."""
    from emotion_ros.graph.topic_collector import TopicCollector

    given = dict(t.split(":", 1) for t in args.topics if ":" in t)
    with TopicCollector("emotion_ros_record") as io:
        try:
            undiscovered = [t for t in args.topics if ":" not in t]
            topics = {**given, **(discover_types(io.node, undiscovered) if undiscovered else {})}
            recorder = BagRecorder(io.node, args.output, topics, args.storage)
        except (ValueError, FileExistsError) as exc:
            print(f"emotion-ros record: {exc}")
            return 2
        print(f"recording {', '.join(topics)} into {args.output} ({args.storage}); Ctrl-C stops")
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
    print(", ".join(f"{topic}: {n}" for topic, n in recorder.counts.items()))
    return 0
