"""Why macro-F1 trails accuracy: a class predicted but never true is named, with the counts."""

import numpy as np

from emotion_ros.cli.evaluate_command import _print_summary
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.evaluation.metrics import classification_report
from emotion_ros.evaluation.report import stray_classes, write_report

HAPPY, NEUTRAL, SAD = (CLASS_NAMES.index(name) for name in ("Happy", "Neutral", "Sad"))


def two_classes_and_a_stray() -> dict:
    """100 frames of Happy, 100 of Neutral, all right but 4 Happy frames read as Sad."""
    truth = np.array([HAPPY] * 100 + [NEUTRAL] * 100)
    predicted = truth.copy()
    predicted[:4] = SAD
    metrics = classification_report(truth, predicted, len(CLASS_NAMES)).as_dict(CLASS_NAMES)
    latency = {"p50": 10.0, "p99": 20.0, "max": 30.0}
    return {**metrics, "coverage": 1.0, "scored_estimates": 200, "latency_ms": latency}


def test_the_summary_names_the_class_that_pulls_macro_f1_down(capsys):
    metrics = two_classes_and_a_stray()
    assert metrics["accuracy"] == 0.98 and round(metrics["macro_f1"], 2) == 0.66
    assert stray_classes(metrics) == ["Sad"]
    _print_summary({"offline": metrics}, [], None)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("offline: accuracy 0.980, macro-F1 0.660")
    assert lines[1] == (
        "  frames per class, true/predicted: Happy 100/96, Sad 0/4, Neutral 100/100; "
        "never true: Sad (F1 0 each in macro-F1)"
    )


def test_the_report_table_has_the_predicted_counts_and_says_why(tmp_path):
    run = {"note": None, "models_dir": "models", "cards": {}, "parameters": {}}
    markdown = write_report(
        tmp_path, tmp_path / "bag", {"offline": two_classes_and_a_stray()}, {"offline": []},
        [], [], run,
    ).read_text()  # fmt: skip
    assert "| class | precision | recall | F1 | support (true) | predicted |" in markdown
    assert "| Sad | 0.00 | 0.00 | 0.00 | 0 | 4 |" in markdown
    assert "Sad: predicted but never in the ground truth; each counts with F1 0" in markdown
