"""Reading rosbag2 bags (mcap or sqlite3) with the ``rosbags`` library alone: no ROS needed.

Replay (which then publishes with rclpy) and offline evaluation both read bags through this, so a
bag opens, and fails to open, the same way everywhere. Messages are deserialised with the
definitions stored in the bag when it has them, so bags recorded with older message definitions
stay readable.
"""

from collections.abc import Iterator
from pathlib import Path

from rosbags.highlevel import AnyReader

from emotion_ros.bags.typestore import project_typestore


class BagError(RuntimeError):
    """The bag cannot be read (missing, truncated, not a rosbag2 bag); the message says why."""


def open_bag(path: Path) -> AnyReader:
    """Open a bag folder (with metadata.yaml) or a bare .mcap file.

    Raises:
        BagError: with the reason, instead of the library's traceback.
    """
    try:
        reader = AnyReader([Path(path)], default_typestore=project_typestore())
        reader.open()
    except Exception as exc:  # rosbags raises several error types for damaged files
        raise BagError(f"cannot read bag {path}: {exc}") from exc
    return reader


def messages(path: Path, topics: list[str]) -> Iterator[tuple[str, str, object]]:
    """(topic, type, deserialized message) in bag order for ``topics``; stops at damage.

    Damage is reported where the bag is summarised (``evaluation.bag_contents.summarize``); a
    truncated bag yields what was readable.
    """
    reader = open_bag(path)
    try:
        connections = [c for c in reader.connections if c.topic in topics]
        try:
            # rosbags reads every topic for an empty list: nothing wanted means nothing to read
            for connection, _, raw in (
                reader.messages(connections=connections) if connections else ()
            ):
                yield (
                    connection.topic,
                    connection.msgtype,
                    reader.deserialize(raw, connection.msgtype),
                )
        except Exception:  # rosbags raises several error types for a truncated file
            return
    finally:
        reader.close()
