"""Train one model on one dataset: read, extract features, split by group, train, calibrate,
score, and write the metrics, a confusion-matrix PNG and the ONNX file with its card.

``emotion-ros train`` is the command-line face of this. It trains a role exactly as the default
recipe does (``default_recipe``): the same builder and architecture arguments (the role
registry), hyper-parameters, per-batch augmentation and choice of the best validation epoch,
through the recipe's own training functions. What differs is the data and its split (your
dataset, split by subject/video/speaker), and ``--epochs`` when given; it says so as it starts.
"""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.evaluation.plots import confusion_png
from emotion_ros.models.export import export_role
from emotion_ros.models.role_specs import SPECS
from emotion_ros.training.datasets import image_datasets, speech_datasets, video_datasets
from emotion_ros.training.datasets.keypoint_dataset import read_keypoints
from emotion_ros.training.datasets.sample import Sample
from emotion_ros.training.features.dataset_features import face_landmarks
from emotion_ros.training.features.speech_data import SpeechSet, read_clips
from emotion_ros.training.fitting.model_scores import score
from emotion_ros.training.fitting.splits import group_kfold, group_split
from emotion_ros.training.fitting.trainer import TrainConfig, TrainedModel, predict_logits
from emotion_ros.training.recipe import face_recipe, speech_recipe
from emotion_ros.training.recipe.face_recipe import FACE_RECIPES

# The roles whose recipe starts from what a dataset here gives: face meshes, or voice clips.
MODELS = (*(role for role, recipe in FACE_RECIPES.items() if recipe.reads == "meshes"), "audio")
DATASETS = {
    "image-folder": "class folders (RAF-DB, CK+, AffectNet style)",
    "fer2013": "fer2013.csv (FER+ votes with --labels fer2013new.csv)",
    "mer": "MER2023/MERR: a video folder and --labels label CSV",
    "crema-d": "CREMA-D wav files",
    "ravdess": "RAVDESS wav files",
    "tess": "TESS wav files",
    "savee": "SAVEE wav files",
    "iemocap": "IEMOCAP release root",
    "keypoints": "a folder written by emotion-ros collect (landmarks, labels, subjects)",
}
AUDIO_DATASETS = ("crema-d", "ravdess", "tess", "savee", "iemocap")
FILE_DATASETS = ("fer2013",)  # --data is a file; every other dataset is a folder
LABEL_FILES = {"mer": "the MER label CSV", "fer2013": "FER+ votes (fer2013new.csv), optional"}


@dataclass(frozen=True)
class TrainJob:
    """What to train on what; see ``emotion-ros train --help``."""

    model: str
    dataset: str
    data: Path
    out: Path
    labels: Path | None = None
    label_scheme: str = "names"
    cache: Path | None = None
    folds: int = 1
    epochs: int | None = None  # None: the recipe's for the role
    seed: int = 0
    progress: bool = True


def validate(job: TrainJob) -> None:
    """Refuse a job that cannot work before reading any data: extracting landmarks takes
    minutes, and a bad argument must not cost them.

    Raises:
        ValueError: naming the argument and what it must be.
    """
    if job.model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}")
    if job.dataset not in DATASETS:
        raise ValueError(f"unknown dataset {job.dataset!r}; known: {', '.join(DATASETS)}")
    if (job.dataset in AUDIO_DATASETS) != (job.model == "audio"):
        raise ValueError(f"dataset {job.dataset} has no input for the {job.model} model")
    if job.epochs is not None and job.epochs < 1:
        raise ValueError(f"--epochs must be at least 1, got {job.epochs}")
    if job.folds < 1:
        raise ValueError(f"--folds must be at least 1 (1: one 80/20 split), got {job.folds}")
    if not job.data.exists():
        raise ValueError(f"--data {job.data} does not exist")
    if job.dataset in FILE_DATASETS and not job.data.is_file():
        raise ValueError(
            f"--dataset {job.dataset} reads a CSV file (fer2013.csv), but --data {job.data} is a "
            "folder; for FER2013 as class folders (train/happy/...) use --dataset image-folder"
        )
    if job.dataset not in FILE_DATASETS and not job.data.is_dir():
        raise ValueError(f"--dataset {job.dataset} reads a folder, but --data {job.data} is not")
    if job.dataset == "mer" and job.labels is None:
        raise ValueError("--labels (the MER label CSV) is required for --dataset mer")
    if job.labels is not None:
        if job.dataset not in LABEL_FILES:
            uses = "; ".join(f"{k}: {v}" for k, v in LABEL_FILES.items())
            raise ValueError(f"--dataset {job.dataset} takes no --labels ({uses})")
        if not job.labels.is_file():
            raise ValueError(f"--labels {job.labels} is not a file")
    if job.out.exists() and not job.out.is_dir():
        raise ValueError(f"--out {job.out} is a file, not a folder")


