"""Speech benchmark: word error rate, latency from utterance end to Transcript, CPU per second.

1. Word error rate of the recogniser (default: pocketsphinx with its wheel's en-US model) on
   espeak-ng sentences whose text is known, in several voices, each sentence cut by the speech
   node's own segmentation (``SpeechStream``), with the recogniser's CPU time per second of
   audio.
2. The speech node as a process, fed in real time (0.1 s chunks stamped with the wall clock,
   1.5 s of silence between sentences): latency from the end of the utterance (the Transcript's
   stamp; padding_s after the last word) and from the last spoken sample to the Transcript's
   arrival, and the node process's CPU time per second of audio (listening, VAD and recognition).

Run: .venv/bin/python bench/bench_speech.py [--voices en-us,en-us+f2] [--backend pocketsphinx]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.node_config import default_settings, node_defaults
from emotion_ros.speech.speech_stream import SpeechInputSettings, SpeechStream
from emotion_ros.speech.transcriber import Transcriber
from emotion_ros.speech.utterance_segmenter import SegmenterSettings
from emotion_ros.speech.word_error_rate import word_error_rate
from emotion_ros.timestamps import NS_PER_S, stamp_to_ns

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test"))  # the test fixtures
from synthetic_speech import speak

RATE = 16_000
CHUNK = 1_600  # 0.1 s
SENTENCES = [
    "What a lovely day, I am so glad to see you!",
    "The robot is ready. Please step closer.",
    "I am sorry, that did not go well.",
    "Please bring me a glass of water.",
    "Where is the kitchen?",
    "Thank you very much for your help.",
    "I do not like this at all.",
    "Can you open the door for me?",
    "The meeting starts at ten in the morning.",
    "I am afraid I lost my keys again.",
]
VOICES = "en-us,en-us+f2,en-us+m3,en+klatt,en-gb"


def recognised(transcriber: Transcriber, audio: np.ndarray) -> tuple[str, float]:
    """The text of every utterance the speech node's segmentation finds, and the CPU time."""
    stream = SpeechStream(
        default_settings(SpeechInputSettings, "speech_node"),
        default_settings(SegmenterSettings, "speech_node"),
    )
    padded = np.concatenate([np.zeros(RATE // 2), audio, np.zeros(RATE)]).astype(np.float32)
    texts, cpu = [], 0.0
    for start in range(0, len(padded), CHUNK):
        utterances, _ = stream.add_chunk(
            encode_s16le(padded[start : start + CHUNK]), "S16LE", 1, RATE,
            start * NS_PER_S // RATE,
        )  # fmt: skip
        for utterance in utterances:
            said = transcriber.transcribe(utterance)
            texts.append(said.text)
            cpu += said.cpu_s
    return " ".join(texts), cpu


def word_error_rates(parameters: dict, voices: list[str]) -> None:
    """Print the WER and the recogniser's CPU per second of audio, per voice and overall."""
    transcriber = Transcriber.from_parameters(parameters)
    print(f"recogniser {parameters['backend']}: {len(SENTENCES)} espeak-ng sentences per voice")
    print("voice          WER    CPU s per s of audio   example")
    references, hypotheses, total_cpu, total_audio = [], [], 0.0, 0.0
    for voice in voices:
        heard, cpu, seconds = [], 0.0, 0.0
        for sentence in SENTENCES:
            audio = speak(sentence, 50, 150, 110, voice=voice)
            text, used = recognised(transcriber, audio)
            heard.append(text)
            cpu, seconds = cpu + used, seconds + len(audio) / RATE
        references += SENTENCES
        hypotheses += heard
        total_cpu, total_audio = total_cpu + cpu, total_audio + seconds
        print(f"{voice:13s} {word_error_rate(SENTENCES, heard):5.2f}   {cpu / seconds:8.2f}"
              f"               {heard[3]!r}")  # fmt: skip
    print(f"all voices    {word_error_rate(references, hypotheses):5.2f}   "
          f"{total_cpu / total_audio:8.2f}")  # fmt: skip


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def node_latency(voice: str, parameters: dict) -> None:
    """Play the sentences into a speech node process in real time; print latency and CPU."""
    os.environ.setdefault("ROS_DOMAIN_ID", str(150 + os.getpid() % 50))
    os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
    os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="emotion_ros_bench_"))
    from audio_common_msgs.msg import AudioData, AudioDataStamped

    from emotion_ros.graph.node_process import NodeProcess
    from emotion_ros.graph.topic_collector import TopicCollector
    from emotion_ros.msg import Transcript

    gap = np.zeros(int(1.5 * RATE), np.float32)
    parts, spoken_ends, offset = [gap], [], len(gap)
    for sentence in SENTENCES:
        audio = speak(sentence, 50, 150, 110, voice=voice)
        voiced = np.flatnonzero(np.abs(audio) > 0.01)
        spoken_ends.append(offset + voiced[-1] + 1)
        parts += [audio, gap]
        offset += len(audio) + len(gap)
    stream = np.concatenate(parts)
    overrides = {k: v for k, v in parameters.items() if v != node_defaults("speech_node")[k]}
    with TopicCollector() as io, NodeProcess("speech_node", params=overrides) as node:
        transcripts = io.subscribe(Transcript, "speech/transcript", 50)
        audio_pub = io.publisher(AudioDataStamped, "audio_stamped", 10)
        io.wait_for_subscribers(audio_pub, timeout_s=30)
        time.sleep(2.0)  # the recogniser loads after the subscription exists
        cpu_before, start = process_cpu_s(node.process.pid), time.time_ns()
        for k in range(0, len(stream), CHUNK):
            due = start + k * NS_PER_S // RATE
            time.sleep(max(0.0, (due - time.time_ns()) / NS_PER_S))
            msg = AudioDataStamped(audio=AudioData(data=list(encode_s16le(stream[k : k + CHUNK]))))
            msg.header.stamp.sec, msg.header.stamp.nanosec = divmod(due, NS_PER_S)
            audio_pub.publish(msg)
        transcripts.wait_for(len(SENTENCES), timeout_s=20)
        cpu = process_cpu_s(node.process.pid) - cpu_before
    received = np.array(transcripts.receive_ns, np.int64)
    ends = np.array([stamp_to_ns(t.header.stamp) for t in transcripts.messages], np.int64)
    spoken = start + np.array(spoken_ends) * NS_PER_S // RATE
    after_words = [  # the sentence whose last word is nearest the utterance's end
        (r - spoken[np.argmin(np.abs(spoken - e))]) / NS_PER_S
        for r, e in zip(received, ends, strict=True)
    ]
    after_end = (received - ends) / NS_PER_S
    seconds = len(stream) / RATE
    print(f"speech node ({voice}, real time, worker_niceness {parameters['worker_niceness']}): "
          f"{len(transcripts.messages)} transcripts for {len(SENTENCES)} sentences")  # fmt: skip
    print(f"  utterance end (stamp) -> Transcript received: p50 {np.median(after_end):.2f} s, "
          f"max {after_end.max():.2f} s")  # fmt: skip
    print(f"  last spoken sample -> Transcript received:    p50 {np.median(after_words):.2f} s, "
          f"max {np.max(after_words):.2f} s")  # fmt: skip
    speech_s = sum(len(speak(s, 50, 150, 110, voice=voice)) for s in SENTENCES) / RATE
    print(f"  node CPU: {cpu:.1f} s for {seconds:.0f} s of audio ({cpu / seconds:.2f} s per s of "
          f"audio, {cpu / speech_s:.2f} s per s of speech)")  # fmt: skip


def main() -> None:
    """Word error rates, then the node in real time with the second voice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default=VOICES, help="espeak-ng voices, comma-separated")
    parser.add_argument("--backend", default="", help="speech_node backend (default: its YAML)")
    parser.add_argument("--model-dir", default="", help="the backend's model folder")
    parser.add_argument("--niceness", type=int, help="the node's worker_niceness (default: YAML)")
    parser.add_argument("--skip-wer", action="store_true", help="only the node in real time")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    parameters = dict(node_defaults("speech_node"))
    if args.niceness is not None:
        parameters["worker_niceness"] = args.niceness
    if args.backend:
        parameters.update(backend=args.backend, model_dir=args.model_dir)
    voices = args.voices.split(",")
    if not args.skip_wer:
        word_error_rates(parameters, voices)
    node_latency(voices[min(1, len(voices) - 1)], parameters)


if __name__ == "__main__":
    main()
