"""Every kind of bad input a foreign publisher was seen to send a node, and a script sending it.

``python test/bad_inputs.py <catalogue>`` (face, face_compressed, audio, speech or fusion) runs as
its own process with plain rclpy, like a camera or microphone driver nobody here wrote: no
emotion_ros glue and none of its DDS settings. It waits for the node's subscriptions, publishes
each bad message of the catalogue (paced, one at a time), then good messages, and prints one JSON
line: the number of messages refused per kind, and the stamps (ns) of the messages the node must
still answer. The process-level tests compare that with what the node published and counted on
/diagnostics.
"""

import json
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

NS_PER_S = 1_000_000_000
PACE_S = 0.15  # between messages: the face node's queue holds 3 frames, and topics do not order
DAY_NS = 86_400 * NS_PER_S


@dataclass
class Item:
    """One message: the kind the node must refuse it for (None: it must answer it)."""

    kind: str | None
    topic: str
    make: Callable[[int], Any]  # stamp (ns) -> message


def stamp_of(ns: int) -> Any:
    from builtin_interfaces.msg import Time

    return Time(sec=ns // NS_PER_S, nanosec=ns % NS_PER_S)


# --- face node: sensor_msgs/Image ----------------------------------------------------------------


def image(
    height: int,
    width: int,
    encoding: str = "bgr8",
    *,
    step: int | None = None,
    data: bytes | None = None,
    pixels: np.ndarray | None = None,
) -> Callable[[int], Any]:
    """A factory of Image messages whose fields can lie about each other."""
    from sensor_msgs.msg import Image

    def make(stamp_ns: int) -> Image:
        row = width * 3 if step is None else step
        payload = pixels.tobytes() if pixels is not None else data
        msg = Image(height=height, width=width, encoding=encoding, step=row)
        msg.data = bytes(height * row) if payload is None else payload
        msg.header.stamp = stamp_of(stamp_ns)
        msg.header.frame_id = "foreign_camera"
        return msg

    return make


def astronaut() -> np.ndarray:
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from face_images import astronaut_bgr

    return astronaut_bgr()


def face_catalogue() -> list[Item]:
    good = astronaut()
    t = "image_raw"
    return [
        *(
            Item("encoding", t, image(4, 4, enc, step=12))
            for enc in ("", "yuv422", "x" * 300, "bayer_rggb8", "mono16", "16UC1", "32FC1")
        ),
        Item("empty", t, image(0, 0)),
        Item("empty", t, image(0, 640)),
        Item("side_too_long", t, image(3, 100_000)),  # 900 KB: aborted the node before
        Item("side_too_long", t, image(100_000, 100_000, data=b"")),
        Item("aspect_ratio", t, image(3, 30_000)),
        Item("too_large", t, image(5_000, 5_000, data=b"")),
        Item("step", t, image(4, 4, step=5)),
        Item("length", t, image(4, 4, data=bytes(47))),
        Item("length", t, image(4, 4, data=bytes(49))),
        Item("length", t, image(4, 4, step=1_000_000, data=bytes(48))),
        Item("stamp_zero", t, lambda _: image(512, 512, pixels=good)(0)),
        Item("stamp_future", t, lambda ns: image(512, 512, pixels=good)(ns + DAY_NS)),
        Item(None, t, image(1, 1)),  # tiny, but an image: answered, without a face
        *(Item(None, t, image(512, 512, pixels=good)) for _ in range(3)),
        # backwards by a second: answered (the tracker starts again), like a bag that restarts
        Item(None, t, lambda ns: image(512, 512, pixels=good)(ns - NS_PER_S)),
        Item(None, t, image(512, 512, pixels=good)),
    ]


def compressed(data: bytes) -> Callable[[int], Any]:
    from sensor_msgs.msg import CompressedImage

    def make(stamp_ns: int) -> CompressedImage:
        msg = CompressedImage(format="png", data=data)
        msg.header.stamp = stamp_of(stamp_ns)
        return msg

    return make


def png(width: int, height: int, rows: int = 0) -> bytes:
    """A PNG declaring ``width`` x ``height`` with ``rows`` black rows (compressed one by one)."""

    def png_chunk(name: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(name + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + name + body + crc

    packer = zlib.compressobj(9)
    row = bytes(1 + width * 3)  # filter byte, then the pixels
    pixels = b"".join(packer.compress(row) for _ in range(rows)) + packer.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels)


def face_compressed_catalogue() -> list[Item]:
    import cv2

    good = cv2.imencode(".jpg", astronaut())[1].tobytes()
    t = "image_raw/compressed"
    return [
        Item("empty", t, compressed(b"")),
        Item("compressed_format", t, compressed(np.random.default_rng(0).bytes(5_000))),
        Item("compressed_format", t, compressed(b"GIF89a" + bytes(100))),
        Item("decode", t, compressed(png(64, 48) + b"garbage")),
        Item("side_too_long", t, compressed(png(3, 100_000))),
        Item("aspect_ratio", t, compressed(png(30_000, 3))),
        Item("too_large", t, compressed(png(5_000, 5_000, rows=5_000))),  # 75 MB in 80 KB
        Item("stamp_zero", t, lambda _: compressed(good)(0)),
        *(Item(None, t, compressed(good)) for _ in range(3)),
    ]


# --- audio node: audio_common_msgs ----------------------------------------------------------------


def info(fmt: str, channels: int, rate: int) -> Callable[[int], Any]:
    from audio_common_msgs.msg import AudioInfo

    return lambda _: AudioInfo(sample_format=fmt, channels=channels, sample_rate=rate)


def chunk(data: bytes, stamp_shift_ns: int = 0, stamp: int | None = None) -> Callable[[int], Any]:
    from audio_common_msgs.msg import AudioDataStamped

    def make(stamp_ns: int) -> AudioDataStamped:
        msg = AudioDataStamped()
        msg.audio.data = data
        msg.header.stamp = stamp_of(stamp_ns + stamp_shift_ns if stamp is None else stamp)
        return msg

    return make


def tone(seconds: float, rate: int = 16_000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2").tobytes()


def continuous(chunks: list[bytes], seconds: float = 0.1) -> list[Item]:
    """Good audio: 16 kHz S16LE chunks of ``seconds`` stamped back to back from the first one's
    send time."""
    first: list[int] = []

    def make(k: int) -> Callable[[int], Any]:
        def at(stamp_ns: int) -> Any:
            first[:] = first or [stamp_ns]
            return chunk(chunks[k], stamp=first[0] + round(k * seconds * NS_PER_S))(0)

        return at

    return [Item(None, "audio_stamped", make(k)) for k in range(len(chunks))]


def bad_audio() -> list[Item]:
    """What a microphone driver sent the audio node and the speech node (they read audio alike)."""
    i, c = "audio_info", "audio_stamped"
    return [
        Item(None, i, info("S16LE", 1, 16_000)),
        Item(None, c, chunk(tone(0.1))),
        *(
            Item("audio_info", i, info(fmt, channels, rate))
            for fmt, channels, rate in (
                ("S16LE", 0, 16_000),
                ("S16LE", 65, 16_000),
                ("S16LE", 1, 0),
                ("S16LE", 1, 1_000_000_000),
                ("S16BE", 1, 16_000),
                ("", 1, 16_000),
                ("x" * 300, 1, 16_000),
            )
        ),
        Item(None, i, info("S16LE", 64, 16_000)),  # the largest microphone arrays: taken
        Item("chunk_length", c, chunk(bytes(320))),  # not a whole number of 64-channel frames
        # a new rate (an error line) and then a gap (a warning line) killed the audio node
        Item(None, i, info("S16LE", 1, 48_000)),
        Item(None, c, chunk(tone(0.1, 48_000))),
        Item(None, c, chunk(tone(0.1, 48_000), stamp_shift_ns=NS_PER_S // 5)),
        Item(None, i, info("S16LE", 1, 16_000)),
        Item("empty_chunk", c, chunk(b"")),
        Item("chunk_length", c, chunk(b"\x01")),
        Item("chunk_length", c, chunk(b"\x01\x02\x03")),
        Item("chunk_too_long", c, chunk(bytes(10_000_000))),
        Item("stamp_zero", c, chunk(tone(0.1), stamp=0)),
        Item("stamp_future", c, chunk(tone(0.1), stamp_shift_ns=DAY_NS)),
    ]


def audio_catalogue() -> list[Item]:
    return [*bad_audio(), *continuous([tone(0.1)] * 30)]


def speech_catalogue() -> list[Item]:
    """The bad audio, then a sentence and a second of silence: one transcript."""
    from emotion_ros.audio.sample_format import encode_s16le

    from synthetic_speech import speak  # beside this script, as face_images

    said = speak("What a lovely day, I am so glad to see you!", 50, 150, 110, "en-us+f2")
    audio = encode_s16le(np.concatenate([said, np.zeros(16_000, np.float32)]))
    step = 3_200  # bytes: 0.1 s
    return [*bad_audio(), *continuous([audio[k : k + step] for k in range(0, len(audio), step)])]


# --- fusion node: FaceLandmarksArray and AudioWindow ---------------------------------------------


def mesh() -> np.ndarray:
    from emotion_ros.vision.face_mesh import still_image_detector

    with still_image_detector() as detector:
        return detector.detect(astronaut())[0].landmarks


def landmarks(*faces: dict) -> Callable[[int], Any]:
    """A FaceLandmarksArray factory; each face is a dict of FaceLandmarks fields."""
    from emotion_ros.msg import FaceLandmarks, FaceLandmarksArray

    def make(stamp_ns: int) -> FaceLandmarksArray:
        msg = FaceLandmarksArray()
        msg.header.stamp = stamp_of(stamp_ns)
        for fields in faces:
            face = FaceLandmarks(image_width=640, image_height=480, **fields)
            face.header.stamp = msg.header.stamp
            msg.faces.append(face)
        return msg

    return make


def window(stamp: int | None = None, **fields: Any) -> Callable[[int], Any]:
    """An AudioWindow factory, stamped when sent unless ``stamp`` is given."""
    from emotion_ros.msg import AudioWindow

    def make(stamp_ns: int) -> AudioWindow:
        msg = AudioWindow(**{"sample_rate": 16_000, **fields})
        msg.header.stamp = stamp_of(stamp_ns if stamp is None else stamp)
        return msg

    return make


def transcript(stamp: int | None = None, **fields: Any) -> Callable[[int], Any]:
    """A Transcript factory (the models' classes, uniform scores unless given), stamped when sent
    unless ``stamp`` is given."""
    from emotion_ros.emotion_classes import CLASS_NAMES
    from emotion_ros.msg import Transcript

    def make(stamp_ns: int) -> Transcript:
        uniform = {"class_names": list(CLASS_NAMES), "probabilities": [1.0] * len(CLASS_NAMES)}
        msg = Transcript(text="hello", **{**uniform, **fields})
        msg.header.stamp = stamp_of(stamp_ns if stamp is None else stamp)
        return msg

    return make


def fusion_catalogue() -> list[Item]:
    points = mesh()
    flat = points.ravel().tolist()

    def face(face_id: str = "f00000", values: list[float] = flat, **fields: Any) -> dict:
        return {"face_id": face_id, "landmarks": values, **fields}

    def with_value(value: float) -> list[float]:
        return [value, *flat[1:]]

    w, f, t = "audio/windows", "faces/landmarks", "speech/transcript"
    speech = (0.2 * np.sin(np.arange(32_000) * 0.05)).astype(np.float32).tolist()
    return [
        Item("sample_count", w, window(samples=[0.0] * 100)),  # killed torch.stft before
        Item("sample_count", w, window(samples=[0.0] * 31_999)),
        Item("sample_rate", w, window(sample_rate=8_000, samples=[0.0] * 32_000)),
        Item("sample_values", w, window(samples=[float("nan")] * 32_000)),
        Item(
            "feature_shape",
            w,
            window(feature_type="log_mel", feature_shape=[10, 64], features=[0.0] * 640),
        ),
        Item(
            "feature_shape",
            w,
            window(feature_type="log_mel", feature_shape=[201, 64], features=[0.0] * 100),
        ),
        Item(
            "feature_values",
            w,
            window(
                feature_type="log_mel", feature_shape=[201, 64], features=[float("nan")] * 201 * 64
            ),
        ),
        Item(
            "feature_type",
            w,
            window(feature_type="mfcc", feature_shape=[201, 20], features=[0.0] * 201 * 20),
        ),
        Item("empty_window", w, window()),
        Item("stamp_zero", w, window(stamp=0, samples=speech)),
        *(
            Item("landmark_count", f, landmarks(face(values=flat[: n * 3])))
            for n in (0, 1, 468, 477)
        ),
        *(
            Item("landmark_count", f, landmarks(face(values=np.resize(points, n * 3).tolist())))
            for n in (479, 1434, 10_000)
        ),
        *(
            Item("landmark_values", f, landmarks(face(values=with_value(v))))
            for v in (float("nan"), float("inf"), 1e30)
        ),
        Item("degenerate_landmarks", f, landmarks(face(values=[5.0] * 1434))),
        Item("face_id", f, landmarks(face(face_id=""))),
        Item("face_id", f, landmarks(face(face_id="a face"))),
        Item("too_many_faces", f, landmarks(*(face(f"f{k:05d}") for k in range(200)))),
        Item("stamp_zero", f, lambda _: landmarks(face())(0)),
        Item("stamp_future", f, lambda ns: landmarks(face())(ns + DAY_NS)),
        # faces that are answered, less their bad part
        Item("duplicate_face_id", f, landmarks(face(), face())),
        Item("crop", f, landmarks(face(crop_size=48, crop=bytes(100)))),
        Item("crop", f, landmarks(face(crop_size=100_000))),
        Item("visibility", f, landmarks(face(upper_face_visible=float("nan")))),
        Item("visibility", f, landmarks(face(lower_face_visible=2.0))),
        # a mesh measured after its own frame (the largest stamp there is)
        Item("mesh_stamp", f, landmarks(face(mesh_stamp=stamp_of((2**31 - 1) * NS_PER_S)))),
        Item("transcript_scores", t, transcript(class_names=["Happy", "Sad"])),
        Item("transcript_scores", t, transcript(probabilities=[1.0, 0.0])),
        Item("transcript_scores", t, transcript(probabilities=[float("nan")] * 6)),
        Item("transcript_scores", t, transcript(probabilities=[0.0] * 6)),
        Item("transcript_scores", t, transcript(probabilities=[-1.0, 1.0, 1.0, 1.0, 1.0, 1.0])),
        Item("stamp_zero", t, transcript(stamp=0)),
        Item("speech_fraction", w, window(samples=speech, speech_fraction=float("nan"))),
        Item(None, t, transcript()),
        Item(None, w, window(samples=speech, speech_fraction=0.9)),
        *(
            Item(None, f, landmarks(face(), face("f00001", (points + 200).ravel().tolist())))
            for _ in range(3)
        ),
    ]


ANSWERED_DESPITE_A_PROBLEM = {"duplicate_face_id", "crop", "visibility", "mesh_stamp"}
CATALOGUES = {
    "face": face_catalogue,
    "face_compressed": face_compressed_catalogue,
    "audio": audio_catalogue,
    "speech": speech_catalogue,
    "fusion": fusion_catalogue,
}


def answered(item: Item) -> bool:
    """Whether the node must answer this message (a landmarks message with a usable face)."""
    return item.kind is None or item.kind in ANSWERED_DESPITE_A_PROBLEM


ANSWERING_TOPICS = {"image_raw", "image_raw/compressed", "faces/landmarks"}


def publish(catalogue: str) -> dict[str, Any]:
    """Send the catalogue; return {"refused": {kind: count}, "answered": [stamp ns, ...],
    "good_from": the stamp of the first message after the last bad one}."""
    import rclpy
    from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

    items = CATALOGUES[catalogue]()
    rclpy.init()
    node = rclpy.create_node(f"foreign_{catalogue}_publisher")
    latched = QoSProfile(
        depth=1, reliability=ReliabilityPolicy.RELIABLE, durability=DurabilityPolicy.TRANSIENT_LOCAL
    )
    publishers = {}
    for item in items:
        if item.topic not in publishers:
            qos = latched if item.topic == "audio_info" else 10  # as audio_common's capture node
            msg_type = type(item.make(1))
            publishers[item.topic] = node.create_publisher(msg_type, item.topic, qos)
    deadline = time.monotonic() + 90
    while any(p.get_subscription_count() == 0 for p in publishers.values()):
        if time.monotonic() > deadline:
            raise SystemExit(f"no subscriber on {sorted(publishers)} within 90 s")
        time.sleep(0.1)
    time.sleep(1.0)  # the subscriber's side of the match completes a moment later
    stamps, good_from = [], None
    for item in items:
        msg = item.make(time.time_ns())
        publishers[item.topic].publish(msg)
        stamp = getattr(msg, "header", None) and msg.header.stamp  # AudioInfo has none
        stamp_ns = stamp.sec * NS_PER_S + stamp.nanosec if stamp else None
        if answered(item) and item.topic in ANSWERING_TOPICS:
            stamps.append(stamp_ns)
        if item.kind is not None:
            good_from = None
        elif good_from is None:
            good_from = stamp_ns
        time.sleep(PACE_S)
    time.sleep(2.0)  # reliable delivery of the last ones
    node.destroy_node()
    rclpy.shutdown()
    refused = Counter(item.kind for item in items if item.kind is not None)
    return {"refused": dict(refused), "answered": stamps, "good_from": good_from}


if __name__ == "__main__":
    print(json.dumps(publish(sys.argv[1])))