def read_samples(job: TrainJob, dropped: Counter[str] | None = None) -> list[Sample]:
    """The samples of a validated job's dataset; what the reader drops is counted per label in
    ``dropped``."""
    if job.dataset == "image-folder":
        return image_datasets.read_image_folder(job.data, job.label_scheme, dropped)
    if job.dataset == "fer2013":
        return image_datasets.read_fer2013(job.data, job.labels, dropped)
    if job.dataset == "mer":
        return video_datasets.read_mer(job.data, job.labels, dropped)
    reader = {
        "crema-d": speech_datasets.read_crema_d,
        "ravdess": speech_datasets.read_ravdess,
        "tess": speech_datasets.read_tess,
        "savee": speech_datasets.read_savee,
        "iemocap": speech_datasets.read_iemocap,
    }[job.dataset]  # validate() refused any other name
    return reader(job.data, dropped)


def _check_groups(groups: np.ndarray, folds: int) -> None:
    count = len(np.unique(groups))
    if count < 3:
        raise ValueError(
            f"need at least 3 subjects/videos/speakers to split without leaking, found {count}"
        )
    if folds > count:
        raise ValueError(f"--folds {folds} needs at least {folds} subjects/videos/speakers, "
                         f"found {count}")  # fmt: skip


def _per_class(counts: Counter[int]) -> str:
    return ", ".join(f"{CLASS_NAMES[label]} {n}" for label, n in sorted(counts.items()))


def _config(model: str) -> TrainConfig:
    return speech_recipe.CONFIG if model == "audio" else FACE_RECIPES[model].config


def _augmentation(model: str) -> str:
    return speech_recipe.AUGMENTATION if model == "audio" else face_recipe.augmentation(model)


def recipe_line(job: TrainJob) -> str:
    """What the job trains, as the default recipe does, and what it does differently."""
    spec = SPECS[job.model]
    arguments = ", ".join(f"{k}={v}" for k, v in spec.kwargs.items())
    settings = ", ".join(f"{k} {v}" for k, v in _config(job.model).card_fields().items())
    own_epochs = ""
    if job.epochs is not None and job.epochs != _config(job.model).epochs:
        own_epochs = f"; --epochs {job.epochs} instead of the recipe's {_config(job.model).epochs}"
    return (
        f"{job.model}: {spec.architecture}({arguments}) as the default recipe trains it: "
        f"{settings}; per batch: {_augmentation(job.model)}; the best epoch on a validation "
        f"split of 20 % of the training groups{own_epochs}"
    )


def _train(
    job: TrainJob, data: SpeechSet | np.ndarray, labels: np.ndarray, fit: np.ndarray,
    validation: np.ndarray, seed: int,
) -> TrainedModel:  # fmt: skip
    """Train on the ``fit`` rows through the recipe's own function for the role."""
    if job.model == "audio":
        return speech_recipe.train_audio_model(
            data.select_indices(fit), data.select_indices(validation), seed, job.progress,
            job.epochs,
        )  # fmt: skip
    return face_recipe.train_face_model(
        job.model, data[fit], labels[fit], data[validation], labels[validation], seed,
        job.progress, job.epochs,
    )  # fmt: skip


