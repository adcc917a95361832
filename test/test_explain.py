"""``emotion-ros explain``: Grad-CAM and landmark saliency on a real photo and a bag frame."""

import cv2
import numpy as np
import pytest

from emotion_ros.package_paths import share_path
from emotion_ros.visualization.explain_frame import explain_frame

from face_images import astronaut_bgr
from user_commands import run_as_user


@pytest.fixture(scope="module")
def explained():
    return explain_frame(astronaut_bgr(), share_path("models"))


def test_the_heat_map_varies_and_lies_on_the_face(explained):
    _, [face] = explained
    heat = face.explanation.heat
    assert heat.shape == face.crop.shape and heat.max() == pytest.approx(1.0)
    assert heat.std() > 0.05, "not a constant map"
    # the crop is the face from the brows to the chin: where the heat is, is inside it, and away
    # from the background at the crop's left and right edges
    ys, xs = np.indices(heat.shape)
    centre_x, centre_y = (xs * heat).sum() / heat.sum(), (ys * heat).sum() / heat.sum()
    side = heat.shape[0]
    assert 0.25 * side < centre_x < 0.75 * side and 0.2 * side < centre_y < 0.95 * side
    edges = np.concatenate([heat[:, :4].ravel(), heat[:, -4:].ravel()])
    assert heat.max() > 2 * edges.mean()


def test_landmark_saliency_singles_out_some_landmarks(explained):
    _, [face] = explained
    saliency = face.explanation.saliency
    assert saliency.shape == (478,) and saliency.max() == pytest.approx(1.0)
    assert np.sort(saliency)[-20:].mean() > 3 * np.median(saliency)


def test_explain_writes_a_picture_for_a_photo_and_for_a_bag_frame(tmp_path):
    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), astronaut_bgr())
    done = run_as_user("emotion-ros", "explain", str(photo), "--out", str(tmp_path / "a.png"))
    assert done.code == 0, done.lines
    assert done.lines[-1] == f"wrote {tmp_path / 'a.png'}"
    picture = cv2.imread(str(tmp_path / "a.png"))
    assert picture.shape == (240, 720, 3) and picture.std() > 20
    bag = share_path("data", "eval", "labelled")
    done = run_as_user("emotion-ros", "explain", str(bag), "--frame", "3",
                       "--out", str(tmp_path / "b.png"))  # fmt: skip
    assert done.code == 0 and (tmp_path / "b.png").is_file(), done.lines
    missing = run_as_user("emotion-ros", "explain", str(tmp_path / "nope.jpg"))
    assert missing.code == 2 and "cannot read" in missing.lines[0]
