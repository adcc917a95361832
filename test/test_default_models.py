"""The shipped models' cards: where their data came from, and numbers that reproduce.

The recipe (tools/make_default_models.py) is not run here: it needs the data sets. What it left
behind is checked instead: every card names its sources (repository, commit, licence) and its
counts, and every held-out score in a card is recomputed from the stored test predictions in
models/evaluation/ (written by the same run, from the shipped ONNX files).
"""

import re
from pathlib import Path

import numpy as np
import pytest

from emotion_ros.emotion_classes import CLASS_NAMES, NUM_CLASSES
from emotion_ros.evaluation.metrics import classification_report
from emotion_ros.models.model_card import load_card
from emotion_ros.models.role_specs import SPECS
from emotion_ros.package_paths import share_path
from emotion_ros.training.features.speech_data import CORPORA, UNHEARD_LANGUAGES
from emotion_ros.training.recipe.recipe_evaluation import (
    FACE_TEST_SETS,
    HELD_OUT_CSV,
    read_predictions,
    voice_set_name,
)

MODELS = share_path("models")
CARDS = list(SPECS)  # every role has a shipped card
RESERVED = re.compile(r"ck\+|ckplus|ck48|cohn|jaffe|\bfei\b|face-api|\btess\b|toronto|urdu", re.I)
# card role -> (evaluation CSV, column) for every score that comes with stored predictions
STORED = {
    role: [(test, role) for test in FACE_TEST_SETS]
    for role in ("lower_face", "all_landmarks", "temporal", "appearance")
}
STORED["fusion"] = [(f"{t}_faces_only", "fused") for t in FACE_TEST_SETS]
STORED["fusion"].append(("meld_test_transcript_only", "transcript"))
STORED["audio"] = [(voice_set_name(corpus), "audio") for corpus in CORPORA]
# corpora in languages no model heard: the voice alone, and faces of their class without and
# with the voice (models/evaluation/<corpus>.csv)
STORED["audio"] += [(corpus, "audio") for corpus in UNHEARD_LANGUAGES]
STORED["fusion"] += [
    (f"{corpus}{pairing}", column)
    for corpus in UNHEARD_LANGUAGES
    for pairing, column in (("_faces_only", "fused"), ("_faces_and_voice", "fused_with_voice"))
]


@pytest.mark.parametrize("role", CARDS)
def test_every_card_names_its_real_data_with_commit_and_licence(role):
    card = load_card(MODELS / f"{role}.yaml")
    sources = card.training["sources"]
    assert sources, role
    for source in sources:
        assert source["repository"].startswith("https://github.com/")
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]), source
        assert source["licence"] and source["citation"]
    assert card.training["counts"] and card.training["seed"] == 0
    assert card.metrics, "scores on held-out data"
    assert not RESERVED.search(str(card.training) + str(card.metrics)), "a reserved data set"


@pytest.mark.parametrize(("role", "test", "column"), [
    (role, test, column) for role, pairs in STORED.items() for test, column in pairs
])  # fmt: skip
def test_card_scores_reproduce_from_the_stored_predictions(role, test, column):
    card = load_card(MODELS / f"{role}.yaml")
    metrics = card.metrics[test]
    csv = test.removesuffix("_faces_only").removesuffix("_faces_and_voice")
    labels, predictions = read_predictions(MODELS / "evaluation" / f"{csv}.csv")
    _assert_scores_match(metrics, labels, predictions[column])


def _assert_scores_match(metrics: dict, labels: np.ndarray, predicted: np.ndarray) -> None:
    report = classification_report(labels, predicted, NUM_CLASSES)
    assert metrics["samples"] == len(labels)
    assert metrics["accuracy"] == pytest.approx(report.accuracy, abs=1e-9)
    assert metrics["confusion_matrix"] == report.confusion
    for name, recall in zip(CLASS_NAMES, report.recall, strict=True):
        assert metrics["per_class"][name]["recall"] == pytest.approx(recall, abs=1e-9)
    present = np.bincount(labels, minlength=NUM_CLASSES) > 0
    assert metrics["balanced_recall"] == pytest.approx(np.mean(np.asarray(report.recall)[present]))


