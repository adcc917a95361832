"""Builds data/eval/labelled (an mcap rosbag2 bag) and data/eval/labels.csv for evaluation.

8 s at 15 fps of 640x480 JPEG frames on /image_raw/compressed: the smiling astronaut for the
first 4 s (ground truth Happy), Grace Hopper for the last 4 s (Neutral), each moving a little;
espeak-ng speech on /audio_stamped (audio_common_msgs, S16LE 16 kHz, 0.1 s chunks) with happy
then neutral prosody; and the same labels on /ground_truth (std_msgs/String). Deterministic.

    .venv/bin/python tools/make_labelled_bag.py [--out data/eval]
"""

import argparse
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np
from rosbags.rosbag2 import StoragePlugin, Writer

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.bags.typestore import project_typestore

from make_default_clip import HEIGHT, WIDTH, paste

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from package_photos import photo_head
from synthetic_speech import PROSODY, SAMPLE_RATE, speak

START_NS = 1_700_000_000 * 1_000_000_000
FPS, SECONDS, SWITCH_S = 15, 8.0, 4.0
LABELS = [(0.0, SWITCH_S, "*", "Happy"), (SWITCH_S, SECONDS, "*", "Neutral")]


def frames() -> list[np.ndarray]:
    """The frames: one face at a time, moving slowly."""
    astronaut, grace = photo_head("astronaut"), photo_head("grace_hopper")
    out = []
    for i in range(int(FPS * SECONDS)):
        t = i / FPS
        frame = np.full((HEIGHT, WIDTH, 3), 120, np.uint8)
        head = astronaut if t < SWITCH_S else grace
        paste(frame, head, 320 + 40 * np.sin(t), 240, 330, 5 * np.sin(1.3 * t))
        out.append(frame)
    return out


def speech() -> np.ndarray:
    """Happy speech for the first half, neutral for the second, padded to the clip length."""
    halves = []
    for text, label in (("What a wonderful surprise to see you here!", "Happy"),
                        ("The package is on the second shelf.", "Neutral")):  # fmt: skip
        half = np.zeros(int(SWITCH_S * SAMPLE_RATE), np.float32)
        voice = speak(text, **PROSODY[label])[: len(half)]
        half[: len(voice)] = voice
        halves.append(half)
    return np.concatenate(halves)


def main() -> int:
    """Write the bag and the CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "data" / "eval"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args()
    bag = args.out / "labelled"
    shutil.rmtree(bag, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    store = project_typestore()
    CompressedImage = store.types["sensor_msgs/msg/CompressedImage"]
    AudioDataStamped = store.types["audio_common_msgs/msg/AudioDataStamped"]
    AudioData = store.types["audio_common_msgs/msg/AudioData"]
    String = store.types["std_msgs/msg/String"]
    Header = store.types["std_msgs/msg/Header"]
    Time = store.types["builtin_interfaces/msg/Time"]

    def header(ns: int, frame_id: str):
        return Header(
            stamp=Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000), frame_id=frame_id
        )

    messages = []
    for i, frame in enumerate(frames()):
        t = START_NS + i * 1_000_000_000 // FPS
        ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
        assert ok
        msg = CompressedImage(
            header=header(t, "camera_optical_frame"), format="jpeg", data=jpeg.ravel()
        )
        messages.append((t, "/image_raw/compressed", msg))
    audio = speech()
    chunk = SAMPLE_RATE // 10
    for start in range(0, len(audio), chunk):
        t = START_NS + start * 1_000_000_000 // SAMPLE_RATE
        data = np.frombuffer(encode_s16le(audio[start : start + chunk]), np.uint8)
        msg = AudioDataStamped(header=header(t, "microphone"), audio=AudioData(data=data))
        messages.append((t, "/audio_stamped", msg))
    for start_s, _, _, label in LABELS:
        messages.append((START_NS + int(start_s * 1e9), "/ground_truth", String(data=label)))
    types = {"/image_raw/compressed": CompressedImage, "/audio_stamped": AudioDataStamped,
             "/ground_truth": String}  # fmt: skip
    with Writer(bag, version=9, storage_plugin=StoragePlugin.MCAP) as writer:
        connections = {
            topic: writer.add_connection(topic, cls.__msgtype__, typestore=store)
            for topic, cls in types.items()
        }
        for t, topic, msg in sorted(messages, key=lambda m: m[0]):
            writer.write(connections[topic], t, store.serialize_cdr(msg, types[topic].__msgtype__))
    rows = "\n".join(f"{s},{e},{face},{label}" for s, e, face, label in LABELS)
    (args.out / "labels.csv").write_text(f"start_s,end_s,face_id,label\n{rows}\n")
    size = sum(p.stat().st_size for p in bag.iterdir()) / 1e6
    print(f"wrote {bag} ({size:.1f} MB, {len(messages)} messages) and {args.out / 'labels.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
