"""A rosbags type store that knows the standard ROS 2 Kilted types and this package's messages.

The custom definitions are read from the installed share directories on a ROS install (so they
always match the generated code) and from the source checkout otherwise; their type hashes are
the same as rosidl's, so bags written here play with ``ros2 bag play``.
"""

from pathlib import Path

from rosbags.typesys import Stores, get_types_from_msg, get_typestore
from rosbags.typesys.store import Typestore

from emotion_ros.package_paths import share_path

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _msg_dirs() -> dict[str, Path]:
    dirs = {"emotion_ros": share_path("msg")}
    try:
        from ament_index_python.packages import get_package_share_directory

        dirs["audio_common_msgs"] = Path(get_package_share_directory("audio_common_msgs")) / "msg"
    except (ImportError, LookupError, OSError, ValueError):
        dirs["audio_common_msgs"] = _SOURCE_ROOT / "tools" / "audio_common_msgs" / "msg"
    return dirs


def project_typestore() -> Typestore:
    """The Kilted type store plus emotion_ros and audio_common_msgs messages."""
    store = get_typestore(Stores.ROS2_KILTED)
    types = {}
    for package, directory in _msg_dirs().items():
        for path in sorted(directory.glob("*.msg")):
            types.update(get_types_from_msg(path.read_text(), f"{package}/msg/{path.stem}"))
    store.register(types)
    return store


def rclpy_type(type_name: str) -> type:
    """The installed message class of ``pkg/msg/Name`` or ``pkg/Name`` (ImportError or
    AttributeError when it is not installed)."""
    import importlib

    parts = type_name.split("/")
    return getattr(importlib.import_module(f"{parts[0]}.msg"), parts[-1])
