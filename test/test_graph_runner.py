"""The graph runner behind `emotion-ros run`: what graphs.yaml says, and start-up order."""

import dataclasses

import pytest

from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import GraphConfigError, load_graph, load_graphs_file


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
