"""Records live topics into a rosbag2 bag (mcap or sqlite3) that ``ros2 bag play`` can read.

Subscriptions take the serialized CDR bytes (``raw=True``), which go into the bag unchanged: no
deserialisation, and the bytes are exactly what was on the wire. With ``jpeg_quality`` set, raw
``sensor_msgs/Image`` topics are encoded here and written as JPEG ``CompressedImage`` on
``<topic>/compressed`` instead, as image_transport names them (raw 640x480 frames are about 14 MB
a second at 15 fps); a face node takes them when nobody publishes raw frames. A latched topic
(``audio_info``) is subscribed transient local, so its one message is recorded, and marked so in
the bag.
"""

import threading
import time
from pathlib import Path

from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data
from rclpy.serialization import serialize_message
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.typesys.store import Typestore
from sensor_msgs.msg import Image

from emotion_ros.bags.latched_topics import LATCHED_RECORD
from emotion_ros.bags.typestore import project_typestore, rclpy_type
from emotion_ros.ros.image_messages import compressed_message
from emotion_ros.ros.qos import latched_qos, offers_latched
from emotion_ros.vision.image_conversion import ImageConversionError

STORAGES = {"mcap": StoragePlugin.MCAP, "sqlite3": StoragePlugin.SQLITE3}
RAW_IMAGE = "sensor_msgs/msg/Image"
COMPRESSED_IMAGE = "sensor_msgs/msg/CompressedImage"


class BagRecorder:
    """Writes every message of the chosen topics, stamped with its receive time.

    ``counts`` and ``skipped`` are per topic as written in the bag (``image_raw/compressed``
    for a compressed ``image_raw``); ``skipped`` counts images that could not be encoded.
    """

    def __init__(
        self,
        node: Node,
        path: Path,
        topics: dict[str, str],
        storage: str = "mcap",
        jpeg_quality: int | None = None,
    ):
        if storage not in STORAGES:
            raise ValueError(f"storage must be one of {', '.join(STORAGES)}, got {storage!r}")
        if jpeg_quality is not None and not 1 <= jpeg_quality <= 100:
            raise ValueError(f"JPEG quality must be 1-100, got {jpeg_quality}")
        store = project_typestore()
        unknown = [t for t in topics.values() if t not in store.types]
        if unknown:
            raise ValueError(f"unknown message types {unknown}; not in the type store")
        self._writer = Writer(path, version=9, storage_plugin=STORAGES[storage])
        self._writer.open()
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self._connections = {}
        for topic, type_name in topics.items():
            latched = offers_latched(node, topic)
            qos = qos_profile_sensor_data if "image" in topic else 50
            if latched:
                qos = latched_qos()
            if type_name == RAW_IMAGE and jpeg_quality is not None:
                name = f"{topic}/compressed"
                self._add(name, COMPRESSED_IMAGE, store)
                node.create_subscription(
                    Image,
                    topic,
                    lambda msg, name=name: self._compress(name, msg, jpeg_quality),
                    qos,
                )
            else:
                self._add(topic, type_name, store, latched)
                node.create_subscription(
                    rclpy_type(type_name),
                    topic,
                    lambda data, topic=topic: self._write(topic, data),
                    qos,
                    raw=True,
                )

    def _add(self, topic: str, type_name: str, store: Typestore, latched: bool = False) -> None:
        self._connections[topic] = self._writer.add_connection(
            topic,
            type_name,
            typestore=store,
            offered_qos_profiles=[LATCHED_RECORD] if latched else [],
        )
        self.counts[topic] = self.skipped[topic] = 0

    def _compress(self, topic: str, image: Image, quality: int) -> None:
        try:
            data = serialize_message(compressed_message(image, quality))
        except ImageConversionError:
            with self._lock:
                self.skipped[topic] += 1
            return
        self._write(topic, data)

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
