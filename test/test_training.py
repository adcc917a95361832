"""The training loop, augmentation, calibration and metrics on small real fixtures, and the
shipped default models on the two real photos."""

import cv2
import numpy as np
import pytest
import torch

from emotion_ros.emotion_classes import CLASS_NAMES, NUM_CLASSES
from emotion_ros.evaluation.metrics import classification_report, expected_calibration_error
from emotion_ros.landmarks.normalization import all_landmark_features
from emotion_ros.models.architectures import AllLandmarkModel
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.package_paths import share_path
from emotion_ros.training.fitting.batch_augmentation import (
    centre_crops,
    crop_augmenter,
    landmark_augmenter,
    sequence_augmenter,
)
from emotion_ros.training.fitting.calibration import fit_temperature, softmax
from emotion_ros.training.fitting.trainer import TrainConfig, class_weights, predict_logits, train
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import still_image_detector

from face_images import astronaut_bgr, grace_hopper_bgr

HAPPY, NEUTRAL = CLASS_NAMES.index("Happy"), CLASS_NAMES.index("Neutral")


@pytest.fixture(scope="module")
def meshes():
    with still_image_detector() as detector:
        return {
            "astronaut": detector.detect(astronaut_bgr())[0].landmarks,
            "grace_hopper": detector.detect(grace_hopper_bgr())[0].landmarks,
        }


def test_landmark_augmentation_changes_pose_and_keeps_the_face(meshes):
    batch = np.stack([meshes["astronaut"]] * 8)
    augment = landmark_augmenter(all_landmark_features)
    [a] = augment([torch.from_numpy(batch)], torch.Generator().manual_seed(0))
    [b] = augment([torch.from_numpy(batch)], torch.Generator().manual_seed(0))
    torch.testing.assert_close(a, b)  # seeded
    original = torch.from_numpy(all_landmark_features(batch))
    change = (a - original).abs().mean(dim=1)
    assert (change > 0.005).all() and (change < 0.2).all(), change


def test_sequence_augmentation_masks_leading_frames(meshes):
    batch = torch.from_numpy(np.stack([meshes["grace_hopper"]] * 16))
    frames, mask = sequence_augmenter(6, all_landmark_features)([batch], torch.Generator())
    assert frames.shape == (16, 6, 1434) and mask.shape == (16, 6)
    assert (mask[:, -1] == 1).all(), "the newest frame is always there"
    for row, valid in zip(frames, mask, strict=True):
        first = int((valid == 0).sum())
        assert (valid[first:] == 1).all() and (row[:first] == 0).all()


def test_crop_augmentation_stays_inside_the_margin(meshes):
    grey = cv2.cvtColor(astronaut_bgr(), cv2.COLOR_BGR2GRAY)
    crops = np.stack([aligned_crop(grey, meshes["astronaut"], 48, 6)] * 4)
    [out] = crop_augmenter(48, 6)([torch.from_numpy(crops)], torch.Generator().manual_seed(1))
    assert out.shape == (4, 48, 48) and out.min() >= 0 and out.max() <= 255
    centre = torch.from_numpy(centre_crops(crops, 6))
    # shifted, turned and re-lit, but still the same face: far closer to it than to noise
    noise = torch.rand(4, 48, 48) * 255
    assert ((out - centre).abs().mean() < 0.5 * (noise - centre).abs().mean()).all()


def test_training_tells_two_real_faces_apart_and_keeps_the_best_epoch(meshes):
    """Augmented copies of a smiling and a neutral face: the loss falls, held-out augmented
    copies are told apart, and the kept weights are the best validation epoch's."""
    points = np.stack([meshes["astronaut"], meshes["grace_hopper"]] * 40)
    labels = np.array([HAPPY, NEUTRAL] * 40)
    augment = landmark_augmenter(all_landmark_features, jitter=0.02)
    held_out = augment([torch.from_numpy(points[:20])], torch.Generator().manual_seed(7))
    validation = ([held_out[0].numpy()], labels[:20])
    torch.manual_seed(0)  # the initial weights: torch's own seed differs in every process
    model, losses = train(
        AllLandmarkModel(hidden=64), [points], labels, NUM_CLASSES,
        TrainConfig(epochs=30, batch_size=16, learning_rate=3e-3, progress=False),
        augment=augment, validation=validation,
    )  # fmt: skip
    assert losses[-1] < 0.5 * losses[0]
    predicted = predict_logits(model, validation[0]).argmax(axis=1)
    assert (predicted == validation[1]).mean() == 1.0


def test_class_weights_favour_rare_classes_by_the_chosen_power():
    labels = np.array([0] * 90 + [1] * 10)
    full, root, none = (class_weights(labels, 3, p) for p in (1.0, 0.5, 0.0))
    assert full[2] == root[2] == none[2] == 0  # a class with no example gets no weight
    assert full[1] / full[0] == pytest.approx(9.0)
    assert root[1] / root[0] == pytest.approx(3.0)
    assert none[1] == none[0]


def test_class_weights_of_soft_labels_follow_the_probability_mass():
    # every row's most likely class is 0, but half of all the mass is on class 1
    soft = np.tile(np.array([[0.5, 0.4, 0.1]]), (10, 1))
    weights = class_weights(soft, 3, 1.0)
    assert weights[1] / weights[0] == pytest.approx(0.5 / 0.4)
    assert weights[2] / weights[0] == pytest.approx(5.0)


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
    return EmotionPipeline(ModelSet.load(role_cards(share_path("models")), "cpu"))


def _output(pipeline: EmotionPipeline, photo, mesh: np.ndarray) -> tuple[str, float]:
    crop = aligned_crop(cv2.cvtColor(photo(), cv2.COLOR_BGR2GRAY), mesh, 48)
    [output] = pipeline.predict([FaceSample("f", mesh, mesh[None], crop)], None)
    best = int(output.probabilities.argmax())
    return pipeline.class_names[best], float(output.probabilities[best])


def test_default_models_tell_the_smiling_astronaut_from_grace_hopper(default_pipeline, meshes):
    label, _ = _output(default_pipeline, astronaut_bgr, meshes["astronaut"])
    assert label == "Happy"
    label, confidence = _output(default_pipeline, grace_hopper_bgr, meshes["grace_hopper"])
    assert label != "Happy"
    assert confidence < 0.95, "calibrated on real faces: a plain face is not a certainty"
