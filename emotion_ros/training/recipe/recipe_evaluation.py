"""Scores of the exported default models on held-out sets, through the files that ship.

Every number in a card comes from running the ONNX file the nodes run (onnxruntime, CPU) on data
that model never trained on or was tuned with; the fused face output comes from the same
``EmotionPipeline`` the fusion node uses. The predictions are written next to the models
(``models/evaluation/<set>.csv``) so the numbers can be recomputed without the data sets.
"""

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from emotion_ros.audio.voice_activity import VoiceActivityDetector
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.models.backends import OnnxBackend
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet, VoiceSample
from emotion_ros.models.model_card import load_card
from emotion_ros.models.model_files import role_cards
from emotion_ros.models.role_specs import FACE_ROLES, SPECS
from emotion_ros.training.features.face_data import CROP_MARGIN, FaceSet
from emotion_ros.training.features.speech_data import MIN_SPEECH_FRACTION, SpeechSet, centre_windows
from emotion_ros.training.fitting.batch_augmentation import centre_crops
from emotion_ros.training.fitting.model_scores import score, summary_line
from emotion_ros.training.recipe.data_sources import SOURCES
from emotion_ros.training.recipe.face_recipe import model_inputs
from emotion_ros.training.recipe.fusion_recipe import transcript_outputs
from emotion_ros.training.recipe.occlusion_recipe import occluded, visibility_scores
from emotion_ros.training.recipe.recipe_data import RecipeData
from emotion_ros.training.recipe.speech_recipe import HeldOutCorpus, by_corpus, evaluation_inputs

BATCH = 256
OCCLUSION_TEST_SEED = 2024
PAIRING_SEED = 0  # which face of its class each clip of an unheard language is heard with
# The held-out face sets: the name in cards and models/evaluation/, and the RecipeData key.
FACE_TEST_SETS = {
    "fer2013_privatetest": "test",
    "ferplus_test": "ferplus",
    "facial_expressions_test": "facial_expressions",
}


def onnx_logits(models: Path, role: str, inputs: list[np.ndarray]) -> np.ndarray:
    """Logits of the exported ``role`` model on ``inputs``, in batches, with onnxruntime."""
    card = load_card(models / f"{role}.yaml")
    backend = OnnxBackend(card, models)
    names = [spec["name"] for spec in card.inputs]
    return np.concatenate(
        [
            backend.run(
                {n: x[i : i + BATCH].astype(np.float32) for n, x in zip(names, inputs, strict=True)}
            )
            for i in range(0, len(inputs[0]), BATCH)
        ]
    )


def face_role_scores(models: Path, role: str, faces: FaceSet) -> tuple[dict[str, Any], np.ndarray]:
    """A face model's scores and predictions on ``faces``."""
    logits = onnx_logits(models, role, model_inputs(role, faces))
    temperature = load_card(models / f"{role}.yaml").temperature
    return score(logits, faces.labels, temperature), logits.argmax(axis=1)


def fused_face_probabilities(
    models: Path, faces: FaceSet, voices: Sequence[VoiceSample] | None = None
) -> np.ndarray:
    """The fusion node's output for still photos: every face model, each face alone; with
    ``voices`` face i is heard with voice i (a frame of one speaking face), else without audio."""
    pipeline = EmotionPipeline(ModelSet.load(role_cards(models), "cpu"))
    crops = centre_crops(faces.crops, CROP_MARGIN)
    step = BATCH if voices is None else 1
    rows = []
    for start in range(0, len(faces), step):
        samples = [
            FaceSample(str(i), faces.landmarks[i], faces.landmarks[i : i + 1], crops[i])
            for i in range(start, min(start + step, len(faces)))
        ]
        voice = None if voices is None else voices[start]
        rows += [output.probabilities for output in pipeline.predict(samples, voice)]
    return np.stack(rows)


