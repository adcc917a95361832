"""``emotion-ros explain``: Grad-CAM and landmark saliency on a real photo and a bag frame."""

import cv2
import numpy as np
import pytest

from emotion_ros.package_paths import share_path
from emotion_ros.visualization.explain_frame import explain_frame
from emotion_ros.visualization.explanation_figure import PANEL, SCALE_HEIGHT, TITLE_HEIGHT

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


def test_the_picture_has_column_titles_and_the_colour_scale(explained):
    """Titles over the three columns, and under the maps the JET scale from blue (ignored) to
    red (looked at most)."""
    picture, _ = explained
    assert picture.shape == (TITLE_HEIGHT + PANEL + SCALE_HEIGHT, 3 * PANEL, 3)
    titles = cv2.cvtColor(picture[:TITLE_HEIGHT], cv2.COLOR_BGR2GRAY)
    for k in range(3):
        assert titles[:, k * PANEL : k * PANEL + 150].max() > 200, f"no title over column {k}"
    ramp = picture[-10, 20 : 2 * PANEL - 20].astype(int)
    blue, red = ramp[0], ramp[-1]
    assert blue[0] > 100 and blue[2] < 30 and red[2] > 100 and red[0] < 30, (blue, red)


def test_explain_writes_a_picture_for_a_photo_and_for_a_bag_frame(tmp_path, monkeypatch):
    """Without --out, a picture named after the source in the current directory; a second
    run says that it replaced the first one's."""
    photo = tmp_path / "photos" / "astronaut.png"
    photo.parent.mkdir()
    cv2.imwrite(str(photo), astronaut_bgr())
    monkeypatch.chdir(tmp_path)
    done = run_as_user("emotion-ros", "explain", str(photo))
    assert done.code == 0, done.lines
    assert done.lines[-1] == "wrote astronaut-explained.png"
    picture = cv2.imread(str(tmp_path / "astronaut-explained.png"))
    assert picture.shape == (TITLE_HEIGHT + PANEL + SCALE_HEIGHT, 3 * PANEL, 3)
    assert picture.std() > 20
    bag = share_path("data", "eval", "labelled")
    done = run_as_user("emotion-ros", "explain", str(bag), "--frame", "3")
    assert done.code == 0, done.lines
    assert done.lines[-1] == "wrote labelled-frame3-explained.png"
    assert (tmp_path / "labelled-frame3-explained.png").is_file()
    again = run_as_user("emotion-ros", "explain", str(photo), "--out", "astronaut-explained.png")
    assert again.lines[-1] == "wrote astronaut-explained.png (replaced the older file)"
