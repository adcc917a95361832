"""Training on a small synthetic fixture, calibration, metrics, and the shipped default models."""

import numpy as np
import pytest

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.evaluation.metrics import classification_report, expected_calibration_error
from emotion_ros.landmarks.augmentation import mirror
from emotion_ros.landmarks.normalization import all_landmark_features
from emotion_ros.models.architectures import AllLandmarkModel
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.package_paths import share_path
from emotion_ros.training.calibration import fit_temperature, softmax
from emotion_ros.training.synthetic_faces import express, sample_faces
from emotion_ros.training.trainer import TrainConfig, predict_logits, train
from emotion_ros.vision.face_mesh import still_image_detector

from face_images import astronaut_bgr, grace_hopper_bgr


@pytest.fixture(scope="module")
def meshes():
    with still_image_detector() as detector:
        return {
            "astronaut": detector.detect(astronaut_bgr())[0].landmarks,
            "grace_hopper": detector.detect(grace_hopper_bgr())[0].landmarks,
        }


def test_training_on_a_small_fixture_lowers_the_loss_and_beats_chance(meshes):
    base = meshes["grace_hopper"]
    faces, labels, _ = sample_faces([base, mirror(base)], 60, np.random.default_rng(0))
    test_faces, test_labels, _ = sample_faces([base], 20, np.random.default_rng(99))
    model, losses = train(
        AllLandmarkModel(hidden=64),
        [all_landmark_features(faces)],
        labels,
        len(CLASS_NAMES),
        TrainConfig(epochs=30, batch_size=32, learning_rate=3e-3, progress=False),
    )
    assert losses[-1] < 0.5 * losses[0]
    predicted = predict_logits(model, [all_landmark_features(test_faces)]).argmax(1)
    accuracy = (predicted == test_labels).mean()
    assert accuracy > 0.6, f"accuracy {accuracy:.2f} on new identities (chance is 0.17)"


def test_temperature_scaling_fixes_overconfidence():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 6, 2000)
    logits = rng.normal(0, 1, (2000, 6))
    logits[np.arange(2000), labels] += 1.0
    overconfident = logits * 5.0
    temperature = fit_temperature(overconfident, labels)
    assert 3.0 < temperature < 7.0
    before = expected_calibration_error(softmax(overconfident), labels)
    after = expected_calibration_error(softmax(overconfident, temperature), labels)
    assert after < 0.5 * before


def test_classification_report_matches_a_hand_computation():
    truth = np.array([0, 0, 1, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 0, 2])
    report = classification_report(truth, predicted, 3)
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.precision == pytest.approx([0.5, 2 / 3, 1.0])
    assert report.recall == pytest.approx([0.5, 2 / 3, 1.0])
    assert report.macro_f1 == pytest.approx((0.5 + 2 / 3 + 1.0) / 3)
    assert report.confusion == [[1, 1, 0], [1, 2, 0], [0, 0, 1]]


@pytest.fixture(scope="module")
def default_pipeline():
    roles = ("lower_face", "all_landmarks", "temporal", "fusion")
    return EmotionPipeline(ModelSet.load(role_cards(share_path("models"), roles), "cpu"))


def _predict(pipeline: EmotionPipeline, mesh: np.ndarray) -> str:
    [output] = pipeline.predict([FaceSample("f", mesh, mesh[None])], None)
    return pipeline.class_names[int(output.probabilities.argmax())]


def test_default_models_tell_the_smiling_astronaut_from_grace_hopper(default_pipeline, meshes):
    assert _predict(default_pipeline, meshes["astronaut"]) == "Happy"
    assert _predict(default_pipeline, meshes["grace_hopper"]) != "Happy"


@pytest.mark.parametrize("label", ["Surprised", "Sad", "Angry", "Happy"])
def test_default_models_do_not_say_happy_to_everything(default_pipeline, meshes, label):
    """Expressions drawn on Grace Hopper's real mesh come out as drawn."""
    from emotion_ros.landmarks.normalization import normalize_landmarks

    face = express(normalize_landmarks(meshes["grace_hopper"]), label, 1.0) * 100.0
    assert _predict(default_pipeline, face) == label
