"""``emotion-ros replay``: publish a bag's topics into the live graph (like ``ros2 bag play``).

emotion-ros replay data/eval/labelled.mcap --rate 0.5 --clock
"""

import argparse
from pathlib import Path

from tqdm import tqdm

from emotion_ros.bags.bag_reader import BagError, open_bag
from emotion_ros.bags.replayer import replay


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``replay`` arguments."""
    parser.add_argument("bag", type=Path, help="rosbag2 folder or .mcap file")
    parser.add_argument("--topics", nargs="*", help="only these topics (default: all)")
    parser.add_argument("--rate", type=float, default=1.0, help="speed factor (2 = twice as fast)")
    parser.add_argument("--clock", action="store_true", help="publish /clock for use_sim_time")


def run(args: argparse.Namespace) -> int:
    """Replay; exit code 2 for an unreadable bag."""
    from emotion_ros.graph.topic_collector import TopicCollector

    try:
        reader = open_bag(args.bag)
        total, duration = reader.message_count, (reader.end_time - reader.start_time) / 1e9
        reader.close()
    except BagError as exc:
        print(f"emotion-ros replay: {exc}")
        return 2
    print(f"replaying {args.bag}: {total} messages, {duration:.1f} s of bag time at x{args.rate}")
    with TopicCollector("emotion_ros_replay") as io, tqdm(total=total, unit="msg") as bar:
        result = replay(io.node, args.bag, args.topics, args.rate, args.clock,
                        on_message=lambda _topic, _t: bar.update())  # fmt: skip
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(", ".join(f"{topic}: {n}" for topic, n in result.published.items()))
    return 0
