"""What evaluation needs from a bag: frame times, images, audio chunks and label messages."""

from dataclasses import dataclass, field
from pathlib import Path

from emotion_ros.bags.bag_reader import IMAGE_TYPES, open_bag
from emotion_ros.timestamps import stamp_to_ns

AUDIO_TYPE = "audio_common_msgs/msg/AudioDataStamped"


@dataclass
class BagSummary:
    """Topics by role, the first message time and the frames' header stamps (ns)."""

    start_ns: int = 0
    end_ns: int = 0
    image_topic: str | None = None
    audio_topic: str | None = None
    frame_stamps: list[int] = field(default_factory=list)
    label_messages: list[tuple[int, str]] = field(default_factory=list)  # relative ns, text
    warnings: list[str] = field(default_factory=list)


def summarize(path: Path, label_topic: str = "/ground_truth") -> BagSummary:
    """Read the bag once: which topics play which role, frame stamps, labels, problems."""
    summary = BagSummary()
    reader = open_bag(path)
    try:
        summary.start_ns, summary.end_ns = reader.start_time, reader.end_time
        for c in reader.connections:
            if c.msgtype in IMAGE_TYPES and summary.image_topic is None:
                summary.image_topic = c.topic
            elif c.msgtype == AUDIO_TYPE and summary.audio_topic is None:
                summary.audio_topic = c.topic
        if summary.image_topic is None:
            summary.warnings.append("the bag has no image topic: nothing to evaluate")
        if summary.audio_topic is None:
            summary.warnings.append("the bag has no audio_common_msgs audio: face models only")
        wanted = [c for c in reader.connections if c.topic in (summary.image_topic, label_topic)]
        try:
            # rosbags reads every topic for an empty list, so only read when something is wanted
            for connection, t, raw in reader.messages(connections=wanted) if wanted else ():
                msg = reader.deserialize(raw, connection.msgtype)
                if connection.topic == label_topic:
                    summary.label_messages.append((t - summary.start_ns, msg.data))
                else:
                    summary.frame_stamps.append(stamp_to_ns(msg.header.stamp))
        except Exception as exc:  # a truncated bag fails part-way through
            summary.warnings.append(f"the bag ends early ({exc}); evaluated what was readable")
    finally:
        reader.close()
    return summary