@pytest.mark.parametrize("corpus", CORPORA)
def test_each_corpus_left_out_reproduces_from_the_stored_predictions(corpus):
    """The headline speech figures: a model trained without the corpus, on all of its clips."""
    metrics = load_card(MODELS / "audio.yaml").metrics["leave_one_corpus_out"][corpus]
    with (MODELS / "evaluation" / HELD_OUT_CSV).open() as f:
        items = [line.split(",", 1)[0] for line in f.readlines()[1:]]
    labels, predictions = read_predictions(MODELS / "evaluation" / HELD_OUT_CSV)
    mine = np.array([item.split("/", 1)[0] == corpus for item in items])
    _assert_scores_match(metrics, labels[mine], predictions["audio"][mine])
    # the same clips read before anything is heard of their speaker (the prior reference)
    unheard = classification_report(
        labels[mine], predictions["audio_unheard_speaker"][mine], NUM_CLASSES
    )
    present = np.bincount(labels[mine], minlength=NUM_CLASSES) > 0
    assert metrics["unheard_speaker_balanced_recall"] == pytest.approx(
        np.mean(np.asarray(unheard.recall)[present])
    )


@pytest.mark.parametrize("corpus", UNHEARD_LANGUAGES)
def test_a_language_no_model_heard_reproduces_and_names_its_source(corpus):
    metrics = load_card(MODELS / "audio.yaml").metrics[corpus]
    labels, predictions = read_predictions(MODELS / "evaluation" / f"{corpus}.csv")
    before = classification_report(labels, predictions["audio_unheard_speaker"], NUM_CLASSES)
    present = np.bincount(labels, minlength=NUM_CLASSES) > 0
    assert metrics["unheard_speaker_balanced_recall"] == pytest.approx(
        np.mean(np.asarray(before.recall)[present])
    )
    assert re.fullmatch(r"[0-9a-f]{40}", metrics["source"]["commit"])
    assert metrics["source"]["licence"], "scored only, but where it came from is on the card"
    assert not set(predictions["audio"]) - set(np.flatnonzero(present)), "its classes only"


def test_the_models_readme_shows_the_cards_numbers():
    readme = (MODELS / "README.md").read_text()
    for role in ("lower_face", "all_landmarks", "temporal", "appearance"):
        accuracy = load_card(MODELS / f"{role}.yaml").metrics["fer2013_privatetest"]["accuracy"]
        assert f"| {role} | {accuracy:.3f} |" in readme
    for corpus in UNHEARD_LANGUAGES:
        voice = load_card(MODELS / "audio.yaml").metrics[corpus]
        heard = load_card(MODELS / "fusion.yaml").metrics[f"{corpus}_faces_and_voice"]
        row = f"| {corpus} | {voice['samples']} | {voice['balanced_recall']:.3f} "
        assert row in readme and f"| {heard['accuracy']:.3f}, " in readme, row
    assert not RESERVED.search(readme)


def test_the_readme_shows_each_corpus_left_out_as_the_audio_card_has_it():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    held_out = load_card(MODELS / "audio.yaml").metrics["leave_one_corpus_out"]
    assert sorted(held_out) == sorted(CORPORA)
    for corpus, metrics in held_out.items():
        neutral = metrics["per_class"]["Neutral"]["recall"]
        row = f"| {metrics['samples']} | {metrics['balanced_recall']:.3f} | {neutral:.2f} |"
        assert row in readme, (corpus, row)


@pytest.mark.parametrize("test", list(FACE_TEST_SETS))
def test_the_readme_headline_shows_the_fused_face_scores_the_fusion_card_has(test):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text().splitlines()
    metrics = load_card(MODELS / "fusion.yaml").metrics[f"{test}_faces_only"]
    rows = [r for r in readme if f"{metrics['samples']} faces" in r and "fused face models" in r]
    assert len(rows) == 1, (test, metrics["samples"])
    assert (
        f"{metrics['accuracy']:.3f}" in rows[0] and f"{metrics['balanced_recall']:.3f}" in rows[0]
    )
