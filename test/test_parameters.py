"""Node parameters mean what they say: a bad value is refused wherever it enters, with a reason;
a dynamic one changes the running node's behaviour; a read-only one cannot be changed.

The tables are emotion_ros/nodes/*.py PARAMETERS, checked by emotion_ros/parameter_spec.py; the
declaration and the on-set callback are ros/node_runner.declare_parameters.
"""

import importlib
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from emotion_ros.cli.parameter_overrides import checked_overrides
from emotion_ros.fusion.smoothing import ProbabilitySmoother
from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.node_config import default_settings, node_defaults
from emotion_ros.parameter_spec import Param, check

from face_images import astronaut_bgr

NODES = sorted(
    p.stem for p in (Path(__file__).parents[1] / "emotion_ros" / "nodes").glob("[!_]*.py")
)


def test_check_refuses_a_wrong_type_a_value_out_of_range_and_an_unknown_choice():
    count = Param("", low=1)
    assert check(3, count, 8) is None
    assert check("abc", count, 8) == "takes an integer (default 8), not 'abc'"
    assert check(2.5, count, 8) == "takes an integer (default 8), not 2.5"
    assert check(True, count, 8) == "takes an integer (default 8), not True"  # bool is no int
    assert check(0, count, 8) == "must be at least 1, not 0"
    weight = Param("", above=0.0, high=1.0)
    assert check(1.0, weight, 0.5) is None
    assert check(0.0, weight, 0.5) == "must be more than 0.0 and at most 1.0, not 0.0"
    assert check(1.5, weight, 0.5) == "must be more than 0.0 and at most 1.0, not 1.5"
    assert check(1, weight, 0.5) == "takes a number (default 0.5), not 1"
    choice = Param("", choices=("mediapipe", "onnx"))
    assert check("onnx", choice, "mediapipe") is None
    assert check("tflite", choice, "mediapipe") == "must be one of mediapipe, onnx, not 'tflite'"


def table(node: str) -> dict[str, Param]:
    """The node's PARAMETERS, with ``autostart`` for the lifecycle nodes."""
    from emotion_ros.ros import lifecycle_autostart

    own = importlib.import_module(f"emotion_ros.nodes.{node}").PARAMETERS
    return {**lifecycle_autostart.PARAMETERS, **own} if "autostart" in node_defaults(node) else own


@pytest.mark.parametrize("node", NODES)
def test_every_default_in_config_is_a_value_its_table_takes(node):
    specs = table(node)
    for name, default in node_defaults(node).items():
        assert check(default, specs[name], default) is None, name
        assert not (specs[name].choices and specs[name].lowest is not None), name


@pytest.mark.parametrize(
    ("node", "name", "value", "reason"),
    [  # the checks that were scattered over the core: one place now, the node's table
        ("face_node", "mesh_budget_ms", -1.0, "must be at least 0.0"),
        ("face_node", "detection_interval", 0, "must be at least 1"),
        ("face_node", "max_pending_frames", 0, "must be at least 1"),
        ("fusion_node", "smoothing_alpha", 0.0, "must be more than 0.0 and at most 1.0"),
        ("speech_node", "vad_threshold", 1.5, "must be at least 0.0 and at most 1.0"),
        ("audio_node", "publish", "mel", "must be one of samples, features, both"),
        ("emotion_reactor", "hold_messages", 0, "must be at least 1"),
    ],
)
def test_the_tables_refuse_what_the_core_used_to_refuse_itself(node, name, value, reason):
    assert check(value, table(node)[name], node_defaults(node)[name]).startswith(reason)


def test_set_values_out_of_range_are_refused_before_any_node_starts():
    graph = load_graph("webcam")
    with pytest.raises(ValueError, match=r"^--set face_node.max_faces: must be at least 1, not 0$"):
        checked_overrides(graph, {"face_node": {"max_faces": 0}})
    with pytest.raises(ValueError, match=r"--set fusion_node.device: must be one of auto, cpu"):
        checked_overrides(graph, {"fusion_node": {"device": "gpu"}})
    assert checked_overrides(graph, {"fusion_node": {"smoothing_alpha": 1}}) == {
        "fusion_node": {"smoothing_alpha": 1.0}
    }


