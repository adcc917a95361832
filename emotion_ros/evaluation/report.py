"""The evaluation report: Markdown with PNG plots, and the same numbers as JSON."""

import json
from pathlib import Path

import numpy as np
import yaml

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.evaluation.ground_truth import LabelRange
from emotion_ros.evaluation.plots import bars_png, confusion_png, latency_png, timeline_png
from emotion_ros.evaluation.records import EmotionRecord


def write_report(
    out: Path,
    bag: Path,
    results: dict[str, dict],
    records: dict[str, list[EmotionRecord]],
    ranges: list[LabelRange],
    warnings: list[str],
    run: dict,
) -> Path:
    """Write report.md, report.json and the plots into ``out``; return the Markdown path.

    ``results`` and ``records`` are keyed by mode ("graph", "offline"); ``run`` is what they ran
    with (``run_description.describe_run``).
    """
    out.mkdir(parents=True, exist_ok=True)
    names = list(CLASS_NAMES)
    sections = []
    for mode, metrics in results.items():
        confusion_png(np.array(metrics["confusion_matrix"]), names, out / f"{mode}-confusion.png",
                      f"{mode}: confusion matrix")  # fmt: skip
        per_class = metrics["per_class"]
        bars_png(names, {"precision": [per_class[n]["precision"] for n in names],
                         "recall": [per_class[n]["recall"] for n in names]},
                 out / f"{mode}-per-class.png", f"{mode}: per class")  # fmt: skip
        latency_png([r.latency_s * 1e3 for r in records[mode]], out / f"{mode}-latency.png",
                    f"{mode}: latency (ms)")  # fmt: skip
        timeline_png(records[mode], ranges, names, out / f"{mode}-timeline.png",
                     f"{mode}: emotion per face vs ground truth")  # fmt: skip
        latency = metrics["latency_ms"]
        predicted = predicted_counts(metrics)
        rows = "\n".join(
            f"| {n} | {per_class[n]['precision']:.2f} | {per_class[n]['recall']:.2f} | "
            f"{per_class[n]['f1']:.2f} | {per_class[n]['support']} | {predicted[n]} |"
            for n in names
        )
        stray = stray_classes(metrics)
        stray_text = (
            f"\n{', '.join(stray)}: predicted but never in the ground truth; each counts with "
            "F1 0 in macro-F1 (the mean over the classes in the truth or the predictions).\n"
            if stray
            else ""
        )
        sections.append(f"""## {mode}{" (smoke test, not an accuracy)" if run["note"] else ""}

| accuracy | macro-F1 | coverage | scored estimates | latency p50 / p99 / max (ms) |
|---|---|---|---|---|
| {metrics["accuracy"]:.3f} | {metrics["macro_f1"]:.3f} | {metrics["coverage"]:.3f} | {metrics["scored_estimates"]} | {_ms(latency["p50"])} / {_ms(latency["p99"])} / {_ms(latency["max"])} |

| class | precision | recall | F1 | support (true) | predicted |
|---|---|---|---|---|---|
{rows}
{stray_text}
![confusion]({mode}-confusion.png) ![per class]({mode}-per-class.png)
![latency]({mode}-latency.png)
![timeline]({mode}-timeline.png)
""")  # noqa: E501
    warning_text = "\n".join(f"- {w}" for w in warnings) or "- none"
    markdown = out / "report.md"
    note = f"> **{run['note']}**\n\n" if run["note"] else ""
    markdown.write_text(
        f"# emotion_ros evaluation of `{bag}`\n\n{note}Warnings:\n{warning_text}\n\n"
        + _run_section(run)
        + "\n".join(sections)
    )
    (out / "report.json").write_text(json.dumps({
        "bag": str(bag),
        "run": run,
        "warnings": warnings,
        "results": results,
        "records": {mode: [r.as_dict() for r in rs] for mode, rs in records.items()},
    }, indent=1))  # fmt: skip
    return markdown


def predicted_counts(metrics: dict) -> dict[str, int]:
    """How often each class was predicted for a labelled frame (the confusion matrix's columns)."""
    columns = np.array(metrics["confusion_matrix"]).sum(axis=0)
    return {name: int(n) for name, n in zip(CLASS_NAMES, columns, strict=True)}


def stray_classes(metrics: dict) -> list[str]:
    """Classes predicted but never true: each adds an F1 of 0 to macro-F1, so a few wrong frames
    of a class nobody showed pull macro-F1 far below the accuracy (0.66 next to 0.98)."""
    predicted = predicted_counts(metrics)
    per_class = metrics["per_class"]
    return [name for name in CLASS_NAMES if predicted[name] and not per_class[name]["support"]]


def _run_section(run: dict) -> str:
    """The models folder, each card with its checksums, and the node parameters."""
    cards = "\n".join(
        f"| {role} | `{c['card']}` | `{c['card_sha256']}` | `{c['file_sha256']}` |"
        for role, c in run["cards"].items()
    )
    parameters = yaml.safe_dump(run["parameters"], sort_keys=True, width=100)
    return f"""## What ran

Models folder: `{run["models_dir"]}` (a role missing there comes from the shipped models/)

| role | card | card sha256 | model file sha256 |
|---|---|---|---|
{cards}

Node parameters:

```yaml
{parameters}```

"""


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