def _inputs(job: TrainJob, data: SpeechSet | np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """The un-augmented model inputs of ``rows``, as the recipe scores them."""
    if job.model == "audio":
        return speech_recipe.evaluation_inputs(data.select_indices(rows))
    return FACE_RECIPES[job.model].features(data[rows])


def run(job: TrainJob, report: Callable[[str], None] = lambda _line: None) -> dict:
    """Run the job; return the metrics that were written to ``<out>/<model>-metrics.json``.

    ``report`` gets a line for what was read and what was dropped (labels that are not one of
    the six classes, images without a face), as soon as it is known.
    """
    validate(job)
    audio = job.dataset in AUDIO_DATASETS
    dropped: Counter[str] = Counter()
    if job.dataset == "keypoints":  # landmarks already extracted by emotion-ros collect
        keypoints = read_keypoints(job.data, dropped)
        samples = [Sample(job.data, int(k), str(g)) for k, g in
                   zip(keypoints.labels, keypoints.groups, strict=True)]  # fmt: skip
    else:
        samples = read_samples(job, dropped)
    report(f"read {len(samples)} samples from {job.data}: "
           f"{_per_class(Counter(s.label for s in samples)) or 'none'}")  # fmt: skip
    if dropped:
        report(f"dropped {dropped.total()} (not one of the six classes): "
               + ", ".join(f"{label} {n}" for label, n in sorted(dropped.items())))  # fmt: skip
    if not samples:
        raise ValueError(f"no labelled samples found in {job.data} for {job.dataset}")
    _check_groups(np.asarray([s.group for s in samples]), job.folds)
    cache = job.cache or job.out / "cache" / job.dataset
    without_face: Counter[int] = Counter()
    unreadable: list[Path] = []
    data: SpeechSet | np.ndarray
    if job.dataset == "keypoints":
        data, labels, groups = keypoints.landmarks, keypoints.labels, keypoints.groups
    elif audio:
        data = read_clips(samples, job.dataset, cache, job.progress)
        labels, groups = data.label_array(), np.asarray(data.speakers)
    else:
        data, labels, groups = face_landmarks(samples, cache, without_face, unreadable)
    if unreadable:
        report(f"cannot read {len(unreadable)} file(s) as images (skipped): "
               + ", ".join(str(path) for path in unreadable))  # fmt: skip
    if without_face:
        report(f"no face found in {without_face.total()} of {len(samples)} (skipped): "
               f"{_per_class(without_face)}")  # fmt: skip
    _check_groups(groups, job.folds)
    report(recipe_line(job))
    folds = (
        group_kfold(groups, job.folds, job.seed)
        if job.folds > 1
        else [group_split(groups, 0.2, job.seed)]
    )
    fold_metrics, first = [], None
    for fold, (train_index, test_index) in enumerate(folds):
        fit_index, val_index = group_split(groups[train_index], 0.2, job.seed + fold)
        trained = _train(
            job, data, labels, train_index[fit_index], train_index[val_index], job.seed + fold
        )
        logits = predict_logits(trained.model, _inputs(job, data, test_index))
        metrics = score(logits, labels[test_index], trained.temperature)
        metrics.update(fold=fold, temperature=trained.temperature)
        fold_metrics.append(metrics)
        report(f"fold {fold + 1}/{len(folds)}: accuracy {metrics['accuracy']:.3f}, macro-F1 "
               f"{metrics['macro_f1']:.3f} on {len(test_index)} samples of "
               f"{len(np.unique(groups[test_index]))} unseen subjects")  # fmt: skip
        if first is None:
            first = (trained, metrics)
    trained, metrics = first
    summary = {
        "model": job.model,
        "dataset": job.dataset,
        "samples": len(labels),
        "groups": len(np.unique(groups)),
        "dropped_labels": dict(sorted(dropped.items())),
        "without_face": {CLASS_NAMES[k]: n for k, n in sorted(without_face.items())},
        "folds": fold_metrics,
        "mean_accuracy": float(np.mean([m["accuracy"] for m in fold_metrics])),
        "mean_macro_f1": float(np.mean([m["macro_f1"] for m in fold_metrics])),
    }
    job.out.mkdir(parents=True, exist_ok=True)
    (job.out / f"{job.model}-metrics.json").write_text(json.dumps(summary, indent=2))
    confusion_png(
        np.array(metrics["confusion_matrix"]), list(CLASS_NAMES),
        job.out / f"{job.model}-confusion.png", f"{job.model} on {job.dataset} (fold 1)",
    )  # fmt: skip
    _export(job, trained, summary)
    return summary


def _export(job: TrainJob, trained: TrainedModel, summary: dict) -> None:
    export_role(
        trained.model, job.model, job.out, job.model,
        learned_features=trained.card_features, temperature=round(trained.temperature, 4),
        training={"data": f"{job.dataset}: {job.data}", "seed": job.seed,
                  "recipe": f"emotion-ros train --model {job.model} --dataset {job.dataset}",
                  **trained.config.card_fields(), "augmentation": _augmentation(job.model)},
        metrics={k: v for k, v in summary.items() if k != "folds"} | {"fold1": summary["folds"][0]},
    )  # fmt: skip
