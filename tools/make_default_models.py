"""Makes the default weights in models/ (ONNX + torch weights + cards + models/README.md).

One command, seeded and reproducible within noise, about 3 minutes on 2 cores:

    .venv/bin/python tools/make_default_models.py [--out models] [--seed 0]

See emotion_ros/training/default_recipe.py for what the data are and why.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from emotion_ros.emotion_classes import CLASS_NAMES, summarize
from emotion_ros.landmarks.augmentation import mirror
from emotion_ros.models.architectures import (
    AllLandmarkModel,
    AudioModel,
    FusionModel,
    LowerFaceMLP,
    TemporalModel,
)
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.training import default_recipe as recipe
from emotion_ros.training.calibration import fit_temperature, softmax
from emotion_ros.training.package_photos import astronaut_bgr, grace_hopper_bgr
from emotion_ros.training.synthetic_faces import sample_sequences
from emotion_ros.training.trainer import TrainConfig, predict_logits, train
from emotion_ros.vision.face_mesh import still_image_detector

PHOTOS = {"astronaut (smiling)": astronaut_bgr, "grace_hopper (neutral)": grace_hopper_bgr}


def photo_meshes() -> dict[str, np.ndarray]:
    """The real meshes of the photos that ship in packages."""
    with still_image_detector() as detector:
        return {name: detector.detect(load())[0].landmarks for name, load in PHOTOS.items()}


def truncate_history(frames: np.ndarray, mask: np.ndarray, rng: np.random.Generator):
    """Hide a random number of leading frames, as at start-up when fewer than T exist."""
    frames, mask = frames.copy(), mask.copy()
    for i, keep in enumerate(rng.integers(1, frames.shape[1] + 1, len(frames))):
        frames[i, : frames.shape[1] - keep] = 0.0
        mask[i, : frames.shape[1] - keep] = 0.0
    return frames, mask


def modality_log_probs(models, faces, sequences, speech, labels, rng):
    """Per-modality calibrated log-probs for random same-class pairings, with dropout masks."""
    roles = ("lower_face", "all_landmarks", "temporal", "audio")
    pools = {
        "lower_face": (recipe.landmark_inputs("lower_face", faces[0]), faces[1]),
        "all_landmarks": (recipe.landmark_inputs("all_landmarks", faces[0]), faces[1]),
        "temporal": (recipe.sequence_inputs(sequences[0]), sequences[1]),
        "audio": ([speech[0]], speech[1]),
    }
    log_probs = np.zeros((len(labels), len(roles), len(CLASS_NAMES)), np.float32)
    for m, role in enumerate(roles):
        inputs, pool_labels = pools[role]
        logits = predict_logits(models[role].model, inputs)
        probs = np.log(softmax(logits, models[role].temperature) + 1e-8)
        for i, label in enumerate(labels):
            log_probs[i, m] = probs[rng.choice(np.flatnonzero(pool_labels == label))]
    available = np.ones((len(labels), len(roles)), np.float32)
    available[:, 3] = rng.random(len(labels)) < 0.6  # audio often missing
    hidden = rng.random(len(labels)) < 0.2  # upper face hidden (mask, headset)
    available[hidden, 1:3] = 0.0
    return log_probs, available


def main() -> int:
    """Train, calibrate, score and export the five default models."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "models")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-class", type=int, default=800, help="training faces per class")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    started = time.time()
    meshes = photo_meshes()
    base = meshes["grace_hopper (neutral)"]
    faces = recipe.face_data(base, args.seed, args.per_class)
    models: dict[str, recipe.TrainedModel] = {}
    for role, model, epochs in (
        ("lower_face", LowerFaceMLP(), 12),
        ("all_landmarks", AllLandmarkModel(), 15),
    ):
        models[role] = recipe.fit(
            model,
            *[x for split in ("train", "val", "test") for x in (
                recipe.landmark_inputs(role, faces[split][0]), faces[split][1])],
            TrainConfig(epochs=epochs, seed=args.seed),
            role,
        )  # fmt: skip
        print(f"{role}: test accuracy {models[role].metrics['accuracy']:.3f}")

    bases = [base, mirror(base)]
    sequences = {
        split: sample_sequences(
            bases, n, recipe.TEMPORAL_FRAMES, np.random.default_rng(args.seed + k)
        )
        for k, (split, n) in enumerate((("train", 120), ("val", 30), ("test", 30)))
    }
    train_inputs = list(truncate_history(*recipe.sequence_inputs(sequences["train"][0]), rng))
    models["temporal"] = recipe.fit(
        TemporalModel(),
        train_inputs, sequences["train"][1],
        recipe.sequence_inputs(sequences["val"][0]), sequences["val"][1],
        recipe.sequence_inputs(sequences["test"][0]), sequences["test"][1],
        TrainConfig(epochs=25, batch_size=32, seed=args.seed),
        "temporal",
    )  # fmt: skip
    print(f"temporal: test accuracy {models['temporal'].metrics['accuracy']:.3f}")

    speech = recipe.speech_data(args.seed)
    models["audio"] = recipe.fit(
        AudioModel(),
        [speech["train"][0]], speech["train"][1],
        [speech["val"][0]], speech["val"][1],
        [speech["test"][0]], speech["test"][1],
        TrainConfig(epochs=30, batch_size=32, seed=args.seed),
        "audio",
    )  # fmt: skip
    print(f"audio: test accuracy {models['audio'].metrics['accuracy']:.3f}")

    fusion_sets = {}
    for split, size in (("val", 1200), ("test", 600)):
        labels = np.repeat(np.arange(len(CLASS_NAMES)), size // len(CLASS_NAMES))
        fusion_sets[split] = (
            *modality_log_probs(models, faces[split], sequences[split], speech[split], labels, rng),
            labels,
        )
    fusion, _ = train(
        FusionModel(), fusion_sets["val"][:2], fusion_sets["val"][2], len(CLASS_NAMES),
        TrainConfig(epochs=40, batch_size=64, learning_rate=3e-2, seed=args.seed), "fusion",
    )  # fmt: skip
    fusion_temperature = fit_temperature(
        predict_logits(fusion, fusion_sets["val"][:2]), fusion_sets["val"][2]
    )
    fusion_logits = predict_logits(fusion, fusion_sets["test"][:2])
    models["fusion"] = recipe.TrainedModel(
        fusion,
        fusion_temperature,
        recipe.score(fusion_logits, fusion_sets["test"][2], fusion_temperature),
    )
    print(f"fusion: test accuracy {models['fusion'].metrics['accuracy']:.3f}")

    notes = {
        "lower_face": "synthetic FACS expressions on identities derived from the real "
        "MediaPipe mesh of matplotlib's grace_hopper.jpg (and its mirror image); held-out "
        "identities for test",
        "all_landmarks": "as lower_face",
        "temporal": f"synthetic {recipe.TEMPORAL_FRAMES}-frame sequences (neutral -> onset -> "
        "expression, head drift) on the same identities; leading frames masked at random",
        "audio": f"espeak-ng speech, {len(recipe.SENTENCES)} sentences x "
        f"{len(recipe.VOICES)} voices x per-class prosody; the last "
        f"{recipe.HELD_OUT_SENTENCES} sentences only in test",
        "fusion": "outputs of the four models on held-out data, same-class pairings, audio "
        "missing 40 %, upper face hidden 20 %",
    }
    recipe.export_all(models, args.out, notes, args.seed)

    pipeline = EmotionPipeline(ModelSet.load(role_cards(args.out, tuple(models)), device="cpu"))
    photos = {}
    for name, mesh in meshes.items():
        [prediction] = pipeline.predict([FaceSample(name, mesh, mesh[None])], None)
        photos[name] = dict(
            zip(CLASS_NAMES, np.round(prediction.probabilities, 3).tolist(), strict=True)
        )
        print(f"{name}: {summarize(prediction.probabilities, CLASS_NAMES).label} {photos[name]}")
    (args.out / "photo_check.json").write_text(json.dumps(photos, indent=2))
    write_readme(args.out, models, photos, time.time() - started)
    print(f"done in {time.time() - started:.0f} s")
    return 0


def write_readme(out: Path, models: dict, photos: dict, seconds: float) -> None:
    """models/README.md: what the defaults are, how they were made, how well they do."""
    rows = "\n".join(
        f"| {role} | {m.metrics['accuracy']:.3f} | {m.metrics['macro_f1']:.3f} | "
        f"{m.metrics['ece_before_temperature']:.3f} -> {m.metrics['ece_after_temperature']:.3f} | "
        f"{m.temperature:.2f} | {m.metrics['samples']} |"
        for role, m in models.items()
    )
    photo_rows = "\n".join(
        f"| {name} | " + " | ".join(f"{p:.2f}" for p in probs.values()) + " |"
        for name, probs in photos.items()
    )
    (out / "README.md").write_text(f"""# Default models

Made by `{recipe.RECIPE_COMMAND}` (seed 0, {seconds:.0f} s on 2 CPU cores). **They are a starting
point**: no emotion dataset can be reached where they were made, so they learned from synthetic
FACS expressions on a real face mesh and from espeak-ng speech (see
`emotion_ros/training/default_recipe.py`). They tell a smile from a neutral face; do not expect
more. Retrain on your data with `emotion-ros train` (see the README).

Each model is `<role>.onnx` (run by onnxruntime on the CPU), `<role>.pt` (torch weights, run on
CUDA) and `<role>.yaml` (its card: inputs, features, temperature, data, metrics, checksums).

## Held-out scores (synthetic test data the models never saw)

| model | accuracy | macro-F1 | ECE before -> after temperature | temperature | test samples |
|---|---|---|---|---|---|
{rows}

## Real photos (fused, face models only, calibrated probabilities)

| photo | {" | ".join(CLASS_NAMES)} |
|---|{"---|" * len(CLASS_NAMES)}
{photo_rows}

The astronaut photo is never trained on. Grace Hopper's mesh is the base of the training
identities, so its row shows the models' view of their own neutral reference, not a held-out test.
""")


if __name__ == "__main__":
    sys.exit(main())
