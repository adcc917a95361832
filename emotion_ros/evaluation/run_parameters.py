"""The node parameters an evaluation runs with, the same for the graph and the offline run.

Both start from the ``processing`` graph of config/graphs.yaml (its parameter files), then apply
what a replay needs and, last, the user's ``--set`` values. So a user's tuned YAML or a ``--set``
changes both runs alike, and their results differ only by what ROS adds.
"""

from pathlib import Path
from typing import Any

from emotion_ros.evaluation.bag_contents import BagSummary
from emotion_ros.graph.graph_spec import GraphSpec, load_graph

GRAPH = "processing"
Overrides = dict[str, dict[str, Any]]


def replay_overrides(summary: BagSummary, models_dir: Path | None) -> Overrides:
    """What replaying this bag needs: its image topic, every message kept, ids that repeat."""
    image_topic = summary.image_topic or "image_raw"
    overrides: Overrides = {
        "face_node": {
            "deterministic_ids": True,
            "reliability": "reliable",
            "qos_depth": 10,
            "image_topic": image_topic.removesuffix("/compressed"),
            "use_compressed": image_topic.endswith("/compressed"),
        },
        "audio_node": {"reliability": "reliable"},
        "fusion_node": {"device": "cpu"},
    }
    if models_dir is not None:
        overrides["fusion_node"]["models_dir"] = str(models_dir)
    return overrides


def merge(base: Overrides, extra: Overrides) -> Overrides:
    """``base`` with ``extra`` applied per node (extra wins)."""
    merged = {node: dict(values) for node, values in base.items()}
    for node, values in extra.items():
        merged.setdefault(node, {}).update(values)
    return merged


def evaluation_graph() -> GraphSpec:
    """The graph both evaluation runs follow."""
    return load_graph(GRAPH)


def node_parameters(graph: GraphSpec, overrides: Overrides) -> dict[str, dict[str, Any]]:
    """Every node's parameters as the graph run would give them.

    Raises:
        GraphConfigError: an override names an unknown node or parameter.
    """
    graph.check_overrides(overrides)
    return {
        node.name: graph.parameters(node.name, overrides.get(node.name)) for node in graph.nodes
    }
