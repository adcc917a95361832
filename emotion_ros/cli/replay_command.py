"""``emotion-ros replay``: publish a bag's inputs into the live graph (like ``ros2 bag play``).

emotion-ros replay data/eval/labelled --rate 0.5 --clock

By default only the graph's inputs are played (camera images, audio, audio_info): a bag recorded
from a running graph also holds its outputs (``emotion``, ``faces/landmarks`` ...), which would
mix with what the live graph computes. ``--all`` plays every topic, ``--topics`` the ones named.
"""

import argparse
from pathlib import Path

from tqdm import tqdm

from emotion_ros.bags.bag_reader import BagError, open_bag
from emotion_ros.bags.graph_inputs import split_inputs
from emotion_ros.ros.bag_replayer import replay


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``replay`` arguments."""
    parser.add_argument("bag", type=Path, help="rosbag2 folder or .mcap file")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--topics", nargs="+", help="only these topics (default: the graph's inputs)"
    )
    chosen.add_argument(
        "--all", action="store_true", help="every topic, recorded outputs (emotion ...) included"
    )
    parser.add_argument("--rate", type=float, default=1.0, help="speed factor (2 = twice as fast)")
    parser.add_argument("--clock", action="store_true", help="publish /clock for use_sim_time")


def run(args: argparse.Namespace) -> int:
    """Replay; exit code 2 for an unreadable bag."""
    from emotion_ros.graph.topic_collector import TopicCollector

    try:
        reader = open_bag(args.bag)
        types = {c.topic: c.msgtype for c in reader.connections}
        counts = {c.topic: c.msgcount for c in reader.connections}
        duration = (reader.end_time - reader.start_time) / 1e9
        reader.close()
    except BagError as exc:
        print(f"emotion-ros replay: {exc}")
        return 2
    topics = args.topics or (list(types) if args.all else split_inputs(types)[0])
    skipped = [topic for topic in types if topic not in topics]
    total = sum(counts.get(topic, 0) for topic in topics)
    print(f"replaying {args.bag}: {', '.join(topics) or 'nothing'} ({total} messages, "
          f"{duration:.1f} s of bag time at x{args.rate})")  # fmt: skip
    if skipped and not args.topics:
        print(f"not replayed (not inputs of the graph; --all replays them): {', '.join(skipped)}")
    if not topics:
        return 0
    if args.clock:
        print("publishing /clock: run the nodes with use_sim_time (emotion-ros run --sim-time)")
    with TopicCollector("emotion_ros_replay") as io, tqdm(total=total, unit="msg") as bar:
        result = replay(io.node, args.bag, topics, args.rate, args.clock,
                        on_message=lambda _topic, _t: bar.update())  # fmt: skip
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(", ".join(f"{topic}: {n}" for topic, n in result.published.items()))
    return 0
