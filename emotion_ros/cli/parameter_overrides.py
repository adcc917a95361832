"""``--set NODE.PARAM=VALUE``: the parameter overrides of ``emotion-ros run`` and ``evaluate``."""

import argparse
from typing import Any

import yaml


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


def parse_overrides(items: list[str]) -> dict[str, dict[str, Any]]:
    """Turn ``["node.param=value", ...]`` into ``{node: {param: value}}`` (YAML values).

    Raises:
        ValueError: an item that is not NODE.PARAM=VALUE.
    """
    overrides: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        node, dot, param = key.partition(".")
        if not sep or not dot or not node or not param:
            raise ValueError(f"--set expects NODE.PARAM=VALUE, got {item!r}")
        overrides.setdefault(node, {})[param] = yaml.safe_load(value)
    return overrides
