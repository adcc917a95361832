"""Entry point of ``emotion-ros``: run the graph, record, replay, evaluate, train, show, collect.

Each subcommand lives in ``emotion_ros/cli/<name>_command.py`` with ``add_arguments(parser)`` and
``run(args) -> int``. Modules are imported only for the subcommand that runs, so ``emotion-ros
--help`` stays fast and a subcommand's heavy imports (torch, rclpy) cost nothing elsewhere.
"""

import argparse
import importlib
import signal
import sys
from types import ModuleType

SUBCOMMANDS: dict[str, str] = {
    "run": "Start a node graph from config/graphs.yaml as separate processes.",
    "record": "Record topics into a rosbag2 bag (mcap or sqlite3).",
    "replay": "Publish a bag's topics into the live graph in real time or at a rate.",
    "evaluate": "Replay a labelled bag through the graph (or offline) and write a report.",
    "train": "Train a model on a dataset and write its ONNX file and model card.",
    "export": "Export a trained checkpoint to ONNX with its model card.",
    "explain": "Draw what the models looked at for every face of a photo or a bag frame.",
    "show": "Draw every face's box, id, emotions and valence/arousal on a photo, video or bag.",
    "collect": "Record labelled face keypoints from photos, a video, a camera or an image topic.",
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"emotion_ros.cli.{name}_command")


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """Return the parser; only the subcommand named in ``argv`` gets its arguments added."""
    parser = argparse.ArgumentParser(
        prog="emotion-ros", description="emotion_ros: emotions of the people in front of a robot."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, help_text in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            _module(name).add_arguments(sub)
    return parser


def _interrupt_on_termination() -> None:
    """End a command on SIGTERM (``kill``, systemd) and SIGHUP (its terminal closed) as Ctrl-C does.

    Python's default for both ends the process at once, without the clean-up that Ctrl-C runs:
    ``run`` and ``evaluate`` would leave their node processes running (they are in sessions of
    their own, so the signal does not reach them), ``record`` an unfinished bag.
    """

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; return its exit code."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    _interrupt_on_termination()
    try:
        return _module(args.command).run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
