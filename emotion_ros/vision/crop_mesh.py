"""The mesh of one face on a square crop around it, mapped back to the frame's pixels.

MediaPipe's landmark model sees a 192x192 crop of the face however large the face is in the
frame, so meshing a crop around each face costs the same for a 40-pixel face as for a 400-pixel
one, and nothing for the rest of the frame. The crop is ``CROP_PER_FACE`` times the face box's
larger side, centred on it, resized to ``CROP_SIDE`` pixels: the face then fills about half of
it, as a close-up does, so MediaPipe's own short-range detector (run on the crop when the mesh
has no face yet or lost it) finds it, and the ~1.5x face region its landmark model takes is
about 192 pixels, close to 1:1. Shrinking by more than half uses area averaging, so a large face
does not alias.

Each CropMesh is a video-mode FaceMesh for one face: it tracks its face from one crop to the next
(MediaPipe keeps the face's region between calls, in the crop's coordinates), which holds because
the next crop is centred on where the mesh put the face. Points map back to the frame as
``x = x0 + u * side`` (u: MediaPipe's normalised coordinate, pixel edges at whole numbers as in
``cv2.resize``), and z, relative to the crop's width, as ``z * side``: the frame's x scale, as
FaceLandmarks.msg has it.
"""

import cv2
import numpy as np

from emotion_ros.vision.boxes import Box, centre_and_size
from emotion_ros.vision.face_mesh import FaceMeshSettings, mesh_points

CROP_SIDE = 256
CROP_PER_FACE = 2.0


def crop_square(box: Box) -> tuple[int, int, int]:
    """(x0, y0, side) of the square crop for a face box, in frame pixels (may leave the frame)."""
    (cx, cy), size = centre_and_size(box)
    side = max(2, round(CROP_PER_FACE * size))
    if side > 2 * CROP_SIDE:  # a whole shrink factor: area averaging's fast path (2.6 -> 0.1 ms)
        side = CROP_SIDE * round(side / CROP_SIDE)
    return round(cx - side / 2), round(cy - side / 2), side


def cut_square(image: np.ndarray, x0: int, y0: int, side: int, out: int) -> np.ndarray:
    """``image[y0:y0+side, x0:x0+side]`` resized to out x out; black where it leaves the image."""
    height, width = image.shape[:2]
    x1, y1 = x0 + side, y0 + side
    inside_x0, inside_y0 = max(0, x0), max(0, y0)
    inside_x1, inside_y1 = min(width, x1), min(height, y1)
    if inside_x0 >= inside_x1 or inside_y0 >= inside_y1:
        return np.zeros((out, out, *image.shape[2:]), image.dtype)
    region = image[inside_y0:inside_y1, inside_x0:inside_x1]
    if (inside_x0, inside_y0, inside_x1, inside_y1) != (x0, y0, x1, y1):
        region = cv2.copyMakeBorder(
            region,
            inside_y0 - y0,
            y1 - inside_y1,
            inside_x0 - x0,
            x1 - inside_x1,
            cv2.BORDER_CONSTANT,
            value=0,
        )
    # area averaging where bilinear sampling would skip pixels (and alias); it costs more
    interpolation = cv2.INTER_AREA if side > 2 * out else cv2.INTER_LINEAR
    return cv2.resize(region, (out, out), interpolation=interpolation)


def crop_to_frame(points: np.ndarray, x0: int, y0: int, side: int) -> np.ndarray:
    """A mesh in the pixels of a ``CROP_SIDE`` crop of the square (x0, y0, side), in frame
    pixels: x, y scaled and shifted, z scaled (see the module docstring)."""
    return points * np.float32(side / CROP_SIDE) + np.array([x0, y0, 0.0], np.float32)


class CropMesh:
    """One followed face's mesh: a video-mode MediaPipe FaceMesh for one face, fed crops.

    One per followed face (MediaPipe keeps per-stream state); not thread-safe.
    """

    def __init__(self, settings: FaceMeshSettings) -> None:
        import mediapipe as mp  # heavy import, only when a mesh is made

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False,
            max_num_faces=1,
            refine_landmarks=True,
            min_detection_confidence=settings.min_detection_confidence,
            min_tracking_confidence=settings.min_tracking_confidence,
        )
        self._has_face = False

    def forget(self) -> None:
        """Drop the face MediaPipe follows, before this mesh is given another one (else it
        would look for the new face where the old one was in its crop, and may keep a part of
        it): one blank crop makes MediaPipe lose its face, in 2 ms (a graph reset takes 50)."""
        if self._has_face:
            mesh_points(self._mesh, np.zeros((CROP_SIDE, CROP_SIDE, 3), np.uint8))
            self._has_face = False

    def landmarks(self, image_bgr: np.ndarray, box: Box) -> np.ndarray | None:
        """The (478, 3) mesh, in frame pixels, of the face in the crop around ``box``, or None
        when MediaPipe finds no face there."""
        x0, y0, side = crop_square(box)
        rgb = cv2.cvtColor(cut_square(image_bgr, x0, y0, side, CROP_SIDE), cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        found = mesh_points(self._mesh, rgb)
        self._has_face = bool(found)
        if not found:
            return None
        return crop_to_frame(found[0], x0, y0, side)

    def close(self) -> None:
        """Release MediaPipe's graph."""
        self._mesh.close()
