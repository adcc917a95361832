"""The recipe that makes the default models in models/ from real labelled faces and voices.

    tools/make_default_models.py --data DATA [--out models] [--cache DATA/cache] [--seed 0]

DATA holds the data sets of ``data_sources.SOURCES`` in their folders (``tools/
prepare_datasets.py`` exports them from clones). Steps: face meshes and crops of FER2013, FER+
and facial_expressions, and FER+'s votes for FER2013's photos (all cached), the appearance model,
the landmark models (distilled from it), the occlusion model, the audio model, the audio model
once per speech corpus left out (``speech_recipe.leave_one_corpus_out``), the fusion model on
held-out outputs, export (ONNX, torch weights, cards), then every score through the exported
files (``recipe_evaluation``), written into the cards, models/evaluation/ and models/README.md.

``reuse`` keeps roles already in the output folder instead of training them again (the face
models when only the speech data changed, the audio model when only the faces did): the recipe
is seeded and deterministic, so they are the models a whole run would make from the same data.

Runs are seeded and use deterministic kernels on a fixed number of threads, so the same seed,
data and machine give the same weights.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.models.backends import TorchBackend
from emotion_ros.models.export import export_role
from emotion_ros.models.model_card import load_card
from emotion_ros.models.role_specs import FACE_ROLES
from emotion_ros.training.features.speech_data import CORPORA
from emotion_ros.training.fitting.trainer import TrainedModel, predict_logits
from emotion_ros.training.recipe import face_recipe, fusion_recipe, occlusion_recipe, speech_recipe
from emotion_ros.training.recipe import recipe_evaluation as evaluation
from emotion_ros.training.recipe.data_sources import SOURCES
from emotion_ros.training.recipe.fusion_recipe import ModalityOutputs, log_probabilities
from emotion_ros.training.recipe.recipe_data import RecipeData, load_data
from emotion_ros.vision.occlusion import CLASSES as OCCLUSION_CLASSES

RECIPE_COMMAND = "tools/make_default_models.py --data DATA"
THREADS = 2
# the fusion is always refitted on the others' outputs; a reused audio model keeps the
# leave-one-corpus-out scores its card holds (the held-out models are not trained again)
REUSABLE = (*FACE_ROLES, "occlusion", "audio")


@dataclass
class RecipeOptions:
    """Where things are, the seed, and (for smoke runs) a cap on epochs."""

    data: Path
    out: Path
    cache: Path
    seed: int = 0
    max_epochs: int | None = None
    reuse: tuple[str, ...] = ()
    progress: bool = True
    log: Callable[[str], None] = print


def _epochs(options: RecipeOptions, default: int) -> int:
    return min(default, options.max_epochs) if options.max_epochs else default


def reused_model(role: str, options: RecipeOptions) -> TrainedModel:
    """The ``role`` model already in ``options.out``, with its card's temperature."""
    card = load_card(options.out / f"{role}.yaml")
    model = TorchBackend(card, options.out, "cpu", cuda_graphs=False).model
    configs = {"occlusion": occlusion_recipe.CONFIG, "audio": speech_recipe.CONFIG}
    config = face_recipe.FACE_RECIPES[role].config if role in FACE_ROLES else configs[role]
    return TrainedModel(model, card.temperature, config.for_run(options.seed, options.progress))


def train_all(
    data: RecipeData, options: RecipeOptions,
    held_out: dict[str, speech_recipe.HeldOutCorpus] | None = None,
) -> dict[str, TrainedModel]:  # fmt: skip
    """Train the face models, the audio model and the fusion model (or reuse ``options.reuse``).

    The appearance model comes first: the landmark models learn from its readings too
    (``face_recipe.DISTILLED``). The audio model takes its temperature from the corpora left out
    in turn (``held_out``, ``speech_recipe.cross_corpus_temperature``).
    """
    models: dict[str, TrainedModel] = {}
    faces = data.faces
    train_set, validation = faces["train"], faces["validation"]
    teacher_logits = None
    for role in sorted(REUSABLE, key=lambda r: r != "appearance"):
        started = time.time()
        if role in options.reuse:
            models[role] = reused_model(role, options)
            options.log(f"{role}: reused from {options.out}")
        elif role == "audio":
            models[role] = speech_recipe.train_audio_model(
                data.speech["train"], data.speech["validation"], options.seed, options.progress,
                _epochs(options, speech_recipe.CONFIG.epochs),
            )  # fmt: skip
            if held_out:
                temperature = speech_recipe.cross_corpus_temperature(held_out)
                models[role] = replace(models[role], temperature=temperature)
        elif role == "occlusion":
            models[role], _ = occlusion_recipe.train_occlusion_model(
                train_set, validation, options.seed, options.progress,
                _epochs(options, occlusion_recipe.CONFIG.epochs),
            )  # fmt: skip
        else:
            targets = face_recipe.targets(train_set)
            if role in face_recipe.DISTILLED:
                targets = face_recipe.distilled(targets, teacher_logits)
            models[role] = face_recipe.train_face_model(
                role, face_recipe.raw_inputs(role, train_set), targets,
                face_recipe.raw_inputs(role, validation), validation.labels, options.seed,
                options.progress, _epochs(options, face_recipe.FACE_RECIPES[role].config.epochs),
            )  # fmt: skip
        if role == "appearance":
            teacher_inputs = face_recipe.model_inputs(role, train_set)
            teacher_logits = predict_logits(models[role].model, teacher_inputs)
        if role not in options.reuse:
            options.log(f"{role}: trained in {time.time() - started:.0f} s")
    models["fusion"] = fusion_recipe.train_fusion(
        held_out_outputs(models, data, unheard_voices(held_out, options)), options.seed,
        options.progress,
    )  # fmt: skip
    return models


