"""Latched topics (transient local, like ``audio_info``) in bags: marked when recorded, played
latched again.

A latched message is usually published once, before recording starts; a volatile subscription
never receives it, and a volatile replay does not reach a subscriber that asks for transient local
(the audio node's ``audio_info``), so the recorder and the replayer both keep the durability.
"""

from typing import Any

from rosbags.interfaces import (
    Qos,
    QosDurability,
    QosHistory,
    QosLiveliness,
    QosReliability,
    QosTime,
)

_DEFAULT_TIME = QosTime(sec=0, nsec=0)  # rmw's "unspecified": no deadline, lifespan or lease
LATCHED_RECORD = Qos(
    QosHistory.KEEP_LAST, 1, QosReliability.RELIABLE, QosDurability.TRANSIENT_LOCAL,
    _DEFAULT_TIME, _DEFAULT_TIME, QosLiveliness.AUTOMATIC, _DEFAULT_TIME, False,
)  # fmt: skip


def recorded_latched(connection: Any) -> bool:
    """True when a bag connection (rosbags) was offered transient local when it was recorded."""
    offered = getattr(connection.ext, "offered_qos_profiles", None) or []
    return any(q.durability == QosDurability.TRANSIENT_LOCAL for q in offered)
