"""Where the package's data files (config/, models/, data/, launch/) and commands are at run time.

On a ROS install they are in ``share/emotion_ros`` and ``lib/emotion_ros`` (found through the
ament index); in the source checkout with the project's .venv the data files are next to the
``emotion_ros/`` source package and the commands in the .venv's bin/.
"""

from pathlib import Path

PACKAGE_NAME = "emotion_ros"
_SOURCE_ROOT = Path(__file__).resolve().parents[1]


def share_directory() -> Path:
    """Return the package's share directory (ament index first, then the source checkout)."""
    try:
        from ament_index_python.packages import (
            PackageNotFoundError,
            get_package_share_directory,
        )
    except ImportError:  # no ament_index_python: not a ROS environment at all
        return _SOURCE_ROOT
    try:
        installed = Path(get_package_share_directory(PACKAGE_NAME))
    except (PackageNotFoundError, OSError):  # OSError: AMENT_PREFIX_PATH unset, as in the .venv
        return _SOURCE_ROOT
    # The .venv's CMake build installs only the messages into share/, without config/ or models/.
    return installed if (installed / "config").is_dir() else _SOURCE_ROOT


def share_path(*parts: str) -> Path:
    """Return a path inside the share directory, e.g. ``share_path("models")``."""
    return share_directory().joinpath(*parts)


def installed_executable_directory() -> Path | None:
    """Return ``<prefix>/lib/emotion_ros`` of a ROS install (where ``ros2 run`` looks), or None.

    colcon installs the node commands there, not on PATH.
    """
    try:
        from ament_index_python.packages import get_package_prefix

        return Path(get_package_prefix(PACKAGE_NAME)) / "lib" / PACKAGE_NAME
    except (ImportError, LookupError, OSError):  # not a ROS environment, or not installed in it
        return None