def probability_scores(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Scores of calibrated probabilities (already temperature-scaled: temperature 1)."""
    return score(np.log(probabilities + 1e-12), labels, 1.0)


def corpus_classes_only(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``logits`` with the classes absent from ``labels`` ruled out (-inf): a corpus is scored
    on the classes it has (EmoDB has no surprise, ASED neither), as cross-corpus results on
    shared classes are usually reported."""
    kept = logits.copy()
    kept[:, np.bincount(labels, minlength=logits.shape[1]) == 0] = -np.inf
    return kept


def audio_scores(
    models: Path, clips: SpeechSet, inputs: list[np.ndarray] | None = None
) -> tuple[dict[str, Any], np.ndarray]:
    """The audio model's scores and predictions on the centre window of each clip, on the
    classes the corpus has (``corpus_classes_only``). ``inputs``: the clips'
    ``evaluation_inputs``, when the caller has made them already."""
    logits = onnx_logits(models, "audio", inputs or evaluation_inputs(clips))
    labels = clips.label_array()
    logits = corpus_classes_only(logits, labels)
    temperature = load_card(models / "audio.yaml").temperature
    return score(logits, labels, temperature), logits.argmax(axis=1)


def write_predictions(
    path: Path, items: list[str], labels: np.ndarray, predictions: dict[str, np.ndarray]
) -> None:
    """A CSV of item, true class and each model's predicted class (class names)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["item", "label", *predictions])
        for i, item in enumerate(items):
            row = [CLASS_NAMES[int(p[i])] for p in predictions.values()]
            writer.writerow([item, CLASS_NAMES[int(labels[i])], *row])


def read_predictions(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The true classes and each model's predictions (class indices) from ``write_predictions``."""
    index = {name: k for k, name in enumerate(CLASS_NAMES)}
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    columns = {
        name: np.array([index[row[k]] for row in body])
        for k, name in enumerate(header)
        if name != "item"
    }
    return columns.pop("label"), columns


def voice_set_name(corpus: str) -> str:
    """The name of a corpus's test speakers in the card and models/evaluation/."""
    return "ravdess_actors_21_24" if corpus == "ravdess" else f"{corpus}_test_speakers"


HELD_OUT_CSV = "speech_corpus_held_out.csv"


def held_out_scores(
    models: Path, held_out: dict[str, HeldOutCorpus] | None, log: Callable[[str], None]
) -> dict[str, Any]:
    """Each corpus scored by the model trained without it, on the classes it has; written to
    models/evaluation/ as one CSV (item = corpus/speaker/index). None (a score-only run): the
    figures the audio card holds already."""
    if held_out is None:
        return load_card(models / "audio.yaml").metrics.get("leave_one_corpus_out", {})
    scores, items, labels, predicted, unheard = {}, [], [], [], []
    for corpus, result in held_out.items():
        truth = result.clips.label_array()
        logits = corpus_classes_only(result.logits, truth)
        scores[corpus] = score(logits, truth, result.temperature)
        first = corpus_classes_only(result.unheard_logits, truth)
        scores[corpus]["unheard_speaker_balanced_recall"] = score(first, truth, result.temperature)[
            "balanced_recall"
        ]
        log(summary_line(f"audio, {corpus} left out", scores[corpus]))
        items += [f"{corpus}/{s}/{i}" for i, s in enumerate(result.clips.speakers)]
        labels.append(truth)
        predicted.append(logits.argmax(axis=1))
        unheard.append(first.argmax(axis=1))
    write_predictions(models / "evaluation" / HELD_OUT_CSV, items, np.concatenate(labels),
                      {"audio": np.concatenate(predicted),
                       "audio_unheard_speaker": np.concatenate(unheard)})  # fmt: skip
    return scores


def unheard_language_scores(
    models: Path, name: str, clips: SpeechSet, faces: FaceSet, log: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """A corpus in a language none of the models heard, never trained on: the shipped audio
    model's scores on the classes it has, read against each speaker's reference and against the
    prior; and each clip heard with a face of its class from ``faces`` (drawn with
    ``PAIRING_SEED``), fused without and with the voice, as the fusion node reads a speaking
    face. Does a stranger's voice help the face or pull it astray? Writes models/evaluation/
    ``name``.csv; returns (audio scores, fusion scores)."""
    labels = clips.label_array()
    mels, references = evaluation_inputs(clips)
    audio, predicted = audio_scores(models, clips, [mels, references])
    prior = np.asarray(load_card(models / "audio.yaml").features["voice_reference_prior"])
    before = onnx_logits(models, "audio", [mels, np.repeat(prior[None], len(mels), axis=0)])
    before = corpus_classes_only(before, labels)
    audio["unheard_speaker_balanced_recall"] = score(before, labels, 1.0)["balanced_recall"]
    audio["source"] = SOURCES[name].as_card()  # scored only: no card lists it as training data
    rng = np.random.default_rng(PAIRING_SEED)
    paired = faces.select(np.array([rng.choice(np.flatnonzero(faces.labels == k)) for k in labels]))
    voices = [VoiceSample(m, r) for m, r in zip(mels, references, strict=True)]
    alone = fused_face_probabilities(models, paired)
    heard = fused_face_probabilities(models, paired, voices)
    fusion = {
        f"{name}_faces_only": probability_scores(alone, labels),
        f"{name}_faces_and_voice": probability_scores(heard, labels),
    }
    log(summary_line(f"audio on {name}", audio))
    for key, value in fusion.items():
        log(summary_line(key, value))
    speakers_and_faces = zip(clips.speakers, paired.names, strict=True)
    items = [f"{s}/{i}/{face}" for i, (s, face) in enumerate(speakers_and_faces)]
    write_predictions(
        models / "evaluation" / f"{name}.csv", items, labels,
        {"audio": predicted, "audio_unheard_speaker": before.argmax(axis=1),
         "fused": alone.argmax(axis=1),
         "fused_with_voice": heard.argmax(axis=1)},
    )  # fmt: skip
    return audio, fusion


def score_all(
    models: Path, data: RecipeData, log: Callable[[str], None],
    held_out: dict[str, HeldOutCorpus] | None = None,
) -> dict[str, dict]:  # fmt: skip
    """Score every exported model on its held-out sets (and the audio models that each left a
    corpus out, ``held_out``); write predictions, card metrics and models/README.md; return
    {role: {set: scores}}."""
    scores: dict[str, dict[str, Any]] = {role: {} for role in SPECS}
    for set_name, key in FACE_TEST_SETS.items():
        faces = data.faces[key]
        predictions = {}
        for role in FACE_ROLES:
            scores[role][set_name], predictions[role] = face_role_scores(models, role, faces)
            log(summary_line(f"{role} on {set_name}", scores[role][set_name]))
        fused = fused_face_probabilities(models, faces)
        scores["fusion"][f"{set_name}_faces_only"] = probability_scores(fused, faces.labels)
        predictions["fused"] = fused.argmax(axis=1)
        log(summary_line(f"fused faces on {set_name}", scores["fusion"][f"{set_name}_faces_only"]))
        write_predictions(
            models / "evaluation" / f"{set_name}.csv", list(faces.names), faces.labels, predictions
        )
    crops, kinds = occluded(data.faces["test"], OCCLUSION_TEST_SEED)
    logits = onnx_logits(models, "occlusion", [centre_crops(crops, CROP_MARGIN)])
    scores["occlusion"]["fer2013_privatetest_composites"] = visibility_scores(logits, kinds)
    log(f"occlusion on PrivateTest composites: {scores['occlusion']}")
    voice_sets = {
        voice_set_name(corpus): clips for corpus, clips in by_corpus(data.speech["test"]).items()
    }
    vad = VoiceActivityDetector()
    for set_name, clips in voice_sets.items():
        scores["audio"][set_name], predicted = audio_scores(models, clips)
        passing = [vad.speech_fraction(w) >= MIN_SPEECH_FRACTION for w in centre_windows(clips)]
        scores["audio"][set_name]["windows_passing_voice_gate"] = float(np.mean(passing))
        log(summary_line(f"audio on {set_name}", scores["audio"][set_name]))
        items = [f"{s}/{i}" for i, s in enumerate(clips.speakers)]
        write_predictions(
            models / "evaluation" / f"{set_name}.csv", items, clips.label_array(),
            {"audio": predicted},
        )  # fmt: skip
    scores["audio"]["leave_one_corpus_out"] = held_out_scores(models, held_out, log)
    for name, clips in data.unheard_languages.items():
        audio, fusion = unheard_language_scores(models, name, clips, data.faces["test"], log)
        scores["audio"][name] = audio
        scores["fusion"].update(fusion)
    meld = data.transcripts["test"]
    transcript_log_probs = transcript_outputs(meld.texts)
    transcript = score(transcript_log_probs, meld.label_array(), 1.0)
    scores["fusion"]["meld_test_transcript_only"] = transcript
    log(summary_line("transcript alone on MELD test", transcript))
    write_predictions(
        models / "evaluation" / "meld_test_transcript_only.csv",
        [f"{s}/{i}" for i, s in enumerate(meld.speakers)], meld.label_array(),
        {"transcript": transcript_log_probs.argmax(axis=1)},
    )  # fmt: skip
    for role, role_scores in scores.items():
        card = load_card(models / f"{role}.yaml")
        card.metrics = json_safe(role_scores)
        card.save(models / f"{role}.yaml")
    return scores


def json_safe(value: Any) -> Any:
    """Plain floats, ints, lists and dicts (numpy scalars out), for YAML and JSON."""
    return json.loads(json.dumps(value, default=float))