def test_descriptors_say_the_type_range_choices_and_whether_read_only():
    from rcl_interfaces.msg import ParameterDescriptor

    from emotion_ros.ros.node_runner import INT64_MAX, descriptor

    faces = descriptor(table("face_node")["max_faces"], 8)
    assert faces.read_only and faces.description.startswith("Most faces")
    assert (faces.integer_range[0].from_value, faces.integer_range[0].to_value) == (1, INT64_MAX)
    budget = descriptor(table("face_node")["mesh_budget_ms"], 12.0)
    assert not budget.read_only and budget.floating_point_range[0].from_value == 0.0
    backend = descriptor(table("face_node")["landmark_backend"], "mediapipe")
    assert backend.additional_constraints == "one of mediapipe, onnx"
    assert isinstance(backend, ParameterDescriptor) and not backend.integer_range


def test_a_smoothing_weight_changes_without_forgetting_the_faces():
    smoother = ProbabilitySmoother("ema", 2, alpha=0.5)
    smoother.update("a", np.array([1.0, 0.0]))
    smoother.tune(alpha=0.25, stay=0.9)
    np.testing.assert_allclose(smoother.update("a", np.array([0.0, 1.0])), [0.75, 0.25])


def test_frame_fusion_retunes_its_gates_and_ages_keeping_what_it_holds():
    from emotion_ros.fusion.frame_fusion import FrameFusion, FusionSettings

    pipeline = SimpleNamespace(
        model_set=SimpleNamespace(history_length=4, voice_reference_prior=None),
        class_names=("a", "b"),
    )
    settings = default_settings(FusionSettings, "fusion_node")
    fusion = FrameFusion(pipeline, settings)
    fusion.add_audio(1_000, np.zeros(3), speech_fraction=0.3)  # speech at the default gate (0.2)
    fusion.retune(replace(settings, audio_min_speech_fraction=0.5, audio_max_age_s=0.25,
                          transcript_max_age_s=2.0))  # fmt: skip
    fusion.add_audio(2_000, np.zeros(3), speech_fraction=0.3)  # silence at the new gate
    assert fusion.windows_without_speech == 1 and len(fusion.audio) == 2
    assert (fusion.audio.max_age_ns, fusion.transcripts.max_age_ns) == (250_000_000, 2 * 10**9)


@pytest.fixture
def ros_context():
    import rclpy

    context = rclpy.Context()
    rclpy.init(context=context)
    yield context
    context.try_shutdown()


def set_in_process(node: Any, **values: Any) -> list[Any]:
    """``node.set_parameters`` as the /set_parameters service calls it (one at a time)."""
    from rclpy.parameter import Parameter

    return node.set_parameters([Parameter(name, value=value) for name, value in values.items()])


def test_the_face_worker_gets_new_settings_objects_not_changed_ones(ros_context):
    """The worker reads these once per frame: each change replaces the frozen object, so a frame
    sees the old settings or the new ones, never half of each."""
    from emotion_ros.nodes.face_node import FaceNode
    from emotion_ros.vision.face_detection import FaceDetectorSettings
    from emotion_ros.vision.multi_face_mesh import MultiFaceSettings
    from emotion_ros.vision.refresh_schedule import RefreshSettings

    node = FaceNode(context=ros_context)
    refresh = default_settings(RefreshSettings, "face_node")
    faces = SimpleNamespace(  # what the node reaches of its MultiFaceMesh, without MediaPipe
        settings=default_settings(MultiFaceSettings, "face_node"),
        schedule=SimpleNamespace(settings=refresh),
        detector=SimpleNamespace(settings=default_settings(FaceDetectorSettings, "face_node")),
    )
    node._processor = SimpleNamespace(faces=faces)
    try:
        changes = {"mesh_budget_ms": 5.0, "min_refresh_hz": 2.0, "detection_interval": 1,
                   "min_face_size": 80, "publish_crops": True}  # fmt: skip
        assert all(r.successful for r in set_in_process(node, **changes))
        assert faces.schedule.settings == RefreshSettings(5.0, 2.0)
        assert refresh == default_settings(RefreshSettings, "face_node"), "replaced, not changed"
        assert faces.settings.detection_interval == 1
        assert faces.detector.settings.min_face_size == 80
        assert node.params["publish_crops"] is True
        [refused] = set_in_process(node, min_face_size=0)
        assert not refused.successful and "min_face_size" in refused.reason
        assert faces.detector.settings.min_face_size == 80
    finally:
        node._processor = None
        node.destroy_node()


