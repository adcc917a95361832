"""Records live topics into a rosbag2 bag (mcap or sqlite3) that ``ros2 bag play`` can read.

Subscriptions take the serialized CDR bytes (``raw=True``), which go into the bag unchanged: no
deserialisation, and the bytes are exactly what was on the wire.
"""

import threading
import time
from pathlib import Path

from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data
from rosbags.rosbag2 import StoragePlugin, Writer

from emotion_ros.bags.typestore import project_typestore, rclpy_type

STORAGES = {"mcap": StoragePlugin.MCAP, "sqlite3": StoragePlugin.SQLITE3}


class BagRecorder:
    """Writes every message of the chosen topics, stamped with its receive time."""

    def __init__(self, node: Node, path: Path, topics: dict[str, str], storage: str = "mcap"):
        if storage not in STORAGES:
            raise ValueError(f"storage must be one of {', '.join(STORAGES)}, got {storage!r}")
        store = project_typestore()
        unknown = [t for t in topics.values() if t not in store.types]
        if unknown:
            raise ValueError(f"unknown message types {unknown}; not in the type store")
        self._writer = Writer(path, version=9, storage_plugin=STORAGES[storage])
        self._writer.open()
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(topics, 0)
        self._connections = {}
        for topic, type_name in topics.items():
            self._connections[topic] = self._writer.add_connection(
                topic, type_name, typestore=store
            )
            node.create_subscription(
                rclpy_type(type_name),
                topic,
                lambda data, topic=topic: self._write(topic, data),
                qos_profile_sensor_data if "image" in topic else 50,
                raw=True,
            )

    def _write(self, topic: str, data: bytes) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.write(self._connections[topic], time.time_ns(), data)
                self.counts[topic] += 1

    def close(self) -> None:
        """Finish the bag (writes its metadata)."""
        with self._lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None


def discover_types(node: Node, topics: list[str], timeout_s: float = 5.0) -> dict[str, str]:
    """Types of ``topics`` from the live graph (waits up to ``timeout_s`` for discovery)."""
    deadline = time.monotonic() + timeout_s
    while True:
        known = dict((name, types[0]) for name, types in node.get_topic_names_and_types())
        resolved = {t: known.get(t if t.startswith("/") else f"/{t}") for t in topics}
        if all(resolved.values()) or time.monotonic() > deadline:
            missing = [t for t, v in resolved.items() if not v]
            if missing:
                raise ValueError(
                    f"no publisher seen for {missing}; give their types with TOPIC:TYPE"
                )
            return resolved
        time.sleep(0.1)
