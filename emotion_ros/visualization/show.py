"""``emotion-ros show``'s work: a photo, a video or a bag -> its frames with every face drawn.

A photo: the faces of ``still_faces`` through the models in one batch (no audio, no history).
A video: its frames, stamped by frame rate, through the face and fusion nodes' work
(``OfflineGraph``: tracking with ids, temporal model, smoothing). A bag: the same as offline
evaluation (``bag_frames``: the processing graph's parameters, with the bag's audio and what was
said). Every frame is drawn by ``overlay``, as the overlay node draws ``emotion/debug_image``: a
video's or a bag's with one panel column (every frame the same size), a photo's with as many as
its faces need.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emotion_ros.bags.bag_reader import BagError
from emotion_ros.emotion_classes import summarize
from emotion_ros.evaluation.bag_contents import summarize as summarize_bag
from emotion_ros.evaluation.offline import bag_frames
from emotion_ros.evaluation.offline_graph import OfflineGraph
from emotion_ros.evaluation.run_parameters import (
    evaluation_graph,
    node_parameters,
    replay_overrides,
)
from emotion_ros.fusion.frame_fusion import FusedEmotion
from emotion_ros.models.emotion_pipeline import EmotionPipeline, ModelSet
from emotion_ros.models.model_files import card_paths
from emotion_ros.models.role_specs import PIPELINE_ROLES
from emotion_ros.node_config import node_defaults
from emotion_ros.timestamps import NS_PER_S
from emotion_ros.vision.frame_processor import TrackedFace
from emotion_ros.vision.frame_source import FrameSource
from emotion_ros.visualization.overlay import FaceOverlay, Layout, draw_layout, face_layout
from emotion_ros.visualization.still_faces import still_faces


@dataclass(frozen=True)
class ShownFrame:
    """A frame as drawn, what was drawn on it (one overlay per face) and where."""

    index: int
    image: np.ndarray
    faces: list[FaceOverlay]
    layout: Layout


def shown(
    index: int, image_bgr: np.ndarray, faces: list[FaceOverlay], columns: int | None = 1
) -> ShownFrame:
    """Frame ``index`` drawn with ``faces`` (``columns``: see ``overlay.face_layout``)."""
    layout = face_layout(image_bgr.shape, faces, columns)
    return ShownFrame(index, draw_layout(image_bgr, faces, layout), faces, layout)


def show_photo(image_bgr: np.ndarray, models_dir: str = "") -> ShownFrame:
    """Every face of a photo with its emotions (models: the fusion node's cards in models_dir)."""
    fusion = node_defaults("fusion_node")
    cards = {role: fusion[f"{role}_card"] for role in PIPELINE_ROLES}
    pipeline = EmotionPipeline(ModelSet.load(card_paths(models_dir, cards), "cpu"))
    found = still_faces(image_bgr)
    outputs = pipeline.predict([sample for _, sample in found], None)
    overlays = []
    for (face, sample), output in zip(found, outputs, strict=True):
        summary = summarize(output.probabilities, pipeline.class_names)
        overlays.append(
            FaceOverlay(sample.face_id, face.roi, summary.label, summary.confidence,
                        output.probabilities.tolist(), pipeline.class_names,
                        summary.valence, summary.arousal)
        )  # fmt: skip
    return shown(0, image_bgr, overlays, columns=None)


def overlays(
    faces: list[TrackedFace], emotions: list[FusedEmotion], class_names: Sequence[str]
) -> list[FaceOverlay]:
    """What to draw for a frame of tracked faces and their fused emotions."""
    boxes = {f.face_id: f.face.roi for f in faces}
    return [
        FaceOverlay(e.face_id, boxes[e.face_id], e.label, e.confidence, e.probabilities.tolist(),
                    class_names, e.valence, e.arousal)
        for e in emotions
    ]  # fmt: skip


def _changed(models_dir: str) -> dict[str, object]:
    return {"device": "cpu", **({"models_dir": models_dir} if models_dir else {})}


def show_video(path: Path, models_dir: str = "") -> Iterator[ShownFrame]:
    """The video's frames with their faces drawn (frame k stamped k / frame rate)."""
    parameters = {
        "face_node": {**node_defaults("face_node"), "deterministic_ids": True},
        "fusion_node": {**node_defaults("fusion_node"), **_changed(models_dir)},
    }
    source = FrameSource(str(path), loop=False)
    period_ns = round(NS_PER_S / (source.native_fps or 15.0))
    graph = OfflineGraph(parameters)
    try:
        for index, image in enumerate(source.frames()):
            faces, emotions = graph.process(image, (index + 1) * period_ns)
            drawn = overlays(faces, emotions, graph.fusion.pipeline.class_names)
            yield shown(index, image, drawn)
    finally:
        graph.close()
        source.close()


def show_bag(path: Path, models_dir: str = "", frame: int | None = None) -> Iterator[ShownFrame]:
    """The bag's camera frames with their faces drawn, as offline evaluation computes them.

    Raises:
        BagError: the bag cannot be read, has no camera images or fewer than ``frame`` + 1
            (said before any frame is computed: the graph would otherwise run the whole bag).
    """
    summary = summarize_bag(path)
    overrides = replay_overrides(summary, Path(models_dir) if models_dir else None)
    parameters = node_parameters(evaluation_graph(), overrides)
    if not summary.image_topic:
        raise BagError(f"{path} has no sensor_msgs Image or CompressedImage topic")
    if frame is not None and not 0 <= frame < len(summary.frame_stamps):
        raise BagError(
            f"{path} has no frame {frame} (its frames are 0-{len(summary.frame_stamps) - 1})"
        )
    for index, frame in enumerate(bag_frames(path, summary, parameters)):
        drawn = overlays(frame.faces, frame.emotions, frame.class_names)
        yield shown(index, frame.image, drawn)
