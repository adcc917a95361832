"""config/*.yaml is the one place for defaults: nodes, launch arguments, node lists and the core.

Every node declares exactly the parameters of its YAML file with the YAML's values; launch
arguments change nothing unless given; the node list is the same wherever it is written; and the
core (everything but nodes/, ros/, graph/ and the CLI) imports without rclpy or any message.
"""

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from emotion_ros.graph.graph_spec import load_graph, load_graphs_file
from emotion_ros.graph.launch_arguments import ARGUMENTS, parameter_overrides, remappings
from emotion_ros.node_config import ConfigError, default_settings, node_defaults, settings_from
from emotion_ros.vision.face_tracker import TrackerSettings

from user_commands import run_as_user

REPO = Path(__file__).resolve().parents[1]
LIFECYCLE_NODES = {"face_node", "fusion_node"}


def setup_py_nodes() -> list[str]:
    tree = ast.parse((REPO / "setup.py").read_text())
    [nodes] = [
        n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "NODES"
    ]
    return [element.value for element in nodes.elts]


NODES = setup_py_nodes()


def test_the_node_list_is_the_same_in_setup_cmake_config_and_the_analyzers():
    cmake = re.findall(r'"(\w+)=emotion_ros\.nodes\.\w+"', (REPO / "CMakeLists.txt").read_text())
    analyzers = yaml.safe_load((REPO / "config" / "diagnostics_analyzers.yaml").read_text())
    contains = analyzers["analyzers"]["ros__parameters"]["perception"]["contains"]
    assert cmake == NODES
    assert contains == NODES
    assert sorted(p.stem for p in (REPO / "emotion_ros" / "nodes").glob("*.py")) == sorted(
        [*NODES, "__init__"]
    )
    for graph in load_graphs_file():
        assert {n.executable for n in load_graph(graph).nodes} <= set(NODES), graph
    for node in NODES:
        assert (REPO / "config" / f"{node}.yaml").is_file(), node


@pytest.mark.parametrize("node", NODES)
def test_each_node_declares_exactly_the_parameters_of_its_yaml(node):
    module = importlib.import_module(f"emotion_ros.nodes.{node}")
    declared = set(module.PARAMETERS) | ({"autostart"} if node in LIFECYCLE_NODES else set())
    assert declared == set(node_defaults(node)), node
    assert all(spec.description.strip() for spec in module.PARAMETERS.values()), "described"


@pytest.mark.parametrize("node", NODES)
def test_node_help_prints_every_parameter_with_its_default_and_starts_nothing(node):
    from emotion_ros.ros import lifecycle_autostart

    module = importlib.import_module(f"emotion_ros.nodes.{node}")
    table = {
        **module.PARAMETERS,
        **(lifecycle_autostart.PARAMETERS if node in LIFECYCLE_NODES else {}),
    }
    # a foreign --ros-args part as `ros2 run emotion_ros <node> --help --ros-args ...` passes it
    done = run_as_user(node, "--help", "--ros-args", "-p", "use_sim_time:=false", timeout_s=120)
    assert done.code == 0, done.head(20)
    assert done.lines[0].startswith(f"usage: {node} [--help] [--ros-args")
    text = "\n".join(done.lines)
    for name, default in node_defaults(node).items():
        assert f"  {name}: {json.dumps(default)}\n      {table[name].description}" in text, name
        if table[name].dynamic:  # which ones `ros2 param set` changes while the node runs
            assert f"{json.dumps(default)}\n      {table[name].description}\n      (" in text
    assert "[INFO]" not in text and "[ERROR]" not in text, "the node did not start"


def test_declared_defaults_are_the_yaml_values():
    """Build the nodes in this process (no spinning) and read back what they declared."""
    import rclpy

    from emotion_ros.nodes.face_node import FaceNode
    from emotion_ros.nodes.fusion_node import FusionNode
    from emotion_ros.nodes.overlay_node import OverlayNode

    context = rclpy.Context()
    rclpy.init(context=context)
    try:
        for name, factory in (
            ("face_node", FaceNode),
            ("fusion_node", FusionNode),
            ("overlay_node", OverlayNode),
        ):
            node = factory(context=context)
            try:
                values = {n: node.get_parameter(n).value for n in node_defaults(name)}
            finally:
                node.destroy_node()
            assert values == node_defaults(name), name
    finally:
        context.try_shutdown()


def test_a_yaml_file_without_a_declared_parameter_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="needs parameters that are not set"):
        settings_from(TrackerSettings, {"tracker_min_hits": 1})
    changed = default_settings(TrackerSettings, "face_node", tracker_min_hits=7)
    assert changed.tracker_min_hits == 7
    assert changed.tracker_max_misses == node_defaults("face_node")["tracker_max_misses"]


def test_launch_arguments_change_nothing_unless_the_user_gives_them():
    untouched = dict.fromkeys(ARGUMENTS, "")
    assert parameter_overrides(untouched) == {}
    assert remappings(untouched) == []
    given = {**untouched, "device": "cuda", "image_topic": "/usb_cam/image_raw"}
    assert parameter_overrides(given) == {"fusion_node": {"device": "cuda"}}
    assert remappings(given) == [
        ("image_raw", "/usb_cam/image_raw"),
        ("image_raw/compressed", "/usb_cam/image_raw/compressed"),
    ]
    launch_file = (REPO / "emotion_ros" / "graph" / "launch_description.py").read_text()
    assert 'default_value=""' in launch_file and "default_value=default" not in launch_file


def test_graph_parameters_follow_files_then_graph_overrides_then_the_user():
    graph = load_graph("default_input")
    face = graph.parameters("face_node")
    assert face["deterministic_ids"] is True  # graph override on top of face_node.yaml
    assert face["max_faces"] == node_defaults("face_node")["max_faces"]
    assert graph.parameters("face_node", {"max_faces": 2})["max_faces"] == 2


CORE_PACKAGES = ("audio", "bags", "evaluation", "fusion", "landmarks", "models", "reactions",
                 "speech", "training", "vision", "visualization")  # fmt: skip

BLOCKER = """
import importlib.abc, pkgutil, sys
BLOCKED = ("rclpy", "rosidl", "builtin_interfaces", "emotion_ros.msg")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith(BLOCKED) or name.split(".")[0].endswith("_msgs"):
            raise ImportError(f"{name} is blocked: the core must not import ROS")
sys.meta_path.insert(0, Block())
import emotion_ros
modules = sys.argv[1:]
for module in modules:
    importlib.import_module(module)
print("imported", len(modules))
"""


def test_the_core_imports_with_rclpy_and_every_message_package_blocked():
    modules = []
    for package in CORE_PACKAGES:
        root = REPO / "emotion_ros" / package
        for path in sorted(root.rglob("*.py")):
            name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
            modules.append(name)
    modules += ["emotion_ros.node_config", "emotion_ros.emotion_classes", "emotion_ros.timestamps",
                "emotion_ros.graph.graph_spec", "emotion_ros.graph.launch_arguments"]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, *modules], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"imported {len(modules)}" in result.stdout
