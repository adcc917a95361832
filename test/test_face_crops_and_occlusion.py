"""Aligned face crops and the occlusion model's plumbing, on real photos (no ROS)."""

import cv2
import numpy as np
import pytest

from emotion_ros.node_config import node_defaults
from emotion_ros.training.fitting.occluders import LOWER, UPPER, occlude
from emotion_ros.vision.face_crop import EYE_LINE, EYE_SPACING, aligned_crop, alignment_matrix
from emotion_ros.vision.face_mesh import still_image_detector
from emotion_ros.vision.frame_processor import FaceFrameProcessor
from emotion_ros.vision.occlusion import CLASSES, visibility_from_logits

from face_images import astronaut_bgr, grace_hopper_bgr


def rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    centre = (image.shape[1] / 2, image.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(image, matrix, image.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)


@pytest.fixture(scope="module")
def detector():
    with still_image_detector() as still:
        yield still


@pytest.mark.parametrize("photo", [astronaut_bgr, grace_hopper_bgr])
@pytest.mark.parametrize("degrees", [0, 20, -30])
def test_crops_of_rotated_photos_have_level_eyes_where_the_template_puts_them(
    detector, photo, degrees
):
    """The crop's own mesh, found again by MediaPipe, has its eyes level within 2 degrees."""
    image = rotated(photo(), degrees)
    [face] = detector.detect(image)
    crop = aligned_crop(image, face.landmarks, 192)  # large, so MediaPipe can find it again
    [again] = detector.detect(crop)
    right = again.landmarks[[33, 133], :2].mean(axis=0)
    left = again.landmarks[[263, 362], :2].mean(axis=0)
    tilt = np.degrees(np.arctan2(left[1] - right[1], left[0] - right[0]))
    assert abs(tilt) < 2.0, tilt
    assert (left[0] - right[0]) / 192 == pytest.approx(EYE_SPACING, abs=0.03)
    assert (left[1] + right[1]) / 2 / 192 == pytest.approx(EYE_LINE, abs=0.04)


def test_a_large_face_is_shrunk_by_area_not_sampled(detector):
    """A 48-pixel crop of a 300-pixel face looks like the crop of the same face shrunk first
    (area averaging), far more than a plain bilinear warp does (that one aliases)."""
    image = grace_hopper_bgr()
    [face] = detector.detect(image)
    direct = aligned_crop(image, face.landmarks, 48).astype(np.float32)
    matrix = alignment_matrix(face.landmarks, 48)
    plain = cv2.warpAffine(image, matrix, (48, 48), borderMode=cv2.BORDER_REPLICATE)
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    reference = aligned_crop(small, face.landmarks * np.float32(0.25), 48).astype(np.float32)
    assert np.abs(direct - reference).mean() < 0.6 * np.abs(plain - reference).mean()


def test_alignment_refuses_a_mesh_without_eyes():
    with pytest.raises(ValueError, match="eye centres coincide"):
        alignment_matrix(np.zeros((478, 3), np.float32), 48)


def test_occluders_cover_the_half_they_are_drawn_for():
    rng = np.random.default_rng(0)
    base = np.full((60, 60), 128, np.uint8)
    eyes, mouth = (slice(6 + 16, 6 + 22), slice(12, 48)), (slice(6 + 36, 6 + 40), slice(20, 40))
    for kind, hidden in ((UPPER, [eyes]), (LOWER, [mouth]), (UPPER | LOWER, [eyes, mouth])):
        changed = 0
        for _ in range(20):
            crop = base.copy()
            occlude(crop, kind, 48, 6, rng)
            for region in hidden:
                changed += np.abs(crop[region].astype(int) - 128).mean() > 10
        assert changed >= 0.9 * 20 * len(hidden), kind
    untouched = base.copy()
    occlude(untouched, 0, 48, 6, rng)
    np.testing.assert_array_equal(untouched, base)


def test_visibility_is_the_sum_of_the_classes_that_leave_each_half_visible():
    logits = np.log(np.array([[0.7, 0.1, 0.15, 0.05]], np.float32))
    upper, lower = visibility_from_logits(logits)[0]
    assert CLASSES == ("visible", "upper_face_hidden", "lower_face_hidden", "both_hidden")
    assert upper == pytest.approx(0.7 + 0.15) and lower == pytest.approx(0.7 + 0.1)


def test_the_frame_processor_cuts_a_crop_per_face_and_reports_unknown_visibility():
    parameters = {**node_defaults("face_node"), "tracker_min_hits": 1, "occlusion_card": ""}
    processor = FaceFrameProcessor.from_parameters({**parameters, "face_crop_size": 48})
    faces, _ = processor.process(astronaut_bgr(), 1)
    processor.close()
    assert len(faces) == 1
    assert faces[0].crop.shape == (48, 48) and faces[0].crop.dtype == np.uint8
    assert faces[0].upper_face_visible == faces[0].lower_face_visible == -1.0
