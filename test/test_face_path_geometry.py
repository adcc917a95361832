"""The face path's geometry on plain arrays (no MediaPipe): scan windows, crops, boxes."""

import numpy as np
import pytest

from emotion_ros.vision.boxes import clip_box, covered, landmarks_box, match_cost, overlap
from emotion_ros.vision.crop_mesh import CROP_PER_FACE, CROP_SIDE, crop_square, cut_square
from emotion_ros.vision.face_detection import scan_windows


@pytest.mark.parametrize(
    ("width", "height", "window"),
    [(640, 480, 480), (1280, 720, 480), (1920, 1080, 480), (1280, 720, 640), (333, 1001, 200)],
)
def test_scan_windows_hold_every_face_up_to_a_quarter_window_wholly(width, height, window):
    windows = scan_windows(width, height, window)
    assert windows[0] == (0, 0, width, height)  # the whole frame first, for the large faces
    tiles = windows[1:]
    assert all(min(x, y) >= 0 and x + w <= width and y + h <= height for x, y, w, h in tiles)
    assert all(w == min(window, width) and h == min(window, height) for _, _, w, h in tiles)
    face = window // 4
    rng = np.random.default_rng(0)
    corners = zip(
        rng.integers(0, width - face, 200), rng.integers(0, height - face, 200), strict=True
    )
    for x, y in corners:
        assert any(
            tx <= x and ty <= y and x + face <= tx + tw and y + face <= ty + th
            for tx, ty, tw, th in tiles
        ), f"a {face} px face at {x}, {y} lies in no window of {tiles}"


def test_a_frame_that_fits_one_window_is_scanned_whole_once():
    assert scan_windows(400, 300, 480) == [(0, 0, 400, 300)]


def test_the_crop_is_centred_on_the_face_and_twice_its_size():
    x0, y0, side = crop_square((100, 50, 60, 80))
    assert side == round(CROP_PER_FACE * 80)
    assert (x0 + side / 2, y0 + side / 2) == pytest.approx((130, 90), abs=1)
    # large crops are a whole number of crop sides (area averaging's fast path)
    assert crop_square((0, 0, 400, 460))[2] % CROP_SIDE == 0


def test_cut_square_maps_frame_pixels_to_crop_pixels_and_pads_outside_black():
    frame = np.zeros((120, 160, 3), np.uint8)
    frame[40:60, 100:120] = 255  # a white square at x 100-120, y 40-60
    crop = cut_square(frame, 90, 30, 40, 80)  # frame x 90-130 -> crop x 0-80 (x2)
    white = np.argwhere(crop[:, :, 0] > 127)
    assert white.min(axis=0).tolist() == [20, 20] and white.max(axis=0).tolist() == [59, 59]
    # a square leaving the frame: the frame's part where it belongs, black elsewhere
    corner = cut_square(np.full((50, 50, 3), 200, np.uint8), -25, -25, 50, 100)
    assert (corner[:49, :] == 0).all() and (corner[:, :49] == 0).all()
    assert (corner[51:, 51:] == 200).all()
    assert cut_square(frame, 500, 500, 10, 32).shape == (32, 32, 3)  # wholly outside: black
    assert not cut_square(frame, 500, 500, 10, 32).any()


def test_boxes_compare_as_the_tracker_needs():
    points = np.array([[10.2, 20.7, 0.0], [50.9, 80.1, 3.0]], np.float32)
    assert landmarks_box(points) == (10, 20, 41, 61)
    assert clip_box((-10, 5, 30, 30), 15, 20) == (0, 5, 15, 15)
    assert overlap((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert covered((0, 0, 100, 100), (10, 10, 20, 20)) == 1.0
    assert overlap((0, 0, 10, 10), (20, 20, 5, 5)) == covered((0, 0, 10, 10), (20, 20, 5, 5)) == 0
    assert match_cost((0, 0, 50, 50), (50, 0, 50, 50)) == pytest.approx(1.0)
    assert match_cost((0, 0, 50, 50), (0, 0, 100, 100)) == pytest.approx(
        np.hypot(25, 25) / 100 + np.log(2)
    )
