"""Node parameters as ``config/*.yaml`` gives them: the one place where a default is written.

The nodes declare their parameters with these values (``ros.node_runner.declare_parameters``),
``emotion-ros run`` and the launch files pass the same files, and offline evaluation and the
training tools build the core's settings objects from them. So a user who edits a YAML file
changes every path at once, and no default is written a second time in code.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from emotion_ros.package_paths import share_path
from emotion_ros.parameter_spec import Param
from emotion_ros.yaml_files import read_yaml

WILDCARD = "/**"
S = TypeVar("S")


class ConfigError(ValueError):
    """A parameter file is missing, malformed, or lacks a parameter that code needs."""


def read_parameter_file(path: Path) -> dict[str, dict[str, Any]]:
    """``{node name or "/**": {parameter: value}}`` of a ROS 2 parameter file.

    Raises:
        ConfigError: the file cannot be read or is not a ROS 2 parameter file.
    """
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read parameter file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path} is not a ROS 2 parameter file (no node names at the top)")
    nodes = {}
    for node, entry in data.items():
        parameters = (entry or {}).get("ros__parameters") if isinstance(entry, dict) else None
        if not isinstance(parameters, dict):
            raise ConfigError(f"{path}: {node!r} has no 'ros__parameters:' mapping")
        nodes[str(node).lstrip("/") if node != WILDCARD else WILDCARD] = parameters
    return nodes


def merged_parameters(
    node_name: str, files: Iterable[Path], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The parameters a node named ``node_name`` gets from ``--params-file`` files, in order.

    As in ROS 2, each file's ``/**`` entry applies to every node and its ``node_name`` entry
    after it; later files win, and ``overrides`` win over all files.
    """
    merged: dict[str, Any] = {}
    for path in files:
        nodes = read_parameter_file(path)
        merged.update(nodes.get(WILDCARD, {}))
        merged.update(nodes.get(node_name, {}))
    merged.update(overrides or {})
    return merged


def node_defaults(node_name: str, config_dir: Path | None = None) -> dict[str, Any]:
    """The parameters in ``config/<node_name>.yaml``: the node's declared defaults."""
    path = (config_dir or share_path("config")) / f"{node_name}.yaml"
    return merged_parameters(node_name, [path])


def settings_from(cls: type[S], parameters: Mapping[str, Any]) -> S:
    """Build the settings dataclass ``cls`` from the parameters named like its fields.

    Raises:
        ConfigError: a field has no parameter of that name.
    """
    assert is_dataclass(cls), cls
    names = [f.name for f in fields(cls)]
    missing = [name for name in names if name not in parameters]
    if missing:
        raise ConfigError(f"{cls.__name__} needs parameters that are not set: {missing}")
    return cls(**{name: parameters[name] for name in names})


def default_settings(cls: type[S], node_name: str, **changes: Any) -> S:
    """``cls`` built from ``config/<node_name>.yaml`` as the node would build it, with
    ``changes`` on top (a tool or test that needs, say, one face instead of the node's four)."""
    return settings_from(cls, {**node_defaults(node_name), **changes})


def parameter_help(node_name: str, parameters: Mapping[str, Param], summary: str = "") -> str:
    """``<node> --help``: how to set parameters, then each one with its default, meaning, the
    values it takes and whether it changes at run time (``ros2 param set``).

    The defaults are read from ``config/<node_name>.yaml`` (in its order), where they are written.
    """
    path = share_path("config") / f"{node_name}.yaml"
    lines = [
        f"usage: {node_name} [--help] [--ros-args [-p NAME:=VALUE ...] [--params-file FILE]]",
        "",
        *([summary, ""] if summary else []),
        f"Parameters (name: default from {path}; read-only after start unless marked):",
    ]
    for name, value in node_defaults(node_name).items():
        spec = parameters.get(name, Param("(no description)"))
        notes = [spec.constraints(), "changes at run time" if spec.dynamic else ""]
        lines.append(f"  {name}: {json.dumps(value)}")
        lines.append(f"      {spec.description}")
        if any(notes):
            lines.append(f"      ({'; '.join(note for note in notes if note)})")
    return "\n".join(lines)
