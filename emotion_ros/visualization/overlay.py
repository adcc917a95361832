"""Draws each face's box and number over a frame, and its label, valence/arousal and a bar per
class in a panel beside the frame.

One drawing for every place that shows results: the overlay node's ``emotion/debug_image``,
``emotion-ros show`` (images, videos, bags) and ``collect``'s preview. Plain OpenCV on BGR
arrays, no ROS.

Only each face's box and a tag with its number go over the picture; the text goes into a panel
to the right of the frame, one row per face, keyed by the same number and colour. Text drawn at
each face, as it was, could not be read for a group: the rows overlapped each other and other
faces, a small face's header was cut short, bars ran off the frame, white text on a light shirt
vanished. Now every text is white on dark grey, its size follows the frame's height (never a
face's), and everything lies inside the canvas: when the faces do not fit the panel's columns,
the rows lose their bars, then their valence/arousal, before the canvas grows.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

import cv2
import numpy as np

from emotion_ros.emotion_classes import NUM_CLASSES
from emotion_ros.vision.boxes import Box

GREEN, WHITE, DARK, TRACK = (60, 200, 60), (255, 255, 255), (40, 40, 40), (80, 80, 80)
# one colour per face, bright enough for a bar on DARK and a box on a photo (BGR)
KEY_COLOURS = (
    GREEN, (255, 160, 40), (40, 170, 255), (220, 90, 220),
    (60, 220, 230), (230, 220, 60), (90, 90, 255), (255, 100, 140),
)  # fmt: skip
FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_SCALE, LINE, PAD, COLUMN = 0.45, 20, 6, 250  # on a frame up to 720 px high; larger: scaled
LABEL, BRIEF, FULL = 0, 1, 2  # what a row shows: the label; and valence/arousal; and the bars


@dataclass(frozen=True)
class FaceOverlay:
    """What is drawn for one face; ``probabilities`` may be empty (no emotion yet)."""

    face_id: str
    roi: tuple[int, int, int, int]  # x, y, width, height in pixels
    label: str = ""
    confidence: float = 0.0
    probabilities: Sequence[float] = ()
    class_names: Sequence[str] = ()
    valence: float = 0.0
    arousal: float = 0.0
    mesh_age_ms: float = 0.0  # > 0: its mesh is from an earlier frame (written beside its tag)


@dataclass(frozen=True)
class Layout:
    """Where everything goes: the frame at the canvas's top left, the panel right of it."""

    canvas: tuple[int, int]  # width, height
    scale: float  # of the text and the line height
    detail: int  # LABEL, BRIEF or FULL, the same for every row
    rows: list[Box]  # per face, its row in the panel
    tags: list[Box]  # per face, the tag with its number at its box

    @property
    def line(self) -> int:
        """Pixels from one line of text to the next."""
        return _px(LINE, self.scale)

    @property
    def pad(self) -> int:
        """Pixels around and between the rows."""
        return _px(PAD, self.scale)


def _row_height(face: FaceOverlay, detail: int, line: int, pad: int) -> int:
    lines = 1
    if len(face.probabilities):
        lines += (detail >= BRIEF) + (len(face.class_names) if detail == FULL else 0)
    return lines * line + pad


def _pack(
    heights: list[int], columns: int, height: int, x0: int, column: int, pad: int
) -> list[Box] | None:
    """Rows of ``heights`` down ``columns`` columns of ``height`` px from ``x0``, or None when
    they do not fit."""
    rows, index, y = [], 0, pad
    for row_height in heights:
        if y + row_height > height and y > pad:
            index, y = index + 1, pad
        if index >= columns or y + row_height > height:
            return None
        rows.append((x0 + index * column + pad, y, column - 2 * pad, row_height - pad))
        y += row_height
    return rows


def face_layout(
    shape: tuple[int, ...], faces: Sequence[FaceOverlay], columns: int | None = 1
) -> Layout:
    """The layout of ``faces`` on a frame of ``shape`` with ``columns`` panel columns (None: as
    many as every face's full row needs, for a photo).

    A fixed number of columns gives every frame of a video the same canvas; the canvas is at
    least one full row high, so a small frame still shows a face's bars.
    """
    height, width = shape[:2]
    scale = max(1.0, height / 720)
    line, pad, column = _px(LINE, scale), _px(PAD, scale), _px(COLUMN, scale)
    canvas_height = max(height, (2 + NUM_CLASSES) * line + 2 * pad)  # one full row
    full = [_row_height(face, FULL, line, pad) for face in faces]
    count = columns or 1
    while columns is None and _pack(full, count, canvas_height, width, column, pad) is None:
        count += 1
    for detail in (FULL, BRIEF, LABEL):
        heights = [_row_height(face, detail, line, pad) for face in faces]
        rows = _pack(heights, count, canvas_height, width, column, pad)
        if rows is not None:
            break
    else:  # more faces than even one line each fits: the canvas grows
        canvas_height = pad + ceil(len(faces) / count) * max(heights)
        rows = _pack(heights, count, canvas_height, width, column, pad)
    tags = [_tag_box(face.roi, str(k + 1), width, height, scale) for k, face in enumerate(faces)]
    return Layout((width + count * column, canvas_height), scale, detail, rows, tags)


def _tag_box(roi: Box, number: str, width: int, height: int, scale: float) -> Box:
    """The tag's box: on the face box's top left corner, above it when there is room."""
    w, h = band_width(number, scale), _px(LINE - 2, scale)
    x, y = roi[0], roi[1] - h if roi[1] >= h else roi[1]
    return min(max(0, x), max(0, width - w)), min(max(0, y), max(0, height - h)), w, h