def test_fusion_and_reactor_thresholds_change_while_running(ros_context):
    from emotion_ros.nodes.emotion_reactor import EmotionReactor
    from emotion_ros.nodes.fusion_node import FusionNode

    fusion = FusionNode(context=ros_context)
    retuned = []
    fusion._fusion = SimpleNamespace(retune=retuned.append)  # FrameFusion.retune, no models
    reactor = EmotionReactor(context=ros_context)
    try:
        [done] = set_in_process(fusion, smoothing_alpha=0.2)
        assert done.successful and retuned[-1].smoothing_alpha == 0.2
        [refused] = set_in_process(fusion, smoothing_alpha=0.0)
        assert not refused.successful and "more than 0.0" in refused.reason
        assert len(retuned) == 1 and fusion.params["smoothing_alpha"] == 0.2
        [read_only] = set_in_process(fusion, smoothing="hmm")
        assert not read_only.successful and "read-only" in read_only.reason
        assert all(r.successful for r in set_in_process(reactor, hold_messages=1, hold_s=0.0))
        assert reactor._faces.settings.hold_messages == 1 and reactor._faces.settings.hold_s == 0
    finally:
        fusion._fusion = None
        fusion.destroy_node()
        reactor.destroy_node()


def call_set_parameters(listener: Any, node: str, **values: Any) -> list[Any]:
    """Set parameters of a running node over its ``/<node>/set_parameters`` service, as
    ``ros2 param set`` does; return one SetParametersResult per parameter."""
    from rcl_interfaces.srv import SetParameters
    from rclpy.parameter import Parameter

    client = listener.node.create_client(SetParameters, f"/{node}/set_parameters")
    request = SetParameters.Request(
        parameters=[Parameter(n, value=v).to_parameter_msg() for n, v in values.items()]
    )
    return list(listener.call(client, request, timeout_s=30).results)


@pytest.mark.process
def test_set_parameters_on_a_running_face_node(ros_node_process, ros_listener):
    """publish_crops and crop_size change what the node publishes from the next frame on;
    max_faces (MediaPipe graphs made at configure) is refused with a reason."""
    from builtin_interfaces.msg import Time
    from sensor_msgs.msg import Image

    from emotion_ros.msg import FaceLandmarksArray
    from emotion_ros.ros.image_messages import image_message

    arrays = ros_listener.subscribe(FaceLandmarksArray, "faces/landmarks")
    crops = ros_listener.subscribe(Image, "faces/crops")
    params = {"deterministic_ids": True, "tracker_min_hits": 1, "reliability": "reliable"}
    node = ros_node_process("face_node", params=params)
    publisher = ros_listener.publisher(Image, "image_raw")
    assert ros_listener.wait_for_subscribers(publisher, timeout_s=60), node.read_log()
    frame, stamp_s = astronaut_bgr(), 1.0

    def next_frame() -> None:
        nonlocal stamp_s
        stamp_s += 0.1
        publisher.publish(
            image_message(frame, Time(sec=int(stamp_s), nanosec=int(stamp_s % 1 * 1e9)), "camera")
        )
        time.sleep(0.3)

    next_frame()
    assert arrays.wait_for(1, timeout_s=20), node.read_log()
    assert crops.messages == [], "publish_crops is false"
    results = call_set_parameters(ros_listener, "face_node", publish_crops=True, crop_size=64)
    assert all(r.successful for r in results), [r.reason for r in results]
    for _ in range(20):  # until the crops publisher has matched this subscription
        next_frame()
        if crops.wait_for(1, timeout_s=0.5):
            break
    assert crops.messages and (crops.messages[-1].width, crops.messages[-1].height) == (64, 64)
    [read_only] = call_set_parameters(ros_listener, "face_node", max_faces=2)
    assert (
        not read_only.successful
        and "read-only" in read_only.reason
        and "max_faces" in read_only.reason
    )
    [out_of_range] = call_set_parameters(ros_listener, "face_node", crop_size=0)
    assert not out_of_range.successful and "crop_size" in out_of_range.reason
    assert node.is_running(), node.read_log()


@pytest.mark.process
@pytest.mark.parametrize(
    ("node", "params", "line"),
    [
        ("face_node", {"max_faces": 0}, "parameter max_faces must be at least 1, not 0"),
        (
            "overlay_node",
            {"frames_kept": "many"},
            "parameter frames_kept takes an integer (default 30), not 'many'",
        ),
    ],
)
def test_a_bad_value_in_a_parameter_file_is_one_fatal_line_and_exit_code_1(
    ros_node_process, node, params, line
):
    process = ros_node_process(node, params=params)
    process.process.wait(timeout=30)
    lines = process.read_log().strip().splitlines()
    assert process.process.returncode == 1, lines
    assert len(lines) == 1 and "[FATAL]" in lines[0], lines
    assert lines[0].endswith(f"cannot start: {line}"), lines[0]
