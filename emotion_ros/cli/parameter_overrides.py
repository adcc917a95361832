"""``--set NODE.PARAM=VALUE``: the parameter overrides of ``emotion-ros run`` and ``evaluate``.

They are checked here, before any node starts, by the node's own parameter table
(``parameter_spec.check``): a value the node would refuse (``max_faces=abc``, ``max_faces=0``)
would end it with one fatal line after the others had started, and a models folder that does not
exist would quietly leave the shipped models in its place.
"""

import argparse
import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from emotion_ros.graph.graph_spec import GraphSpec
from emotion_ros.models.model_card import ModelFileError
from emotion_ros.models.model_files import check_models_folder
from emotion_ros.node_config import node_defaults
from emotion_ros.parameter_spec import Param, check, kind

Overrides = dict[str, dict[str, Any]]
# The parameters that name a folder of model cards, where "" means the shipped models/.
MODELS_FOLDERS = {"fusion_node": "models_dir", "face_node": "models_dir"}


def add_set_argument(parser: argparse.ArgumentParser, applies_to: str) -> None:
    """Add the repeatable ``--set`` option."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NODE.PARAM=VALUE",
        help=f"override a node parameter for {applies_to}, e.g. --set fusion_node.device=cpu "
        "(repeatable; the value is read as YAML)",
    )


def parse_overrides(items: list[str]) -> Overrides:
    """Turn ``["node.param=value", ...]`` into ``{node: {param: value}}`` (YAML values).

    Raises:
        ValueError: an item that is not NODE.PARAM=VALUE.
    """
    overrides: Overrides = {}
    for item in items:
        key, sep, value = item.partition("=")
        node, dot, param = key.partition(".")
        if not sep or not dot or not node or not param:
            raise ValueError(f"--set expects NODE.PARAM=VALUE, got {item!r}")
        overrides.setdefault(node, {})[param] = yaml.safe_load(value)
    return overrides


def checked_overrides(graph: GraphSpec, overrides: Overrides) -> Overrides:
    """``overrides`` with each value of its parameter's declared type, checked against the
    node's table, models folders checked.

    A node declares each parameter with the type of its value in ``config/<node>.yaml``. An
    integer where a number is declared (``vad_threshold=1``) becomes that number, and a number or
    nothing where text is declared (``source=0``, ``models_dir=``) that text, as a user means
    them; ROS refuses all three.

    Raises:
        GraphConfigError: an unknown node or parameter (naming the closest one).
        ValueError: a value the node refuses (type, range, choices), or a models folder that is
            not there.
    """
    graph.check_overrides(overrides)
    typed: Overrides = {}
    for node, values in overrides.items():
        executable = graph.node(node).executable
        declared, table = node_defaults(executable), node_parameters(executable)
        typed[node] = {}
        for name, value in values.items():
            value = _as_declared(value, declared[name])
            reason = check(value, table[name], declared[name])
            if reason:
                raise ValueError(f"--set {node}.{name}: {reason}")
            typed[node][name] = value
        folder = typed[node].get(MODELS_FOLDERS.get(node, ""))
        if folder:
            try:
                check_models_folder(Path(folder))
            except ModelFileError as exc:
                raise ValueError(f"{exc} ({node}.{MODELS_FOLDERS[node]})") from exc
    return typed


def node_parameters(executable: str) -> Mapping[str, Param]:
    """The parameter table of the node ``executable`` (with ``autostart`` for lifecycle nodes).

    Imported only here, when a ``--set`` names the node: a node module loads its libraries.
    """
    from emotion_ros.ros.lifecycle_autostart import PARAMETERS as LIFECYCLE

    return {**LIFECYCLE, **importlib.import_module(f"emotion_ros.nodes.{executable}").PARAMETERS}


def _as_declared(value: Any, default: Any) -> Any:
    """``value`` as the type of ``default`` where a user means that (see checked_overrides)."""
    expected, given = kind(default), kind(value)
    if expected == "a number" and given == "an integer":
        return float(value)
    if expected == "text" and given in ("an integer", "a number", "nothing"):
        return "" if value is None else str(value)
    return value
