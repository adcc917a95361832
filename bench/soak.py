"""Soak run (not a test): a group at 30 fps and live audio through the graph for N minutes.

Starts the ``processing`` graph (face, audio and fusion nodes, separate processes, CPU) with its
shipped settings, publishes a 1280x720 frame with four faces (``--faces``) at 30 fps (moved by a
pixel each frame, so MediaPipe tracks) and 0.1 s audio chunks in real time, and every
``--interval`` seconds prints each node's resident memory (RSS, from /proc) and the frames
answered (an ``emotion/array`` with the frame's stamp). At the end: each node's RSS growth after
the first minute (start-up, model loading and the allocator's first arenas are over by then), its
CPU share, the share of frames answered (with every face), each face's meshes per second and the
frame-to-emotion latency.

Run: .venv/bin/python bench/soak.py [--minutes 10] [--fps 30] [--size 1280x720] [--faces 4]
[--interval 10]
"""

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.graph.graph_runner import GraphRunner
from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.graph.topic_collector import TopicCollector
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

from frames import frame_with_faces

WARM_UP_S = 60.0


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def group_frame(faces: int, width: int, height: int) -> np.ndarray:
    """The 640x480 frame of ``faces`` faces, scaled to the height and centred in a grey frame."""
    frame = np.full((height, width, 3), 110, np.uint8)
    inner = cv2.resize(frame_with_faces(faces), (height * 4 // 3, height))
    left = (width - inner.shape[1]) // 2
    frame[:, left : left + inner.shape[1]] = inner
    return frame


def speech_chunks(chunk_s: float = 0.1) -> list[bytes]:
    """One second of a voiced-like signal (a 150 Hz buzz with harmonics), in S16LE chunks."""
    rate = 16_000
    t = np.arange(rate) / rate
    buzz = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 8)) * 0.1
    data = encode_s16le(buzz * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)))
    size = int(rate * chunk_s) * 2
    return [data[i : i + size] for i in range(0, len(data), size)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Answers:
    """Per answered frame its number of faces, the latencies, and per face the stamps of its
    measured meshes (ints and floats, so a long run does not pile up messages)."""

    def __init__(self) -> None:
        self.faces: dict[int, int] = {}
        self.latencies_ms: list[float] = []
        self.meshes: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def add(self, msg: object) -> None:
        with self._lock:
            self.faces[stamp_to_ns(msg.header.stamp)] = len(msg.emotions)
            self.latencies_ms += [stamp_to_ns(e.latency) / 1e6 for e in msg.emotions]

    def add_landmarks(self, msg: object) -> None:
        with self._lock:
            stamp = stamp_to_ns(msg.header.stamp)
            for face in msg.faces:
                if stamp_to_ns(face.mesh_stamp) in (0, stamp):
                    self.meshes.setdefault(face.face_id, []).append(stamp)

    def count(self, sent: list[int], faces: int = 0) -> int:
        """Frames of ``sent`` answered (with at least ``faces`` faces)."""
        with self._lock:
            return sum(self.faces.get(stamp, -1) >= faces for stamp in sent)

    def refresh_hz(self, since_ns: int, until_ns: int) -> dict[str, float]:
        """Measured meshes per second of each face seen over most of that span."""
        with self._lock:
            span_s = (until_ns - since_ns) / NS_PER_S
            counts = {k: sum(since_ns <= s <= until_ns for s in v) for k, v in self.meshes.items()}
        return {k: n / span_s for k, n in counts.items() if n / span_s >= 1.0}


def main() -> None:
    """Run the soak and print a line per interval, then the growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--faces", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("ROS_DOMAIN_ID", str(150 + os.getpid() % 50))
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="emotion_ros_soak_"))
    from audio_common_msgs.msg import AudioDataStamped
    from sensor_msgs.msg import Image

    from emotion_ros.msg import EmotionStampedArray, FaceLandmarksArray

    width, height = (int(v) for v in args.size.split("x"))
    frame = group_frame(args.faces, width, height)
    chunks = speech_chunks()
    answers = Answers()
    log_dir = Path(tempfile.mkdtemp(prefix="emotion_ros_soak_logs_"))
    with GraphRunner(load_graph("processing"), log_dir=log_dir) as runner, TopicCollector() as io:
        io.node.create_subscription(EmotionStampedArray, "emotion/array", answers.add, 100)
        io.node.create_subscription(
            FaceLandmarksArray, "faces/landmarks", answers.add_landmarks, 100
        )
        images = io.publisher(Image, "image_raw", 10)
        audio = io.publisher(AudioDataStamped, "audio_stamped", 50)
        io.wait_for_subscribers(images)
        io.wait_for_subscribers(audio)
        nodes = {p.node_name: p for p in runner.processes}
        print(
            f"soak: {args.size}, {args.faces} faces, {args.fps:g} fps, {args.minutes:g} min; "
            f"logs in {log_dir}"
        )
        print("   t s  " + "  ".join(f"{name:>13s}" for name in nodes) + "  sent  answered")
        rss: dict[str, list[tuple[float, float]]] = {name: [] for name in nodes}
        sent: list[int] = []
        cpu_start = {name: cpu_seconds(p.process.pid) for name, p in nodes.items()}
        started = time.monotonic()
        next_report = 0.0
        audio_every = round(args.fps / 10)  # a 0.1 s chunk every third frame at 30 fps
        while (elapsed := time.monotonic() - started) < args.minutes * 60:
            if elapsed >= next_report:
                for name, process in nodes.items():
                    rss[name].append((elapsed, rss_mb(process.process.pid)))
                cells = "  ".join(f"{rss[name][-1][1]:10.1f} MB" for name in nodes)
                print(
                    f"{elapsed:6.0f}  {cells}  {len(sent):4d}  {answers.count(sent):8d}", flush=True
                )
                next_report += args.interval
            stamp = io.node.get_clock().now()
            msg = Image(height=height, width=width, encoding="bgr8", step=width * 3)
            msg.data = np.roll(frame, len(sent) % 3, axis=1).tobytes()
            msg.header.stamp = stamp.to_msg()
            images.publish(msg)
            sent.append(stamp.nanoseconds)
            if len(sent) % audio_every == 0:
                chunk = AudioDataStamped()
                chunk.header.stamp = stamp.to_msg()
                chunk.audio.data = chunks[(len(sent) // audio_every) % len(chunks)]
                audio.publish(chunk)
            time.sleep(max(0.0, started + len(sent) / args.fps - time.monotonic()))
        time.sleep(2.0)
        runner.check_running()
        wall = time.monotonic() - started
        cpu = {
            name: (cpu_seconds(p.process.pid) - cpu_start[name]) / wall for name, p in nodes.items()
        }
    print("CPU share (cores) over the run: " + ", ".join(f"{n} {c:.2f}" for n, c in cpu.items()))
    print_summary(rss, sent, answers, args.faces)


def print_summary(rss: dict, sent: list[int], answers: Answers, faces: int) -> None:
    """RSS growth after the first minute, the frames answered (all, and after a minute; with
    all the faces), each face's meshes per second and the latency percentiles."""
    print("RSS growth after the first minute:")
    for name, samples in rss.items():
        after = [mb for t, mb in samples if t >= WARM_UP_S]
        if len(after) >= 2:
            growth = after[-1] / after[0] - 1
            print(f"  {name:12s} {after[0]:8.1f} -> {after[-1]:8.1f} MB  ({growth:+.1%})")
    later = [s for s in sent if s - sent[0] >= WARM_UP_S * NS_PER_S]
    for what, frames in (("answered", sent), ("after the first minute", later)):
        share = answers.count(frames) / max(len(frames), 1)
        print(f"{what}: {answers.count(frames)} of {len(frames)} frames ({share:.1%})")
    settled = [s for s in sent if s - sent[0] >= 5 * NS_PER_S]  # after start-up and a scan
    share = answers.count(settled, faces=faces) / max(len(settled), 1)
    print(f"after 5 s, answered with all {faces} faces: {share:.1%} of {len(settled)} frames")
    if settled:
        rates = answers.refresh_hz(settled[0], settled[-1])
        print(
            "meshes per second per face: " + ", ".join(f"{r:.1f}" for r in sorted(rates.values()))
        )
    if answers.latencies_ms:
        p50, p99 = np.percentile(answers.latencies_ms, [50, 99])
        print(f"frame -> emotion latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