def unheard_voices(
    held_out: dict[str, speech_recipe.HeldOutCorpus] | None, options: RecipeOptions
) -> tuple[np.ndarray, np.ndarray]:
    """The leave-one-corpus-out readings the fusion learns to trust voices from
    (``speech_recipe.unheard_voices``). They are kept in the cache, by seed and epochs, so a run
    that reuses the audio model (and trains no held-out models) fits the fusion on the same."""
    epochs = _epochs(options, speech_recipe.HELD_OUT_EPOCHS)
    path = options.cache / f"unheard_voices_seed{options.seed}_epochs{epochs}.npz"
    if held_out:
        logits, labels = speech_recipe.unheard_voices(held_out)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, logits=logits, labels=labels)
    elif not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the fusion learns how far to trust a voice from the audio "
            "models trained with each corpus left out; run once without --reuse audio"
        )
    with np.load(path) as readings:
        return readings["logits"], readings["labels"]


def held_out_outputs(
    models: dict[str, TrainedModel], data: RecipeData, voices: tuple[np.ndarray, np.ndarray]
) -> ModalityOutputs:  # fmt: skip
    """Each modality's calibrated log-probabilities on data it never trained on (the fusion's
    data): the face models on the face validation set, the audio model's temperature on
    ``voices`` (``unheard_voices``), the text scorer on MELD's training utterances."""
    log_probs, labels = {}, {}
    validation = data.faces["validation"]
    for role in FACE_ROLES:
        logits = predict_logits(models[role].model, face_recipe.model_inputs(role, validation))
        log_probs[role] = log_probabilities(logits, models[role].temperature)
        labels[role] = validation.labels
    log_probs["audio"] = log_probabilities(voices[0], models["audio"].temperature)
    labels["audio"] = voices[1]
    log_probs["transcript"] = fusion_recipe.transcript_outputs(data.transcripts["train"].texts)
    labels["transcript"] = data.transcripts["train"].label_array()
    return ModalityOutputs(log_probs, labels)


def _training_note(role: str, model: TrainedModel, data: RecipeData, seed: int) -> dict:
    if role in FACE_ROLES or role == "occlusion":
        face_sources = ("fer2013", "ferplus", "facial_expressions")
        sources = [
            SOURCES[s].as_card() for s in face_sources if role in FACE_ROLES or s != "ferplus"
        ]
        counts = {"fer2013": data.counts["fer2013"],
                  "facial_expressions": data.counts["facial_expressions"]}  # fmt: skip
        details = (
            face_recipe.describe(role, model)
            if role in FACE_ROLES
            else {"data": occlusion_recipe.__doc__.replace("\n", " ").strip()}
        )
    elif role == "audio":
        sources = [SOURCES[c].as_card() for c in CORPORA]
        counts = {
            **{
                part: {"clips": len(clips), "speakers": len(set(clips.speakers))}
                for part, clips in data.speech.items()
            },
            "corpora": speech_recipe.corpus_counts(data.speech),
        }
        details = speech_recipe.describe(model)
    else:
        sources = [SOURCES[c].as_card() for c in ("fer2013", *CORPORA, "meld")]
        counts = {
            "pairings": "12,000 same-class (a FER2013 PublicTest face, a voice of a speech "
            "corpus read by the audio model trained without that corpus, a MELD training "
            "utterance)",
            "meld_train_utterances": len(data.transcripts["train"]),
        }
        details = {
            "data": fusion_recipe.__doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
            "modality_weights": fusion_recipe.modality_weights(model),
        }
    return {
        "recipe": RECIPE_COMMAND, "seed": seed, "threads": THREADS, "sources": sources,
        "counts": counts, **details,
    }  # fmt: skip


def export_all(models: dict[str, TrainedModel], data: RecipeData, options: RecipeOptions) -> None:
    """Write every model's ONNX file, torch weights and card (scores are added later)."""
    for role, trained in models.items():
        if role in options.reuse:
            continue  # its files and card are in options.out already
        export_role(
            trained.model, role, options.out, role,
            classes=OCCLUSION_CLASSES if role == "occlusion" else CLASS_NAMES,
            learned_features=trained.card_features, version="2.0",
            temperature=round(trained.temperature, 4),
            training=_training_note(role, trained, data, options.seed),
        )  # fmt: skip


def configure_torch(seed: int) -> None:
    """Seeded, deterministic kernels, a fixed number of threads."""
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)


def run(options: RecipeOptions) -> dict[str, dict[str, Any]]:
    """The whole recipe; returns every role's held-out scores (also written to the cards)."""
    started = time.time()
    configure_torch(options.seed)
    data = load_data(options.data, options.cache, options.progress)
    options.log(f"data loaded in {time.time() - started:.0f} s")
    held_out = None  # a reused audio model: its card's leave-one-corpus-out scores stand
    if "audio" not in options.reuse:
        held_out = speech_recipe.leave_one_corpus_out(
            data.speech, options.seed, options.progress,
            _epochs(options, speech_recipe.HELD_OUT_EPOCHS), options.log,
        )  # fmt: skip
    models = train_all(data, options, held_out)
    export_all(models, data, options)
    scores = evaluation.score_all(options.out, data, options.log, held_out)
    options.log(f"done in {(time.time() - started) / 60:.1f} min")
    return scores


def score_only(options: RecipeOptions) -> dict[str, dict[str, Any]]:
    """Score the models already exported to ``options.out`` again (no training)."""
    data = load_data(options.data, options.cache, options.progress)
    return evaluation.score_all(options.out, data, options.log)
