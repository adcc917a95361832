"""Start-up and respawn bench (not a test): per node, process start -> ready and SIGKILL -> next
output message, under ``emotion-ros run processing`` with its shipped settings.

Starts ``emotion-ros run processing`` as a user does and feeds it a 640x480 frame with one real
face at ``--fps`` and espeak-ng speech (sentences with pauses) in 0.1 s chunks in real time. Then,
``--tries`` times per node, it SIGKILLs the node and times, from the kill:

- ready: the respawned process's ready line in its log (lifecycle nodes: ``autostart: active``;
  speech_node: ``recogniser ... ready``); audio_node logs none, so its ready is its first window;
- output: the first output message computed from input captured after the kill: EmotionStamped
  for face_node and fusion_node (what the robot is blind without), AudioWindow for audio_node (a
  window needs ``window_s`` of audio first), Transcript for speech_node (an utterance must end);

and "start -> ready" from the respawned process's start (``/proc/<pid>/stat``, 10 ms ticks).
Each kill waits until the node has run ``STABLE_AFTER_S``, so every restart gets the short
respawn delay and not the crash-loop back-off. Prints median and max over the tries.

Run: .venv/bin/python bench/bench_startup.py [--tries 5] [--fps 15]
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.graph.respawn import STABLE_AFTER_S
from emotion_ros.graph.topic_collector import MessageCollector, TopicCollector
from emotion_ros.timestamps import stamp_to_ns
from emotion_ros.vision.image_conversion import bgr_to_fields

from frames import frame_with_faces

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from synthetic_speech import SAMPLE_RATE, speak
from user_commands import start_as_user

CHUNK_S = 0.1
# rcutils' default console format: [INFO] [1732012345.123456789] [face_node]: message
LOG_LINE = re.compile(r"\[(?:INFO|WARN)\] \[(\d+\.\d+)\] \[(\w+)\]: (.*)")
SENTENCES = (
    "Please bring me a glass of water.",
    "What a lovely day, I am so glad to see you!",
    "Could you open the door for me?",
)


@dataclass(frozen=True)
class Watched:
    """A node of the graph, the log line that says it is ready, and the output it is timed by."""

    node: str
    ready_line: str | None  # a regular expression; None: the first output is its ready
    output_topic: str
    output_type: str


WATCHED = (
    Watched("face_node", r"autostart: active", "emotion", "EmotionStamped"),
    Watched("fusion_node", r"autostart: active", "emotion", "EmotionStamped"),
    Watched("audio_node", None, "audio/windows", "AudioWindow"),
    Watched("speech_node", r"recogniser \S+ ready", "speech/transcript", "Transcript"),
)


@dataclass
class Timings:
    """Seconds per try: process start -> ready, SIGKILL -> ready, SIGKILL -> output."""

    start_to_ready: list[float] = field(default_factory=list)
    kill_to_ready: list[float] = field(default_factory=list)
    kill_to_output: list[float] = field(default_factory=list)


def speech_audio() -> np.ndarray:
    """The sentences, each followed by a second of silence, as 16 kHz float32."""
    pause = np.zeros(SAMPLE_RATE, np.float32)
    return np.concatenate([part for s in SENTENCES for part in (speak(s, 50, 150, 110), pause)])


class Feeder:
    """Publishes the camera frames and the audio chunks in real time from a thread."""

    def __init__(self, io: TopicCollector, fps: float) -> None:
        from audio_common_msgs.msg import AudioDataStamped
        from sensor_msgs.msg import Image

        self._io = io
        self._fps = fps
        self._fields = bgr_to_fields(frame_with_faces(1))
        data = encode_s16le(speech_audio())
        size = round(SAMPLE_RATE * CHUNK_S) * 2
        self._chunks = [data[i : i + size] for i in range(0, len(data) - size + 1, size)]
        self._images = io.publisher(Image, "image_raw", 10)
        self._audio = io.publisher(AudioDataStamped, "audio_stamped", 50)
        self._image_type, self._audio_type = Image, AudioDataStamped
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        started = time.monotonic()
        frames = chunks = 0
        while not self._stop.is_set():
            now = time.monotonic() - started
            stamp = self._io.node.get_clock().now().to_msg()
            if now >= frames / self._fps:
                msg = self._image_type(height=480, width=640, encoding="bgr8")
                msg.step, msg.data = self._fields.step, self._fields.data
                msg.header.stamp = stamp
                self._images.publish(msg)
                frames += 1
            if now >= chunks * CHUNK_S:
                chunk = self._audio_type()
                chunk.header.stamp = stamp
                chunk.audio.data = self._chunks[chunks % len(self._chunks)]
                self._audio.publish(chunk)
                chunks += 1
            wake = min(frames / self._fps, chunks * CHUNK_S)
            self._stop.wait(max(0.0, started + wake - time.monotonic()))


def child_pid(parent: int, executable: str) -> int | None:
    """The pid of ``parent``'s child process running the entry point ``executable``, if any."""
    for task in Path(f"/proc/{parent}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except FileNotFoundError:  # exited since
                continue
            if any(Path(part.decode()).name == executable for part in command[:2]):
                return int(pid)
    return None


def process_start_ns(pid: int) -> int:
    """When ``pid`` started, on the time.time_ns() clock (/proc ticks: 10 ms resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    started_s = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # since boot
    return time.time_ns() - round((time.clock_gettime(time.CLOCK_BOOTTIME) - started_s) * 1e9)


def ready_ns(log: Path, node: str, pattern: str, after_ns: int) -> int | None:
    """The time of ``node``'s first log line matching ``pattern`` stamped after ``after_ns``."""
    for line in log.read_text(errors="replace").splitlines():
        match = LOG_LINE.search(line)
        if match and match[2] == node and re.search(pattern, match[3]):
            stamp_ns = round(float(match[1]) * 1e9)
            if stamp_ns > after_ns:
                return stamp_ns
    return None


def wait_for(condition: Callable[[], Any], timeout_s: float, what: str) -> Any:
    """Poll ``condition`` every 10 ms until it returns a truthy value; return it."""
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {timeout_s:g} s")
        time.sleep(0.01)
    return value


def first_output_ns(collector: MessageCollector, killed_ns: int, started_ns: int) -> int | None:
    """Receive time of the first message from input stamped after the kill, received after the
    new process started (an audio window's stamp is its end, which can lie after the kill)."""
    for msg, received in zip(list(collector.messages), list(collector.receive_ns), strict=False):
        if stamp_to_ns(msg.header.stamp) > killed_ns and received > started_ns:
            return received
    return None


def time_one_kill(run: subprocess.Popen, watched: Watched, log: Path, output: Any) -> tuple:
    """SIGKILL the node once; return (start -> ready, kill -> ready, kill -> output) in s."""
    old = wait_for(lambda: child_pid(run.pid, watched.node), 30, f"{watched.node} process")
    killed_ns = time.time_ns()
    try:
        os.kill(old, signal.SIGKILL)
    except ProcessLookupError:  # it ended between the lookup and the kill: take the next one
        return time_one_kill(run, watched, log, output)
    new = wait_for(
        lambda: (pid := child_pid(run.pid, watched.node)) not in (None, old) and pid,
        30,
        f"restarted {watched.node}",
    )
    started_ns = process_start_ns(new)
    output_ns = wait_for(
        lambda: first_output_ns(output, killed_ns, started_ns), 60, watched.output_type
    )
    if watched.ready_line is None:
        ready = output_ns
    else:
        ready = wait_for(
            lambda: ready_ns(log, watched.node, watched.ready_line, killed_ns), 10, "ready line"
        )
    return (ready - started_ns) / 1e9, (ready - killed_ns) / 1e9, (output_ns - killed_ns) / 1e9


def print_table(fps: float, results: dict[str, Timings]) -> None:
    """One line per node: median and max of each measure."""
    discovery = os.environ.get("ROS_AUTOMATIC_DISCOVERY_RANGE", "default (SUBNET)")
    print(
        f"\nemotion-ros run processing, 1 face at {fps:g} fps, {os.cpu_count()} CPUs, "
        f"discovery range {discovery}"
    )
    print(
        f"{'node':12s} {'output':15s} {'start -> ready':>16s} {'SIGKILL -> ready':>18s} "
        f"{'SIGKILL -> output':>19s}   (median / max, s)"
    )
    for node, timings in results.items():
        output = next(w.output_type for w in WATCHED if w.node == node)
        cells = [
            f"{statistics.median(values):.2f} / {max(values):.2f}"
            for values in (timings.start_to_ready, timings.kill_to_ready, timings.kill_to_output)
        ]
        print(f"{node:12s} {output:15s} {cells[0]:>16s} {cells[1]:>18s} {cells[2]:>19s}")
    if "audio_node" in results:
        print("audio_node logs no ready line: its ready is its first window (2 s of audio in)")


def main() -> None:
    """Start the graph, kill each node ``--tries`` times and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--nodes", nargs="*", default=[w.node for w in WATCHED])
    args = parser.parse_args()
    os.environ.setdefault("ROS_DOMAIN_ID", str(150 + os.getpid() % 50))
    # discovery as a user's graph has it (ROS 2's default range is the subnet): how fast a node
    # is found again is what this measures
    os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="emotion_ros_bench_"))
    from emotion_ros import msg as messages

    log_dir = Path(tempfile.mkdtemp(prefix="emotion_ros_startup_"))
    watched = [w for w in WATCHED if w.node in args.nodes]
    results = {w.node: Timings() for w in watched}
    with TopicCollector("bench_startup") as io:
        outputs = {
            w.node: io.subscribe(getattr(messages, w.output_type), w.output_topic, 500)
            for w in watched
        }
        feeder = Feeder(io, args.fps)
        out_path = log_dir / "run.out"
        command = ("emotion-ros", "run", "processing", "--quiet", "--log-dir", str(log_dir))
        run = start_as_user(out_path, *command)
        try:
            wait_for(lambda: "every node is up" in out_path.read_text(), 180, "graph")
            feeder.start()
            for collector in outputs.values():
                wait_for(lambda c=collector: c.messages, 60, "first outputs")
            print(f"graph up; logs in {log_dir}")
            for w in watched:
                for attempt in range(args.tries):
                    time.sleep(STABLE_AFTER_S)  # so this restart gets the short delay
                    timing = time_one_kill(run, w, log_dir / f"{w.node}.log", outputs[w.node])
                    for values, value in zip(vars(results[w.node]).values(), timing, strict=True):
                        values.append(value)
                    cells = ", ".join(f"{v:.2f}" for v in timing)
                    print(f"{w.node} try {attempt + 1}: {cells} s", flush=True)
        finally:
            feeder.stop()
            run.send_signal(signal.SIGINT)
            run.wait(timeout=60)
    print_table(args.fps, results)


if __name__ == "__main__":
    main()
