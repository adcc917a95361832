"""Choosing the Fast DDS profile that carries whole camera frames through shared memory.

Fast DDS's default shared-memory segment (512 KB) is smaller than one 640x480 frame, so frames
travel as UDP-sized fragments and a best-effort (SensorDataQoS) subscriber loses many of them
(config/fastdds_large_frames.xml has the figures). Every emotion_ros process sets the profile
before rclpy creates its participant, unless the user chose a profile, Fast DDS's builtin
transports (``FASTDDS_BUILTIN_TRANSPORTS``, e.g. LARGE_DATA, which the profile would override) or
another middleware.
"""

import os
from collections.abc import MutableMapping

from emotion_ros.package_paths import share_path

PROFILE_VARIABLE = "FASTDDS_DEFAULT_PROFILES_FILE"
# The name Fast DDS 2 read; a user who still sets it has chosen a profile too.
LEGACY_PROFILE_VARIABLE = "FASTRTPS_DEFAULT_PROFILES_FILE"
PROFILE_FILE = "fastdds_large_frames.xml"
BUILTIN_TRANSPORTS_VARIABLE = "FASTDDS_BUILTIN_TRANSPORTS"


def use_large_frame_profile(environ: MutableMapping[str, str] = os.environ) -> str | None:
    """Point Fast DDS at the package's profile; return its path, or None when left alone.

    Left alone: a profile or builtin transports already chosen by the user, or an RMW other than
    Fast DDS.
    """
    chosen = (PROFILE_VARIABLE, LEGACY_PROFILE_VARIABLE, BUILTIN_TRANSPORTS_VARIABLE)
    if any(variable in environ for variable in chosen):
        return None
    if environ.get("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp") != "rmw_fastrtps_cpp":
        return None
    path = str(share_path("config", PROFILE_FILE))
    environ[PROFILE_VARIABLE] = path
    return path
