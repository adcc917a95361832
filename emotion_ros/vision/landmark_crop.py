"""The 192x192 crop that MediaPipe's landmark model sees, and its points back in the frame.

MediaPipe's FaceMesh in video mode crops each face where its last mesh was: a square of 1.5 times
the mesh's bounding box's longer side, centred on the box, turned so that the eyes' outer corners
(points 33 and 263) lie level (``FaceLandmarkLandmarksToRoi``). A face it has no mesh of yet is
cropped from its detection the same way: 1.5 times the box, square, turned by the detection's eye
keypoints. The face path's detector (vision/face_detection.py) gives boxes only, so a box's crop
is not turned; the landmark model is robust to that (MediaPipe's own first and second crops of a
face give meshes 0.007-0.018 inter-ocular distances apart).

The crop is a warp of the frame (bilinear, edges replicated: ``ImageToTensorCalculator`` on the
CPU), RGB in [0, 1]. A point the model puts at (u, v, w) of the crop is, in the frame,
``centre + R(rotation) (side / 192) ((u, v) - 96)``, z = ``w * side / 192``: MediaPipe's own
projection times the frame's size, the pixel frame of FaceLandmarks.msg (x right, y down, z on
x's scale) that vision/crop_mesh.py's meshes have.
"""

import math
from dataclasses import dataclass

import cv2
import numpy as np

from emotion_ros.landmarks.indices import LEFT_EYE_OUTER, RIGHT_EYE_OUTER
from emotion_ros.vision.boxes import Box, centre_and_size, landmarks_box

MODEL_SIDE = 192  # the landmark model's input, pixels
REGION_PER_FACE = 1.5  # the crop's side over the face box's longer side, as MediaPipe's


@dataclass(frozen=True)
class CropRegion:
    """A square of the frame, turned: centre and side in frame pixels, rotation in radians
    (positive turns the crop's x axis towards the frame's y axis, as MediaPipe's rotation)."""

    x: float
    y: float
    side: float
    rotation: float = 0.0

    def to_frame(self) -> np.ndarray:
        """The 2x3 matrix taking model-crop pixels (u, v, 1) to frame pixels."""
        scale = self.side / MODEL_SIDE
        c, s = math.cos(self.rotation) * scale, math.sin(self.rotation) * scale
        half = MODEL_SIDE / 2
        return np.array(
            [
                [c, -s, self.x - half * (c - s)],
                [s, c, self.y - half * (s + c)],
            ]
        )

    def moved(self, dx: float, dy: float) -> "CropRegion":
        """The same region shifted by (dx, dy) pixels."""
        return CropRegion(self.x + dx, self.y + dy, self.side, self.rotation)


def region_from_box(box: Box) -> CropRegion:
    """The crop of a face known only by its box (a detection, or a lost face's expected place):
    ``REGION_PER_FACE`` times its longer side, centred on it, not turned."""
    (x, y), size = centre_and_size(box)
    return CropRegion(float(x), float(y), REGION_PER_FACE * size)


def region_from_mesh(points: np.ndarray) -> CropRegion:
    """MediaPipe's tracking crop from a face's last (478, 3) mesh in frame pixels."""
    x0, y0 = points[:, :2].min(axis=0)
    x1, y1 = points[:, :2].max(axis=0)
    # from the subject's right eye corner (33, on the image's left) to the left one (263)
    dx, dy = points[LEFT_EYE_OUTER, :2] - points[RIGHT_EYE_OUTER, :2]
    rotation = math.atan2(float(dy), float(dx))
    rotation -= 2 * math.pi * math.floor((rotation + math.pi) / (2 * math.pi))  # in [-pi, pi)
    side = REGION_PER_FACE * float(max(x1 - x0, y1 - y0))
    return CropRegion(float(x0 + x1) / 2, float(y0 + y1) / 2, side, rotation)


def region_for(box: Box, last_mesh: np.ndarray | None) -> CropRegion:
    """The crop of a followed face now at ``box``: from its last mesh when it has one, moved by
    as much as its box moved since (a face carried by the mesh budget, or moving on while its
    box was predicted), else from the box."""
    if last_mesh is None:
        return region_from_box(box)
    (x, y), _ = centre_and_size(box)
    (x0, y0), _ = centre_and_size(landmarks_box(last_mesh))
    return region_from_mesh(last_mesh).moved(float(x - x0), float(y - y0))


def model_input(image_bgr: np.ndarray, region: CropRegion) -> np.ndarray:
    """The region of a BGR frame as the model's (192, 192, 3) float32 RGB input in [0, 1] (the
    crop's channels swapped, not the frame's: a 720p frame's conversion costs 1 ms)."""
    # a perspective warp, as MediaPipe's: an affine one rounds its sampling points coarser
    # (meshes 1e-4 inter-ocular distances off MediaPipe's instead of 1e-5)
    crop = cv2.warpPerspective(
        image_bgr,
        np.vstack([region.to_frame(), [0.0, 0.0, 1.0]]),
        (MODEL_SIDE, MODEL_SIDE),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return crop[:, :, ::-1].astype(np.float32) * np.float32(1 / 255)


def crop_to_frame(points: np.ndarray, region: CropRegion) -> np.ndarray:
    """(K, 3) model-crop points to frame pixels (x, y through the region, z scaled like x)."""
    matrix = region.to_frame()
    frame = np.empty(points.shape, np.float32)
    frame[:, :2] = points[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    frame[:, 2] = points[:, 2] * (region.side / MODEL_SIDE)
    return frame
