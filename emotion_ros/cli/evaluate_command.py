"""``emotion-ros evaluate``: score the graph (and/or the models offline) on a labelled bag.

    emotion-ros evaluate data/eval/labelled.mcap --labels data/eval/labels.csv --out eval_report

Writes report.md (with PNG plots) and report.json. ``--mode both`` (the default) runs the bag
through the nodes as separate processes and through the same models in this process, so the
difference between the two sections is what ROS adds. Ground truth: ``--labels`` CSV, or a label
topic in the bag (``--label-topic``); see emotion_ros/evaluation/ground_truth.py for formats.
"""

import argparse
from pathlib import Path

from emotion_ros.bags.bag_reader import BagError
from emotion_ros.cli.parameter_overrides import (
    add_set_argument,
    checked_overrides,
    parse_overrides,
)
from emotion_ros.evaluation import run_parameters
from emotion_ros.evaluation.bag_contents import summarize
from emotion_ros.evaluation.ground_truth import GroundTruthError, from_label_messages, read_csv
from emotion_ros.evaluation.offline import evaluate_offline, frame_times
from emotion_ros.evaluation.report import predicted_counts, stray_classes, write_report
from emotion_ros.evaluation.run_description import describe_run
from emotion_ros.evaluation.scoring import score_records, span_warnings
from emotion_ros.node_config import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``evaluate`` arguments."""
    parser.add_argument("bag", type=Path, help="rosbag2 folder or .mcap file")
    parser.add_argument(
        "--labels", type=Path, help="ground-truth CSV (start_s,end_s,face_id,label)"
    )
    parser.add_argument("--label-topic", default="/ground_truth", help="label topic in the bag")
    parser.add_argument("--out", type=Path, default=Path("eval_report"))
    parser.add_argument("--mode", choices=("graph", "offline", "both"), default="both")
    parser.add_argument(
        "--models", type=Path, default=None, help="models dir (default: fusion_node's models_dir)"
    )
    parser.add_argument("--rate", type=float, default=1.0, help="replay rate for --mode graph")
    add_set_argument(parser, "both runs")


def run(args: argparse.Namespace) -> int:
    """Evaluate; exit code 2 for an unreadable bag, ground truth or option, 1 when a node or a
    model cannot start (with the node's own error)."""
    try:
        summary = summarize(args.bag, args.label_topic)
        duration = summary.end_ns - summary.start_ns
        ranges = (
            read_csv(args.labels)
            if args.labels
            else from_label_messages(summary.label_messages, duration)
        )
    except (BagError, GroundTruthError, OSError) as exc:
        print(f"emotion-ros evaluate: {exc}")
        return 2
    warnings = summary.warnings + span_warnings(ranges, duration)
    if not ranges:
        warnings.append("no ground truth: give --labels or a bag with a label topic")
    if summary.image_topic is None:
        for warning in warnings:
            print(f"warning: {warning}")
        return 2
    graph = run_parameters.evaluation_graph()
    try:
        overrides = checked_overrides(
            graph,
            run_parameters.merge(
                run_parameters.replay_overrides(summary, args.models),
                parse_overrides(args.overrides),
            ),
        )
        parameters = run_parameters.node_parameters(graph, overrides)
    except (ValueError, ConfigError) as exc:
        print(f"emotion-ros evaluate: {exc}")
        return 2
    frames = frame_times(summary)
    results, records = {}, {}
    try:
        if args.mode in ("graph", "both"):
            from emotion_ros.ros.live_evaluation import evaluate_live

            records["graph"], replay_warnings = evaluate_live(
                args.bag, summary, graph, overrides, args.rate, args.out / "logs"
            )
            warnings += replay_warnings
        if args.mode in ("offline", "both"):
            records["offline"] = evaluate_offline(args.bag, summary, parameters)
    except RuntimeError as exc:  # a node that did not come up; a model file (ModelFileError)
        print(f"emotion-ros evaluate: {exc}")
        return 1
    for mode, mode_records in records.items():
        results[mode] = score_records(mode_records, ranges, frames)
    run_info = describe_run(args.bag, parameters)
    markdown = write_report(args.out, args.bag, results, records, ranges, warnings, run_info)
    _print_summary(results, warnings, run_info["note"])
    print(f"report: {markdown}")
    return 0


def _print_summary(results: dict[str, dict], warnings: list[str], note: str | None) -> None:
    """The headline numbers per mode, after the warnings and the smoke-test note if any, and
    the frames per class: a class predicted but never true is why macro-F1 trails accuracy."""
    if note:
        print(f"note: {note}")
    for warning in warnings:
        print(f"warning: {warning}")
    for mode, m in results.items():
        latency = " / ".join(f"{m['latency_ms'][k]:.1f}" for k in ("p50", "p99", "max"))
        print(
            f"{mode}{' (smoke test)' if note else ''}: accuracy {m['accuracy']:.3f}, macro-F1 "
            f"{m['macro_f1']:.3f}, coverage {m['coverage']:.3f}, latency p50/p99/max {latency} ms"
        )
        predicted = predicted_counts(m)
        counts = ", ".join(
            f"{name} {values['support']}/{predicted[name]}"
            for name, values in m["per_class"].items()
            if values["support"] or predicted[name]
        )
        stray = stray_classes(m)
        never = f"; never true: {', '.join(stray)} (F1 0 each in macro-F1)" if stray else ""
        print(f"  frames per class, true/predicted: {counts}{never}")