def _px(size: float, scale: float) -> int:
    """``size`` pixels of a frame up to 720 px high, on a frame of this ``scale``."""
    return round(size * scale)


def _thickness(scale: float) -> int:
    return max(1, round(scale))


def band_width(text: str, scale: float) -> int:
    """The width of ``text``'s dark band as ``draw_text`` draws it."""
    width = cv2.getTextSize(text, FONT, FONT_SCALE * scale, _thickness(scale))[0][0]
    return width + 2 * _px(PAD, scale)


def draw_text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float) -> None:
    """White text on a dark band from ``origin`` (its top left), readable on any background."""
    thickness = _thickness(scale)
    (_, height), base = cv2.getTextSize(text, FONT, FONT_SCALE * scale, thickness)
    x, y = origin
    line = _px(LINE - 2, scale)
    cv2.rectangle(image, (x, y), (x + band_width(text, scale) - 1, y + line - 1), DARK, -1)
    baseline = y + (line + height - base) // 2 + 1  # descenders inside the band too
    cv2.putText(image, text, (x + _px(PAD, scale), baseline), FONT, FONT_SCALE * scale, WHITE,
                thickness, cv2.LINE_AA)  # fmt: skip


def draw_faces(
    image_bgr: np.ndarray, faces: Sequence[FaceOverlay], columns: int | None = 1
) -> np.ndarray:
    """The canvas: ``image_bgr`` with every face's box and number, and the panel beside it
    (``columns``: see ``face_layout``)."""
    return draw_layout(image_bgr, faces, face_layout(image_bgr.shape, faces, columns))


def draw_layout(image_bgr: np.ndarray, faces: Sequence[FaceOverlay], layout: Layout) -> np.ndarray:
    """The canvas of ``layout`` (from ``face_layout`` for these faces on this frame)."""
    width, height = layout.canvas
    canvas = np.full((height, width, 3), DARK, np.uint8)
    canvas[: image_bgr.shape[0], : image_bgr.shape[1]] = image_bgr
    scale, line = layout.scale, layout.line
    if not faces:
        draw_text(canvas, "no face", (image_bgr.shape[1] + layout.pad, layout.pad), scale)
    for k, (face, row, tag) in enumerate(zip(faces, layout.rows, layout.tags, strict=True)):
        colour = KEY_COLOURS[k % len(KEY_COLOURS)]
        x, y, w, h = face.roi
        if w > 0 and h > 0:  # (0, 0, 0, 0): the overlay node had no box for this face
            cv2.rectangle(canvas, (x, y), (x + w, y + h), colour, max(2, _px(2, scale)))
            _key(canvas, tag, str(k + 1), colour, scale)
            if face.mesh_age_ms > 0:  # the face node meshed others of the group this frame
                draw_text(canvas, f"{face.mesh_age_ms:.0f}ms", (tag[0] + tag[2], tag[1]), scale)
        rx, ry, rw, _ = row
        _key(canvas, (rx, ry, tag[2], tag[3]), str(k + 1), colour, scale)
        title = face.face_id
        if face.label:
            title += f"  {face.label}"
        if len(face.probabilities):
            title += f" {face.confidence:.2f}"
        draw_text(canvas, title, (rx + tag[2] + layout.pad, ry), scale)
        if not len(face.probabilities) or layout.detail == LABEL:
            continue
        values = f"valence {face.valence:+.2f}  arousal {face.arousal:+.2f}"
        draw_text(canvas, values, (rx, ry + line), scale)
        if layout.detail == FULL:
            draw_bars(canvas, (rx, ry + 2 * line), rw, line, face.class_names, face.probabilities,
                      scale, colour)  # fmt: skip
    return canvas


def _key(
    image: np.ndarray, box: Box, number: str, colour: tuple[int, int, int], scale: float
) -> None:
    """A face's number on a dark tag framed in its colour (at its box and in its row)."""
    x, y, w, h = box
    draw_text(image, number, (x, y), scale)
    cv2.rectangle(image, (x, y), (x + w - 1, y + h - 1), colour, _thickness(scale))


def draw_bars(
    image: np.ndarray,
    origin: tuple[int, int],
    width: int,
    line: int,
    class_names: Sequence[str],
    probabilities: Sequence[float],
    scale: float,
    colour: tuple[int, int, int] = GREEN,
) -> None:
    """One line per class from ``origin`` down, ``width`` px wide: its name, a bar (full for
    probability 1) and the value, the text beside the bar, never on it; in place."""
    pad = _px(PAD, scale)
    name_width = max(band_width(name, scale) for name in class_names) + pad
    value_width = band_width("0.00", scale) + pad
    bar_width = max(1, width - name_width - value_width)
    x, y = origin
    for k, (name, p) in enumerate(zip(class_names, probabilities, strict=True)):
        top = y + line * k
        draw_text(image, name, (x, top), scale)
        bar_top, bar_bottom = top + _px(4, scale), top + _px(LINE - 6, scale)  # by the text
        left = x + name_width
        cv2.rectangle(image, (left, bar_top), (left + bar_width, bar_bottom), TRACK, -1)
        right = left + round(bar_width * p)
        if right > left:
            cv2.rectangle(image, (left, bar_top), (right, bar_bottom), colour, -1)
        draw_text(image, f"{p:.2f}", (left + bar_width + pad, top), scale)
