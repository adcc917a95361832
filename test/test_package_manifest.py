"""package.xml: every dependency key resolves with rosdep, and every ROS package we import is one.

``rosdep install`` stops at the first key it cannot resolve, so one wrong key (it was
``python3-sounddevice``; the key is ``python3-sounddevice-pip``) fails the install for every user.
rosdistro cannot be read here, so test/rosdep_keys.yaml holds the keys that were looked up in it,
each with where it was found; this test keeps package.xml and that list the same.
"""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WHERE = ("kilted/distribution.yaml, repository ", "rosdep/base.yaml, ", "rosdep/python.yaml, ")
# Imported only when a user turns the feature on (fusion_node's publish_hri), with a clear log line
# when missing; hri_msgs is not released in Kilted.
OPTIONAL_ROS_IMPORTS = {"hri_msgs"}
ROS_PYTHON_PACKAGES = {"rclpy", "launch", "launch_ros", "launch_testing", "ament_index_python"}


def package_xml_keys() -> dict[str, list[str]]:
    """``{key: [tags it appears in]}`` for every ``*depend`` element of package.xml."""
    keys: dict[str, list[str]] = {}
    for element in ET.parse(REPO / "package.xml").getroot():
        if isinstance(element.tag, str) and element.tag.endswith("depend"):
            keys.setdefault(element.text.strip(), []).append(element.tag)
    return keys


def verified_keys() -> dict[str, str]:
    return yaml.safe_load((REPO / "test" / "rosdep_keys.yaml").read_text())


def test_package_xml_uses_exactly_the_keys_verified_against_rosdistro():
    used, verified = set(package_xml_keys()), set(verified_keys())
    assert sorted(used - verified) == [], "look these up in ros/rosdistro, add to rosdep_keys.yaml"
    assert sorted(verified - used) == [], "no longer in package.xml: remove from rosdep_keys.yaml"


def test_each_verified_key_says_where_it_was_found():
    for key, where in verified_keys().items():
        assert where.startswith(WHERE) and len(where) > max(map(len, WHERE)), key


def test_no_key_is_declared_twice():
    repeated = {key: tags for key, tags in package_xml_keys().items() if len(tags) > 1}
    assert repeated == {}, "use <depend> for a key needed at build and run time"


def imported_top_level_names(paths: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_ros_package_the_code_imports_is_a_dependency():
    """On a ROS install nothing but rosdep provides these: a missing one fails at run time."""
    sources = [
        path for part in ("emotion_ros/**", "launch", "test") for path in REPO.glob(f"{part}/*.py")
    ]
    ros_imports = {
        name
        for name in imported_top_level_names(sources)
        if name in ROS_PYTHON_PACKAGES or name.endswith(("_msgs", "_interfaces"))
    }
    assert "rcl_interfaces" in ros_imports and "diagnostic_msgs" in ros_imports  # the scan works
    assert sorted(ros_imports - OPTIONAL_ROS_IMPORTS - set(package_xml_keys())) == []
