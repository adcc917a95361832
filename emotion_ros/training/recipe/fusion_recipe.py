"""The fusion model of the default set, fitted on held-out outputs of the other models.

No real audio-visual emotion data could be had for this project, so the fusion model learns from
pairs: a held-out face (FER2013 PublicTest), a voice from a corpus the audio model never heard
(every speech corpus, read by the audio model trained with that corpus left out, against its
speaker's reference and against the prior; ``speech_recipe.unheard_voices``) and a transcript
(MELD's training utterances, scored by the speech node's text scorer; no model is trained on
them) of the same class, each through its own calibrated model. A robot's microphone is one the
audio model never heard: learned from the validation speakers of the corpora it trained on,
the fusion trusted voices more than that deserves.
Modalities are removed at random as they are in use: audio missing or silent (half the time),
the transcript missing (half the time), the upper face hidden (a VR headset: whole-face models
out, 10 %), the lower face hidden (a mask: the lower-face and appearance models out, 10 %), no
crop (``face_crop_size: 0``, or landmarks from another publisher: the appearance model out,
20 %).
So the transcript's weight against the others is learned, not set by hand.
"""

from dataclasses import dataclass

import numpy as np

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.models.emotion_pipeline import transcript_log_probabilities
from emotion_ros.models.role_specs import MODALITIES
from emotion_ros.speech.text_scoring import TextScorer
from emotion_ros.training.fitting.calibration import fit_temperature, softmax
from emotion_ros.training.fitting.trainer import (
    TrainConfig,
    TrainedModel,
    build_model,
    predict_logits,
    train,
)

CONFIG = TrainConfig(epochs=40, batch_size=128, learning_rate=3e-2, class_weight_power=1.0)
AUDIO_MISSING = 0.5
TRANSCRIPT_MISSING = 0.5
UPPER_HIDDEN = 0.1
LOWER_HIDDEN = 0.1
# without this case the fusion learned tiny landmark weights next to the appearance CNN's, and a
# face without a crop was outvoted by a silent audio window (valence of a smiling face 0.05)
NO_CROP = 0.2
WHOLE_FACE = ("all_landmarks", "temporal", "appearance")
LOWER = ("lower_face", "appearance", "all_landmarks", "temporal")


def log_probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Calibrated log-probabilities, as the pipeline computes them from a model's logits."""
    return np.log(softmax(logits, temperature) + 1e-12).astype(np.float32)


def transcript_outputs(texts: list[str]) -> np.ndarray:
    """The transcript modality's log-probabilities of ``texts``, from the speech node's default
    text scorer, as the fusion node receives them."""
    scorer = TextScorer()
    return transcript_log_probabilities(np.stack([scorer.score(t).probabilities for t in texts]))


@dataclass
class ModalityOutputs:
    """Each modality's calibrated log-probabilities on a labelled held-out set."""

    log_probs: dict[str, np.ndarray]  # modality -> (N_modality, 6)
    labels: dict[str, np.ndarray]  # modality -> (N_modality,)


def paired_examples(
    outputs: ModalityOutputs, count: int, rng: np.random.Generator, audio_missing: float = 0.5,
    transcript_missing: float = 0.5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """(log_probs (count, M, 6), available (count, M), labels): same-class pairings of the
    modalities' held-out outputs, with modalities removed as they are in use.

    The face modalities come from the same face (one index into the face set), audio and the
    transcript each from a random item of the same class. A modality without outputs is never
    available.
    """
    labels = np.resize(np.arange(NUM_CLASSES), count)
    rng.shuffle(labels)
    log_probs = np.zeros((count, len(MODALITIES), NUM_CLASSES), np.float32)
    available = np.ones((count, len(MODALITIES)), np.float32)
    own_items = [m for m in ("audio", "transcript") if m in outputs.log_probs]
    for i, label in enumerate(labels):
        face = rng.choice(np.flatnonzero(outputs.labels["lower_face"] == label))
        items = {m: rng.choice(np.flatnonzero(outputs.labels[m] == label)) for m in own_items}
        for m, modality in enumerate(MODALITIES):
            if modality in outputs.log_probs:
                log_probs[i, m] = outputs.log_probs[modality][items.get(modality, face)]
    index = {m: k for k, m in enumerate(MODALITIES)}
    for modality in set(MODALITIES) - set(outputs.log_probs):
        available[:, index[modality]] = 0.0
    available[rng.random(count) < audio_missing, index["audio"]] = 0.0
    available[rng.random(count) < transcript_missing, index["transcript"]] = 0.0
    upper = rng.random(count) < UPPER_HIDDEN
    lower = ~upper & (rng.random(count) < LOWER_HIDDEN)
    for name in WHOLE_FACE:
        available[upper, index[name]] = 0.0
    for name in LOWER:
        available[lower, index[name]] = 0.0
    available[rng.random(count) < NO_CROP, index["appearance"]] = 0.0
    return log_probs, available, labels


def train_fusion(
    outputs: ModalityOutputs, seed: int, progress: bool = True, count: int = 12_000
) -> TrainedModel:
    """Fit the fusion weights on pairings of held-out outputs, and then its temperature on
    fresh pairings (the same held-out pool, a different draw)."""
    rng = np.random.default_rng(seed)
    log_probs, available, labels = paired_examples(
        outputs, count, rng, AUDIO_MISSING, TRANSCRIPT_MISSING
    )
    config = CONFIG.for_run(seed, progress)
    model = build_model("fusion", config.seed)
    model, _ = train(model, [log_probs, available], labels, NUM_CLASSES, config, "fusion")
    calibration = paired_examples(outputs, count // 2, rng, AUDIO_MISSING, TRANSCRIPT_MISSING)
    temperature = fit_temperature(predict_logits(model, calibration[:2]), calibration[2])
    return TrainedModel(model, temperature, config)


def modality_weights(model: TrainedModel) -> dict[str, list[float]]:
    """The fusion's learned weight per modality and class (softplus of its parameter), for the
    card: how much each modality counts, the transcript's included."""
    weights = np.log1p(np.exp(model.model.weight.detach().cpu().numpy()))
    return {m: [round(float(w), 4) for w in weights[k]] for k, m in enumerate(MODALITIES)}
