"""A WAV of four sentences, as a newcomer makes one: every sentence is transcribed, once each.

The WAV is made with espeak-ng and sox the way a user would: four sentences a second apart, the
first word at the file's first sample and nothing after the last one (trimmed), so the last
utterance ends only with the stream.
"""

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.node_config import default_settings, node_defaults
from emotion_ros.speech.speech_stream import SpeechInputSettings, SpeechStream
from emotion_ros.speech.transcriber import Transcriber
from emotion_ros.speech.utterance_segmenter import SegmenterSettings
from emotion_ros.timestamps import NS_PER_S

from user_commands import cut_graph_run

SENTENCES = (
    "Please bring me a glass of water.",
    "What a lovely day, I am so glad to see you!",
    "The robot is standing in the kitchen.",
    "Thank you very much for your help.",
)


@pytest.fixture(scope="module")
def four_sentences(tmp_path_factory) -> Path:
    """espeak-ng speaks each sentence; sox trims them and joins them with a second of silence."""
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("needs espeak-ng and sox (tools/setup_venv.sh installs them)")
    folder = tmp_path_factory.mktemp("speech")
    parts = []
    for k, sentence in enumerate(SENTENCES):
        spoken, trimmed = folder / f"spoken{k}.wav", folder / f"sentence{k}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us+f2", "-w", str(spoken), sentence], check=True)
        # silence off both ends: sox's silence effect at the start, then on the reversed sound
        off_the_start = ["silence", "1", "0.01", "0.5%"]
        subprocess.run(["sox", spoken, trimmed, *off_the_start, "reverse", *off_the_start,
                        "reverse"], check=True)  # fmt: skip
        parts.append(trimmed)
    pause = folder / "pause.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", pause, "trim", "0", "1"],
                   check=True)  # fmt: skip
    wav = folder / "four_sentences.wav"
    joined = [str(p) for part in parts for p in (part, pause)][:-1]
    subprocess.run(["sox", *joined, str(wav)], check=True)
    return wav


def words_in_common(heard: str, said: str) -> set[str]:
    def words(text: str) -> set[str]:
        return set(re.findall(r"[a-z]+", text.lower()))

    return words(heard) & words(said)


def test_the_stream_ends_the_last_utterance_and_the_first_is_read_from_its_first_word(
    four_sentences,
):
    audio, rate = soundfile.read(four_sentences, dtype="float32")
    assert np.abs(audio[:220]).max() > 0.005, "the first word starts the file"
    stream = SpeechStream(
        default_settings(SpeechInputSettings, "speech_node"),
        default_settings(SegmenterSettings, "speech_node"),
    )
    step = rate // 10
    found = []
    for start in range(0, len(audio), step):
        chunk = encode_s16le(audio[start : start + step])
        found += stream.add_chunk(chunk, "S16LE", 1, rate, start * NS_PER_S // rate)[0]
    assert len(found) == 3, "the last sentence is still going on: no pause followed it"
    found += stream.flush()
    assert len(found) == 4 and not stream.segmenter.in_utterance
    assert found[-1].end_ns <= len(audio) * NS_PER_S // rate
    assert stream.flush() == [], "flushed once"
    transcriber = Transcriber.from_parameters(node_defaults("speech_node"))
    heard = [transcriber.transcribe(utterance).text for utterance in found]
    for text, sentence in zip(heard, SENTENCES, strict=True):
        assert len(words_in_common(text, sentence)) >= 2, heard


@pytest.mark.process
@pytest.mark.whole_graph  # recognition in real time: not beside the end-to-end graph tests
def test_run_prints_each_sentence_of_a_file_once(four_sentences):
    command = cut_graph_run(
        ("audio_file_source", "speech_node"), "default_input", "--duration", "60",
        "--set", f"audio_file_source.file={four_sentences}",
        "--set", "audio_file_source.loop=false",
        "--set", "audio_file_source.wait_for_subscribers=1",  # the speech node only
    )  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed = []
    for line in run.stdout:  # until the fourth sentence (then a second for a repeat of it)
        printed.append(line.rstrip())
        if sum("  said " in p for p in printed) == 4:
            time.sleep(1.0)
            break
    run.send_signal(signal.SIGINT)
    rest, _ = run.communicate(timeout=60)
    lines = printed + rest.splitlines()
    said = [line.split("  said ", 1)[1] for line in lines if "  said " in line]
    assert run.returncode == 0, "\n".join(lines)
    assert not any("heard" in line for line in lines), "printed twice"
    assert len(said) == 4, "\n".join(lines)
    # in order, each printed once; the recogniser's words vary with where a busy machine's
    # chunks cut the audio (the stream test above checks the recognition itself)
    common = [
        len(words_in_common(text.split(" (valence")[0], sentence))
        for text, sentence in zip(said, SENTENCES, strict=True)
    ]
    assert min(common) >= 1 and sum(common) >= 8, said
