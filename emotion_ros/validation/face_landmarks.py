"""FaceLandmarksArray from another process -> the faces the fusion models can take.

A message is refused as a whole only when it cannot be a frame (more faces than any camera frame
holds); otherwise each face is checked on its own, so one bad face does not hide the others:

- ``face_id``: 1-64 letters, digits or underscores, because it names ROS topics
  (``/humans/faces/<id>/expression``) and keys every per-face state; a repeated id is refused
  (``duplicate_face_id``): two faces cannot share one history.
- ``mesh_stamp``: not after the frame's (the array's) stamp (``mesh_stamp``; taken as "this frame").
- ``landmarks``: exactly NUM_LANDMARKS * 3 values (``landmark_count``; a 468-point mesh without
  irises is refused too: the models read the irises), finite and within MAX_COORDINATE pixels
  (``landmark_values``), with the outer eye corners at least MIN_EYE_DISTANCE apart
  (``degenerate_landmarks``: the normalisation divides by that distance).

A face whose crop or visibility is wrong keeps its landmarks: the crop is left out (``crop``: the
appearance model does not vote) and a visibility that is neither -1 nor in [0, 1] counts as
unknown (``visibility``). Each such problem comes back in ``LandmarkFrame.problems``.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from emotion_ros.fusion.frame_fusion import FaceObservation
from emotion_ros.landmarks.indices import LEFT_EYE_OUTER, NUM_LANDMARKS, RIGHT_EYE_OUTER
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.validation.invalid_input import InvalidInput, quoted

MAX_FACES = 64  # a crowd (face_node finds max_faces, 4 by default); the models cost ~0.4 ms a face
MAX_COORDINATE = 1e5  # pixels: three times the widest frame the face node accepts
MIN_EYE_DISTANCE = 1.0  # pixels
MAX_CROP_SIZE = 512
_FACE_ID = re.compile(r"[A-Za-z0-9_]{1,64}")


@dataclass(frozen=True)
class LandmarkFrame:
    """The usable faces of one message by id, and what was wrong with the rest."""

    faces: dict[str, FaceObservation]
    problems: list[InvalidInput] = field(default_factory=list)


def landmark_frame(msg: Any) -> LandmarkFrame:
    """Check a FaceLandmarksArray (any object with its fields: rclpy's, rosbags', a test's).

    Raises:
        InvalidInput: ``too_many_faces`` (more than MAX_FACES).
    """
    if len(msg.faces) > MAX_FACES:
        raise InvalidInput("too_many_faces", f"{len(msg.faces)} faces (at most {MAX_FACES})")
    faces: dict[str, FaceObservation] = {}
    problems: list[InvalidInput] = []
    frame_ns = stamp_to_ns(msg.header.stamp)
    for face in msg.faces:
        try:
            face_id = _face_id(face.face_id, faces)
            points = _landmarks(face.landmarks, face_id)
        except InvalidInput as exc:
            problems.append(exc)
            continue
        crop = _crop(face.crop_size, face.crop, face_id, problems)
        upper = _visibility(face.upper_face_visible, "upper", face_id, problems)
        lower = _visibility(face.lower_face_visible, "lower", face_id, problems)
        carried = _carried(face, frame_ns, face_id, problems)
        faces[face_id] = FaceObservation(points, crop, upper, lower, carried)
    return LandmarkFrame(faces, problems)


def _face_id(face_id: str, seen: dict[str, FaceObservation]) -> str:
    if not _FACE_ID.fullmatch(face_id):
        raise InvalidInput(
            "face_id",
            f"face id {quoted(face_id)} is not 1-64 letters, digits or underscores; face skipped",
        )
    if face_id in seen:
        raise InvalidInput("duplicate_face_id", f"face id {face_id!r} repeats; face skipped")
    return face_id


def _landmarks(values: Any, face_id: str) -> np.ndarray:
    if len(values) != NUM_LANDMARKS * 3:
        raise InvalidInput(
            "landmark_count",
            f"face {face_id!r} has {len(values)} landmark values, expected {NUM_LANDMARKS * 3} "
            f"({NUM_LANDMARKS} points x 3); face skipped",
        )
    points = np.array(values, dtype=np.float32).reshape(NUM_LANDMARKS, 3)
    if not np.isfinite(points).all() or np.abs(points).max() > MAX_COORDINATE:
        raise InvalidInput(
            "landmark_values",
            f"face {face_id!r} has landmarks that are not finite or beyond "
            f"{MAX_COORDINATE:g} pixels; face skipped",
        )
    eyes = np.linalg.norm(points[LEFT_EYE_OUTER] - points[RIGHT_EYE_OUTER])
    if eyes < MIN_EYE_DISTANCE:
        raise InvalidInput(
            "degenerate_landmarks",
            f"face {face_id!r} has its outer eye corners {eyes:.2g} pixels apart (at least "
            f"{MIN_EYE_DISTANCE:g}); face skipped",
        )
    return points


def _crop(size: int, data: Any, face_id: str, problems: list[InvalidInput]) -> np.ndarray | None:
    if size == 0:
        return None
    if size > MAX_CROP_SIZE or len(data) != size * size:
        problems.append(
            InvalidInput(
                "crop",
                f"face {face_id!r} has a crop of {len(data)} bytes for crop_size {size} "
                f"(size*size bytes, size at most {MAX_CROP_SIZE}); crop left out",
            )
        )
        return None
    return np.frombuffer(bytes(data), dtype=np.uint8).reshape(size, size)


def _carried(face: Any, frame_ns: int, face_id: str, problems: list[InvalidInput]) -> bool:
    """Whether the face's mesh is from an earlier frame than the frame (the array's stamp); a
    message type without ``mesh_stamp`` (an old bag's) and a zero one mean "this frame"; a later
    one is impossible."""
    mesh_stamp = getattr(face, "mesh_stamp", None)
    if mesh_stamp is None:
        return False
    mesh_ns = stamp_to_ns(mesh_stamp)
    if mesh_ns == 0 or mesh_ns == frame_ns:
        return False
    if mesh_ns > frame_ns:
        problems.append(
            InvalidInput(
                "mesh_stamp",
                f"face {face_id!r} has a mesh_stamp after its header stamp; taken as this frame's",
            )
        )
        return False
    return True


def _visibility(value: float, half: str, face_id: str, problems: list[InvalidInput]) -> float:
    if value == -1.0 or 0.0 <= value <= 1.0:
        return float(value)
    problems.append(
        InvalidInput(
            "visibility",
            f"face {face_id!r} has {half}_face_visible {value} (-1 or 0..1); taken as unknown",
        )
    )
    return -1.0
