"""Landmark index sets, normalisation and augmentation on the real meshes of two photos."""

import numpy as np
import pytest

from emotion_ros.landmarks.augmentation import mirror, rotate
from emotion_ros.landmarks.indices import (
    LEFT_EYE_OUTER,
    LEFT_IRIS_CENTRE,
    LOWER_FACE_INDICES,
    MIRROR_PERMUTATION,
    RIGHT_EYE_OUTER,
    RIGHT_IRIS_CENTRE,
    SUBNASALE,
)
from emotion_ros.landmarks.normalization import (
    lower_face_features,
    normalize_landmarks,
)
from emotion_ros.vision.face_mesh import still_image_detector

from face_images import astronaut_bgr, grace_hopper_bgr


@pytest.fixture(scope="module")
def meshes():
    with still_image_detector() as detector:
        return [
            detector.detect(photo())[0].landmarks for photo in (astronaut_bgr, grace_hopper_bgr)
        ]


def test_lower_face_set_is_63_points_all_below_the_nose(meshes):
    assert len(LOWER_FACE_INDICES) == len(set(LOWER_FACE_INDICES)) == 63
    assert 168 not in LOWER_FACE_INDICES and 6 not in LOWER_FACE_INDICES  # no sellion / bridge
    for mesh in meshes:
        levelled = normalize_landmarks(mesh)
        below = levelled[list(LOWER_FACE_INDICES), 1] > levelled[SUBNASALE, 1]
        assert below.all(), np.array(LOWER_FACE_INDICES)[~below]


def test_mirror_permutation_is_an_involution_that_swaps_the_eyes():
    assert sorted(MIRROR_PERMUTATION.tolist()) == list(range(478))
    np.testing.assert_array_equal(MIRROR_PERMUTATION[MIRROR_PERMUTATION], np.arange(478))
    assert MIRROR_PERMUTATION[RIGHT_EYE_OUTER] == LEFT_EYE_OUTER
    assert MIRROR_PERMUTATION[RIGHT_IRIS_CENTRE] == LEFT_IRIS_CENTRE
    assert set(MIRROR_PERMUTATION[list(LOWER_FACE_INDICES)]) == set(LOWER_FACE_INDICES)


def test_mirroring_maps_left_to_right_and_twice_is_identity(meshes):
    mesh = meshes[1]
    mirrored = mirror(mesh)
    # the mirrored right eye corner sits where the original left one is, reflected
    nose_x = mesh[1, 0]
    assert mirrored[RIGHT_EYE_OUTER, 0] == pytest.approx(2 * nose_x - mesh[LEFT_EYE_OUTER, 0])
    assert mirrored[RIGHT_EYE_OUTER, 1] == pytest.approx(mesh[LEFT_EYE_OUTER, 1])
    # a frontal face's mirror image is close to the face itself (it is nearly symmetric)
    iod = np.linalg.norm(mesh[LEFT_EYE_OUTER, :2] - mesh[RIGHT_EYE_OUTER, :2])
    assert np.abs(mirrored[:, :2] - mesh[:, :2]).mean() < 0.1 * iod
    np.testing.assert_allclose(mirror(mirrored), mesh, atol=1e-4)


def test_normalisation_ignores_position_scale_and_roll(meshes):
    mesh = meshes[0]
    moved = rotate(mesh, 0.0, 0.0, np.radians(25)) * 1.7 + np.array([40.0, -25.0, 3.0])
    np.testing.assert_allclose(lower_face_features(moved), lower_face_features(mesh), atol=1e-4)
    batch = normalize_landmarks(np.stack([mesh, moved]))
    np.testing.assert_allclose(batch[0], batch[1], atol=1e-4)


def test_normalisation_rejects_bad_shapes():
    with pytest.raises(ValueError, match="478"):
        normalize_landmarks(np.zeros((468, 3)))
    with pytest.raises(ValueError, match="coincide"):
        normalize_landmarks(np.zeros((478, 3)))
