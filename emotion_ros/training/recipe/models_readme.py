"""models/README.md: what the default models learned from and how well they do, from the cards."""

from pathlib import Path
from typing import Any

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.models.model_card import load_card
from emotion_ros.models.role_specs import FACE_ROLES, PIPELINE_ROLES
from emotion_ros.training.features.speech_data import UNHEARD_LANGUAGES
from emotion_ros.training.recipe.data_sources import SOURCES
from emotion_ros.training.recipe.recipe_evaluation import FACE_TEST_SETS


def _row(name: str, metrics: dict[str, Any]) -> str:
    recalls = " | ".join(
        f"{metrics['per_class'][c]['recall']:.2f}" if metrics["per_class"][c]["support"] else "–"
        for c in CLASS_NAMES
    )
    return (
        f"| {name} | {metrics['accuracy']:.3f} | {metrics['balanced_recall']:.3f} | {recalls} | "
        f"{metrics['ece_before_temperature']:.3f} → {metrics['ece_after_temperature']:.3f} | "
        f"{metrics['samples']} |"
    )


def _table(rows: list[tuple[str, dict[str, Any]]], first: str = "model") -> str:
    header = (
        f"| {first} | accuracy | balanced recall | " + " | ".join(CLASS_NAMES)
        + " | ECE before → after calibration | samples |\n|---|---|---|"
        + "---|" * len(CLASS_NAMES) + "---|---|"
    )  # fmt: skip
    return "\n".join([header, *(_row(name, metrics) for name, metrics in rows)])


def _unheard_table(audio: dict[str, dict[str, Any]], fusion: dict[str, dict[str, Any]]) -> str:
    rows = [
        "| corpus | clips | voice alone: balanced recall (before the speaker is heard) | face "
        "alone: accuracy, balanced recall | face and voice: accuracy, balanced recall, ECE |",
        "|---|---|---|---|---|",
    ]
    for name, voice in audio.items():
        alone, heard = fusion[f"{name}_faces_only"], fusion[f"{name}_faces_and_voice"]
        rows.append(
            f"| {name} | {voice['samples']} | {voice['balanced_recall']:.3f} "
            f"({voice['unheard_speaker_balanced_recall']:.3f}) | {alone['accuracy']:.3f}, "
            f"{alone['balanced_recall']:.3f} | {heard['accuracy']:.3f}, "
            f"{heard['balanced_recall']:.3f}, {heard['ece_after_temperature']:.3f} |"
        )
    return "\n".join(rows)


def _mean(per_corpus: dict[str, dict[str, Any]], key: str) -> float:
    """The mean of ``key`` over the corpora left out (0 when there are none)."""
    return sum(m[key] for m in per_corpus.values()) / len(per_corpus) if per_corpus else 0.0


