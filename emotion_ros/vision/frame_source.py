"""Frames from a webcam, a video file or a folder of images (OpenCV), for the camera source node.

Kept apart from the node so the choice of source and the looping can be tested without ROS.
"""

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}


class FrameSourceError(RuntimeError):
    """The source cannot be opened or yields no frame."""


def is_device(source: str) -> bool:
    """True for a webcam index ("0") or a V4L2 device path; files and folders are not devices."""
    return source.isdigit() or source.startswith("/dev/video")


def fitted_size(
    size: tuple[int, int], bound: tuple[int, int], keep_aspect_ratio: bool = True
) -> tuple[int, int]:
    """The (width, height) a frame of ``size`` is published at, for a ``bound`` (width, height;
    0 = no bound on that side).

    Keeping the aspect ratio, a frame larger than the bound is shrunk to fit inside it and a
    smaller one is left as it is: stretching a 16:9 group photo to 640x480 squeezes every face
    sideways (the live graph found 5 of its 6 faces; at its own shape, 6), and enlarging adds no
    detail. Without keeping it, the frame is stretched to the bound's sides.
    """
    width, height = size
    if not keep_aspect_ratio:
        return bound[0] or width, bound[1] or height
    scale = min([1.0] + [side / own for side, own in zip(bound, size, strict=True) if side > 0])
    return max(1, round(width * scale)), max(1, round(height * scale))


class FrameSource:
    """Yields BGR frames; files and folders can loop, devices stream until closed."""

    def __init__(
        self,
        source: str,
        loop: bool = True,
        width: int = 0,
        height: int = 0,
        keep_aspect_ratio: bool = True,
    ) -> None:
        self.source = source
        self.loop = loop and not is_device(source)
        self.bound = (max(0, width), max(0, height))
        self.keep_aspect_ratio = keep_aspect_ratio
        self.is_device = is_device(source)
        path = Path(source)
        self._images: list[Path] = []
        self._capture: cv2.VideoCapture | None = None
        if path.is_dir():
            self._images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not self._images:
                raise FrameSourceError(f"no images ({', '.join(IMAGE_SUFFIXES)}) in {source}")
        elif self.is_device or path.is_file():
            self._capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
            if not self._capture.isOpened():
                raise FrameSourceError(f"cannot open {source!r} with OpenCV")
            if self.is_device and all(self.bound):  # the camera's closest mode; fitted below
                self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.bound[0])
                self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.bound[1])
        else:
            raise FrameSourceError(f"{source!r} is not a device, a video file or an image folder")

    @property
    def native_fps(self) -> float:
        """The video's own frame rate (0 when unknown, e.g. for image folders)."""
        return float(self._capture.get(cv2.CAP_PROP_FPS)) if self._capture is not None else 0.0

    def frames(self) -> Iterator[np.ndarray]:
        """Yield frames (resized by ``fitted_size``); ends when a non-looping source ends."""
        while True:
            produced = False
            for frame in self._images_once() if self._images else self._video_once():
                produced = True
                own = frame.shape[1::-1]
                size = fitted_size(own, self.bound, self.keep_aspect_ratio)
                if size != own:
                    frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
                yield frame
            if not produced:
                raise FrameSourceError(f"{self.source!r} gave no frame")
            if not self.loop:
                return

    def _images_once(self) -> Iterator[np.ndarray]:
        for path in self._images:
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is not None:
                yield frame

    def _video_once(self) -> Iterator[np.ndarray]:
        if not self.is_device:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        while True:
            ok, frame = self._capture.read()
            if not ok:
                return
            yield frame

    def close(self) -> None:
        """Release the device or file."""
        if self._capture is not None:
            self._capture.release()
