"""The graph runner behind `emotion-ros run`: what graphs.yaml says, and start-up order."""

import dataclasses
import shutil

import pytest

from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import GraphConfigError, load_graph, load_graphs_file
from emotion_ros.package_paths import share_path

from user_commands import run_as_user


def test_every_graph_loads_and_marks_its_sources_and_lifecycle_nodes():
    for name in load_graphs_file():
        graph = load_graph(name)
        assert graph.nodes, name
        for node in graph.nodes:
            assert all(path.is_file() for path in node.params_files), node
            assert node.lifecycle == (node.executable in {"face_node", "fusion_node"}), node
            assert node.source == node.executable.endswith("_source"), node
    with pytest.raises(GraphConfigError, match="no graph 'nope'"):
        load_graph("nope")


@pytest.mark.process
def test_a_lifecycle_node_that_never_activates_stops_the_start_and_leaves_nothing(tmp_path):
    graph = load_graph("default_input")
    graph = dataclasses.replace(
        graph, nodes=tuple(n for n in graph.nodes if n.name in ("camera_source", "face_node"))
    )
    overrides = {"face_node": {"autostart": False}}
    runner = GraphRunner(graph, overrides, log_dir=tmp_path, ready_timeout_s=8)
    with pytest.raises(RuntimeError, match=r"not ready after 8 s: face_node \(unconfigured\)"):
        runner.start()
    camera, face = (runner.processes[[n.name for n in graph.nodes].index(name)]
                    for name in ("camera_source", "face_node"))  # fmt: skip
    assert camera.process is None, "the source waits for the processing nodes"
    runner.stop()
    assert not face.is_running()


@pytest.mark.process
def test_a_graph_that_fails_to_come_up_inside_with_is_stopped(tmp_path):
    graph = load_graph("processing")
    overrides = {"face_node": {"autostart": False}}
    runner = GraphRunner(graph, overrides, log_dir=tmp_path, ready_timeout_s=5)
    with pytest.raises(RuntimeError, match="face_node"), runner:
        pytest.fail("the body must not run when the graph did not come up")
    assert not any(process.is_running() for process in runner.processes)


def test_run_refuses_unknown_nodes_and_parameters_with_the_closest_name():
    typo = run_as_user("emotion-ros", "run", "--set", "fusion_node.model_dir=my_models")
    assert typo.code == 2
    assert typo.lines[0] == (
        "emotion-ros run: fusion_node has no parameter 'model_dir'; did you mean 'models_dir'?"
    )
    node = run_as_user("emotion-ros", "run", "processing", "--set", "fusion.device=cpu")
    assert node.code == 2
    assert node.lines[0] == (
        "emotion-ros run: graph 'processing' has no node 'fusion'; did you mean 'fusion_node'?"
    )


def card_without_its_model_file(tmp_path):
    """A user's models folder holding a card whose ONNX file was not copied with it."""
    models = tmp_path / "my_models"
    models.mkdir()
    shutil.copy(share_path("models", "lower_face.yaml"), models)
    return models


@pytest.mark.process
def test_run_prints_the_error_of_a_node_that_cannot_configure_and_exits(tmp_path):
    models = card_without_its_model_file(tmp_path)
    done = run_as_user("emotion-ros", "run", "processing", "--duration", "120",
                       "--set", f"fusion_node.models_dir={models}")  # fmt: skip
    # without --log-dir the nodes write to this terminal too, a few lines each
    head = done.head(25)
    assert done.code == 1, "\n".join(done.lines)
    assert "emotion-ros run: fusion_node could not configure (it stays unconfigured)" in head
    assert f"  cannot load the models: model file {models / 'lower_face.onnx'} is missing" in head
    assert "not ready after" not in "\n".join(done.lines), "it did not wait for the timeout"


def test_commands_are_found_where_ros2_run_looks_on_a_ros_install(tmp_path, monkeypatch):
    """colcon puts the node commands in <prefix>/lib/emotion_ros, which is not on PATH."""
    from emotion_ros.graph.node_process import find_executable

    prefix = tmp_path / "install" / "emotion_ros"
    (prefix / "share" / "ament_index" / "resource_index" / "packages").mkdir(parents=True)
    (prefix / "share" / "ament_index" / "resource_index" / "packages" / "emotion_ros").touch()
    command = prefix / "lib" / "emotion_ros" / "a_node_only_colcon_installed"
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\n")
    command.chmod(0o755)
    monkeypatch.setenv("AMENT_PREFIX_PATH", str(prefix))
    assert find_executable("a_node_only_colcon_installed") == str(command)
    monkeypatch.delenv("AMENT_PREFIX_PATH")
    with pytest.raises(FileNotFoundError, match="a_node_only_colcon_installed"):
        find_executable("a_node_only_colcon_installed")
