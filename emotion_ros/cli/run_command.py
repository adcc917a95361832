"""``emotion-ros run``: start a graph from config/graphs.yaml; print the emotions and what was said.

This is what ``ros2 launch emotion_ros webcam.launch.py`` does on a ROS install, for machines
without the ros2 CLI: every node runs as its own process with the same parameter files, and a node
that dies while the graph runs is started again (``graph/respawn.py``).
"""

import argparse
import time
from pathlib import Path
from typing import Any

from emotion_ros.cli.parameter_overrides import (
    add_set_argument,
    checked_overrides,
    parse_overrides,
)
from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import GraphConfigError, load_graph

OLD_STAMP_S = 10  # a latency this long is the stamp of a recording, not processing time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``run`` arguments."""
    parser.add_argument(
        "graph",
        nargs="?",
        default="default_input",
        help="graph name in config/graphs.yaml: default_input (bundled clip + speech, the "
        "default), webcam (camera + microphone) or processing (no sources, for bag replay)",
    )
    add_set_argument(parser, "this run")
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="stop after this many seconds (default: Ctrl-C)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not print each emotion")
    parser.add_argument(
        "--sim-time",
        action="store_true",
        help="every node takes its time from /clock (use_sim_time), as for a bag replayed "
        "with `emotion-ros replay --clock`: latencies are then measured in bag time",
    )
    parser.add_argument(
        "--log-dir", type=Path, default=None, help="write each node's output to DIR/<node>.log"
    )


def _clock(stamp: Any) -> str:
    return (
        f"{time.strftime('%H:%M:%S', time.localtime(stamp.sec))}.{stamp.nanosec // 1_000_000:03d}"
    )


def format_transcript(msg: Any) -> str:
    """One readable line per Transcript: when the utterance ended, the words, what they say."""
    best = max(range(len(msg.probabilities)), key=lambda k: msg.probabilities[k], default=None)
    scores = "" if best is None else f", {msg.class_names[best]} {msg.probabilities[best]:.2f}"
    return f"{_clock(msg.header.stamp)}  said {msg.text!r} (valence {msg.valence:+.2f}{scores})"


def format_emotion(msg: Any) -> str:
    """One readable line per EmotionStamped: time, face, label, confidence, V/A, modalities."""
    stamp = _clock(msg.header.stamp)
    latency_ms = (msg.latency.sec + msg.latency.nanosec * 1e-9) * 1e3
    audio = " (no audio)" if msg.audio_missing else ""
    return (
        f"{stamp}  {msg.face_id:8s} {msg.label:10s} {msg.confidence:4.2f}  "
        f"valence {msg.valence:+.2f} arousal {msg.arousal:+.2f}  "
        f"[{', '.join(msg.modalities)}]{audio}  {latency_ms:5.1f} ms"
    )


def say(line: str) -> None:
    """One line of ``emotion-ros run`` itself, told apart from the emotions and the nodes' logs."""
    print(f"emotion-ros run: {line}", flush=True)


def run(args: argparse.Namespace) -> int:
    """Start the graph, print emotions until Ctrl-C or --duration; return an exit code."""
    from emotion_ros.graph.topic_collector import TopicCollector
    from emotion_ros.msg import EmotionStamped, Transcript

    try:
        graph = load_graph(args.graph)
        overrides = checked_overrides(graph, parse_overrides(args.overrides))
        runner = GraphRunner(
            graph, overrides, log_dir=args.log_dir, report=say, sim_time=args.sim_time
        )
    except (GraphConfigError, ValueError) as exc:
        say(str(exc))
        return 2
    print(f"starting graph {graph.name!r}: {graph.description}")
    print("nodes: " + ", ".join(node.name for node in graph.nodes))
    received = 0
    told_old_stamps = args.sim_time

    def show(msg: Any) -> None:
        nonlocal received, told_old_stamps
        received += 1
        if not told_old_stamps and msg.latency.sec >= OLD_STAMP_S:
            told_old_stamps = True
            say(
                f"emotions come {msg.latency.sec} s after their frames' stamps: frames from a "
                "bag? Replay it with `emotion-ros replay --clock` and run with --sim-time "
                "for latencies in bag time"
            )
        if not args.quiet:
            print(format_emotion(msg), flush=True)

    with TopicCollector("emotion_ros_run_printer") as printer:
        printer.subscribe(EmotionStamped, "emotion", 50, on_message=show)
        if not args.quiet:
            printer.subscribe(
                Transcript, "speech/transcript", 10,
                on_message=lambda m: print(format_transcript(m), flush=True),
            )  # fmt: skip
        try:
            runner.start()
            say("every node is up; a node that exits from now on is restarted")
            deadline = None if args.duration is None else time.monotonic() + args.duration
            while deadline is None or time.monotonic() < deadline:
                runner.keep_running()
                time.sleep(0.1)
        except RuntimeError as exc:
            say(str(exc))
            return 1
        except KeyboardInterrupt:
            pass
        finally:
            runner.stop()
    restarted = ", ".join(f"{name} {n}" for name, n in runner.restarts().items() if n)
    print(f"stopped graph {graph.name!r}; {received} emotion messages received")
    if restarted:
        print(f"restarts: {restarted}")
    return 0