def write_models_readme(models: Path, scores: dict[str, dict[str, Any]]) -> Path:
    """Write models/README.md from the roles' scores; return its path."""
    cards = {role: load_card(models / f"{role}.yaml") for role in PIPELINE_ROLES}
    face_rows = {
        test: [(role, scores[role][test]) for role in FACE_ROLES]
        + [("fused face models (fusion node, no audio)", scores["fusion"][f"{test}_faces_only"])]
        for test in FACE_TEST_SETS
    }
    audio = dict(scores["audio"])
    held_out = audio.pop("leave_one_corpus_out", {})
    unheard = {name: audio.pop(name) for name in UNHEARD_LANGUAGES if name in audio}
    audio_rows = list(audio.items())
    held_out_rows = list(held_out.items())
    mean_held_out = _mean(held_out, "balanced_recall")
    mean_unheard = _mean(held_out, "unheard_speaker_balanced_recall")
    transcript = scores["fusion"]["meld_test_transcript_only"]
    weights = cards["fusion"].training.get("modality_weights", {})
    weight_line = ", ".join(f"{m} {sum(w) / len(w):.2f}" for m, w in weights.items())
    # the photos come from the training counts, the faces from the scoring run (the same
    # photos, meshed again by the face path of the day)
    private = cards["lower_face"].training["counts"]["fer2013"]["PrivateTest"]
    photos = sum(c["photos"] for c in private.values())
    found = scores["lower_face"]["fer2013_privatetest"]["samples"]
    sources = "\n".join(
        f"| {s.name} | [{s.repository.removeprefix('https://github.com/')}]({s.repository}) "
        f"`{s.commit[:12]}` `{s.path or '.'}` | {s.licence} |"
        for s in SOURCES.values()
    )
    temperatures = ", ".join(f"{role} {cards[role].temperature:.2f}" for role in PIPELINE_ROLES)
    path = models / "README.md"
    path.write_text(f"""# Default models

Made by `tools/make_default_models.py --data DATA` (`emotion_ros/training/recipe/default_recipe.py`)
from real, human-labelled faces and acted emotional speech. Every number below was measured by
running the files in this folder (onnxruntime, the fusion node's `EmotionPipeline`) on data the
models never trained on and were never tuned with; the predictions are in `evaluation/` so the
numbers can be recomputed without the data sets (`test/test_default_models.py` does).

Each model is `<role>.onnx` (run by onnxruntime on the CPU), `<role>.pt` (torch weights, run on
CUDA) and `<role>.yaml` (its card: inputs, features, temperature, data sources with commits and
licences, counts, training settings, scores, checksums). Temperatures: {temperatures}.

## Faces: FER2013 PrivateTest (6 classes, disgust left out)

MediaPipe finds a face in {found} of its {photos} photos ({found / photos:.1%}); the scores are
on those. FER2013 has no subject ids: the split is FER2013's own, by image.

{_table(face_rows["fer2013_privatetest"])}

## Faces: FER+ test (the same photos relabelled by 10 annotators, majority label)

{_table(face_rows["ferplus_test"])}

## Faces: facial_expressions, persons never trained on

Crowd-labelled news photos and film stills (mostly Labeled Faces in the Wild), a fifth of the
persons held out (`training/datasets/facial_expressions.py`). Mostly Happy and Neutral: its
other columns rest on a few dozen faces each, and Worried on a handful.

{_table(face_rows["facial_expressions_test"])}

## Voices (the 2 s around the middle of each clip)

The audio model reads each window against how its speaker usually sounds: the mean and spread
of each mel band over the speech heard so far (`audio/voice_reference.py`; the fusion node keeps
it, with a half-life, and starts from the training voices' prior on the audio card). Here each
speaker's reference is made from all of that speaker's clips in the set, without their labels.
Temperatures come from corpora the model never heard (`speech_recipe.cross_corpus_temperature`),
as a robot's microphone is one.

**A corpus the model never heard** (the headline: another language, other rooms and microphones).
Each row is a model trained on the other corpora only, run on every clip of the one left out,
on the classes that corpus has (EmoDB has no surprise, its Surprised column is empty); its
temperature was fitted on the other corpora's held-out clips. Mean balanced recall
{mean_held_out:.3f}; {mean_unheard:.3f} before anything is heard of the speaker (each window
read against the prior).

{_table(held_out_rows, "corpus left out")}

**Speakers the shipped model never heard**, inside each corpus it trained on (its test
speakers: `speech_recipe.HELD_OUT`; RAVDESS actors 21-24).

{_table(audio_rows, "test speakers (audio model)")}

## Languages none of the models heard

Two acted corpora in languages no training corpus speaks, only ever scored: TurEV-DB (Turkish
single words; angry, happy and sad, its calm is not neutral and is left out) and the public
sample of emotiontts_open_db (Korean read sentences; neutral, happy, angry, sad). The voice
alone is the shipped audio model on the classes each has, against each speaker's reference
(before anything is heard of the speaker: against the prior). Then each clip is heard with a
FER2013 PrivateTest face of its class (`recipe_evaluation.PAIRING_SEED`), through the fusion
node's pipeline, without and with the voice: a stranger's voice should help the face, or at
least not pull it astray.

{_unheard_table(unheard, scores["fusion"])}

## Transcripts

The speech node's text scores (VADER valence, its default) read MELD's test utterances with
balanced recall {transcript["balanced_recall"]:.3f} (accuracy {transcript["accuracy"]:.3f}; chance
is 0.167): words in conversation say little about the six classes. The fusion model learned
how much to trust them from MELD's training utterances; its mean weight per modality:
{weight_line}.

## Data

| data set | repository, commit, folder | licence |
|---|---|---|
{sources}

All of these are for research and non-commercial use; so are these models. The temporal model
learned from real FER2013 faces turned into short sequences (head drift, landmark jitter): no
labelled face videos could be had, so its own scores measure a still-face classifier that is
robust to tracking jitter. The fusion model learned from same-class pairings of held-out faces,
voices and transcripts, not from real audio-visual recordings; its voices are each corpus read by
the audio model trained without it, so it trusts a voice as far as a language and a room the
model never heard deserve.
""")
    return path
