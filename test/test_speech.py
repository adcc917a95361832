"""The words: utterance cutting, recognisers, text scores and the transcript modality (no ROS)."""

import dataclasses

import numpy as np
import pytest

from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.audio.voice_activity import FRAME
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.node_config import default_settings
from emotion_ros.speech.recognizers import RecognizerError, make_recognizer
from emotion_ros.speech.speech_stream import SpeechInputSettings, SpeechStream
from emotion_ros.speech.text_scoring import TextScorer
from emotion_ros.speech.transcriber import Transcriber
from emotion_ros.speech.utterance_segmenter import SegmenterSettings, UtteranceSegmenter
from emotion_ros.speech.word_error_rate import word_error_rate, word_errors
from emotion_ros.timestamps import NS_PER_S

from synthetic_speech import speak

RATE = 16_000
FRAME_S = FRAME / RATE
SETTINGS = default_settings(SegmenterSettings, "speech_node")
T0 = 1_700_000_000 * NS_PER_S  # a wall-clock stamp, as a microphone gives


def frames_of(pattern: str, settings: SegmenterSettings = SETTINGS):
    """Feed a segmenter one frame per character (S speech, . silence), each frame's samples
    holding its own index so the test can see which frames an utterance kept."""
    segmenter = UtteranceSegmenter(settings)
    samples = np.repeat(np.arange(len(pattern), dtype=np.float32), FRAME)
    probabilities = np.array([0.9 if c == "S" else 0.1 for c in pattern], np.float32)
    return segmenter, segmenter.add(samples, T0, probabilities)


def kept_frames(utterance) -> list[int]:
    return [int(v) for v in utterance.samples[::FRAME]]


def test_an_utterance_is_the_speech_between_pauses_with_padding_on_both_sides():
    pad = round(SETTINGS.padding_s / FRAME_S)
    silence = round(SETTINGS.min_silence_s / FRAME_S)
    pattern = "." * 20 + "S" * 30 + "." * 5 + "S" * 20 + "." * (silence + 10)
    _, [utterance] = frames_of(pattern)  # the short breath does not split it
    first, last = 20 - pad, 20 + 30 + 5 + 20 - 1 + pad
    assert kept_frames(utterance) == list(range(first, last + 1))
    assert utterance.start_ns == T0 + first * FRAME * NS_PER_S // RATE
    assert utterance.end_ns == T0 + (last + 1) * FRAME * NS_PER_S // RATE


def test_bursts_are_dropped_long_speech_is_cut_and_a_reset_forgets():
    segmenter, found = frames_of("...SSS" + "." * 40)  # 96 ms: a cough
    assert found == [] and segmenter.dropped_short == 1
    short = dataclasses.replace(SETTINGS, max_utterance_s=1.0)
    _, found = frames_of("S" * 80 + "." * 40, short)  # 2.56 s of speech without a pause
    assert len(found) == 3 and all(abs(u.seconds - 1.0) <= FRAME_S for u in found[:2])
    segmenter, found = frames_of("." * 5 + "S" * 20)  # still talking
    assert found == [] and segmenter.in_utterance
    segmenter.reset()
    assert not segmenter.in_utterance


def test_bad_segmenter_settings_are_refused():
    with pytest.raises(ValueError, match="max_utterance_s"):
        UtteranceSegmenter(dataclasses.replace(SETTINGS, max_utterance_s=0.1))


@pytest.fixture(scope="module")
def sentences():
    """Two espeak sentences with a second of silence between, 0.5 s before and after."""
    first = speak("Please bring me a glass of water.", 50, 150, 110, voice="en-us+f2")
    second = speak("What a lovely day, I am so glad to see you!", 50, 150, 110, voice="en-us+f2")
    gap = np.zeros(RATE // 2, np.float32)
    return gap, first, second


def stream_chunks(stream, audio: np.ndarray, rate: int, channels: int, chunk_s: float = 0.1):
    """Feed ``audio`` (interleaved) as S16LE chunks stamped from T0; return the utterances."""
    step = round(chunk_s * rate) * channels
    found = []
    for start in range(0, len(audio), step):
        stamp = T0 + (start // channels) * NS_PER_S // rate
        utterances, _ = stream.add_chunk(
            encode_s16le(audio[start : start + step]), "S16LE", channels, rate, stamp
        )
        found += utterances
    return found


def test_speech_stream_finds_each_sentence_in_a_foreign_format_at_its_time(sentences):
    import soxr

    gap, first, second = sentences
    audio = np.concatenate([gap, first, gap, gap, second, gap, gap])
    stereo = np.repeat(soxr.resample(audio, RATE, 44_100)[:, None], 2, axis=1).ravel()
    inputs = default_settings(SpeechInputSettings, "speech_node")
    found = stream_chunks(SpeechStream(inputs, SETTINGS), stereo, 44_100, 2, chunk_s=0.05)
    assert len(found) == 2
    starts = [len(gap), len(gap) * 3 + len(first)]
    for utterance, start, sentence in zip(found, starts, (first, second), strict=True):
        said = np.flatnonzero(np.abs(sentence) > 0.01)  # espeak pads each sentence with silence
        said_start = T0 + (start + said[0]) * NS_PER_S // RATE
        said_end = T0 + (start + said[-1]) * NS_PER_S // RATE
        assert said_start - 0.35 * NS_PER_S <= utterance.start_ns <= said_start
        assert said_end <= utterance.end_ns <= said_end + 0.45 * NS_PER_S


def test_pocketsphinx_transcribes_espeak_and_the_words_are_scored(sentences):
    _, first, second = sentences
    transcriber = Transcriber.from_parameters(
        {"backend": "pocketsphinx", "model_dir": "", "language": "", "emotion_lexicon": "nrc"}
    )
    inputs = default_settings(SpeechInputSettings, "speech_node")
    audio = np.concatenate([first, np.zeros(RATE, np.float32), second, np.zeros(RATE)])
    utterances = stream_chunks(SpeechStream(inputs, SETTINGS), audio, RATE, 1)
    said = [transcriber.transcribe(u) for u in utterances]
    references = [
        "Please bring me a glass of water.",
        "What a lovely day, I am so glad to see you!",
    ]
    assert word_error_rate(references, [s.text for s in said]) < 0.5, [s.text for s in said]
    for transcript in said:
        assert transcript.backend == "pocketsphinx" and 0.0 < transcript.confidence <= 1.0
        assert transcript.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
        assert transcript.cpu_s > 0
    assert said[1].valence > 0.3  # lovely, glad
    assert CLASS_NAMES[int(np.argmax(said[1].probabilities))] == "Happy"


def test_pocketsphinx_takes_a_model_folder_laid_out_like_its_own(tmp_path, sentences):
    from pathlib import Path

    import pocketsphinx

    wheel_model = Path(pocketsphinx.__file__).parent / "model" / "en-us"
    recognizer = make_recognizer("pocketsphinx", str(wheel_model))
    assert recognizer.transcribe(sentences[1]).text
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecognizerError, match="needs an acoustic model folder"):
        make_recognizer("pocketsphinx", str(tmp_path / "empty"))
    with pytest.raises(RecognizerError, match="is not a folder"):
        make_recognizer("pocketsphinx", str(tmp_path / "missing"))


@pytest.mark.parametrize(("backend", "package"), [("faster-whisper", "faster_whisper"),
                                                  ("vosk", "vosk")])  # fmt: skip
def test_optional_backends_say_what_they_need(tmp_path, backend, package):
    import importlib.util

    if importlib.util.find_spec(package) is None:  # as here: they are optional
        with pytest.raises(RecognizerError, match=f"needs the {backend} package"):
            make_recognizer(backend, str(tmp_path))
    else:
        with pytest.raises(RecognizerError, match="needs model_dir"):
            make_recognizer(backend, "")
        with pytest.raises(RecognizerError, match="cannot load"):
            make_recognizer(backend, str(tmp_path))  # an empty folder
    with pytest.raises(RecognizerError, match="unknown speech backend 'whisper'"):
        make_recognizer("whisper")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I am so happy to see you, what a wonderful day!", "Happy"),
        ("This makes me so angry, I hate it.", "Angry"),
        ("I feel so lonely and miserable, I want to cry.", "Sad"),  # "sad" is not in it
        ("I am afraid something terrible will happen.", "Worried"),
        ("The package is on the second shelf.", "Neutral"),
        ("", "Neutral"),
    ],
)
def test_text_scores_follow_the_words(text, label):
    scores = TextScorer("nrc").score(text)
    assert CLASS_NAMES[int(np.argmax(scores.probabilities))] == label
    assert scores.probabilities.sum() == pytest.approx(1.0, abs=1e-6)
    assert scores.probabilities.max() < 0.6, "soft: the fusion model never saw transcripts"


def test_valence_sees_negation_and_the_default_leaves_the_research_lexicon_out():
    scorer = TextScorer("nrc")
    assert scorer.score("I am happy").valence > 0.3
    assert scorer.score("I am not happy").valence < 0
    assert scorer.score("I am not happy").emotion_words == ()
    plain = TextScorer("vader").score("This makes me so angry, I hate it.")
    assert plain.emotion_words == () and plain.valence < -0.3
    default = TextScorer().score("This makes me so angry, I hate it.")
    assert default.emotion_words == (), "the default must not use the research-only NRC lexicon"
    negative = [CLASS_NAMES.index(n) for n in ("Angry", "Sad", "Worried")]
    assert np.ptp(plain.probabilities[negative]) < 1e-6, "valence alone cannot tell them apart"
    with pytest.raises(ValueError, match="emotion_lexicon"):
        TextScorer("liwc")


def test_word_error_rate_counts_substitutions_deletions_and_insertions():
    assert word_errors("Please step closer.", "please step closer") == (0, 3)
    assert word_errors("the robot is ready", "the robot is randy") == (1, 4)
    assert word_errors("the robot is ready", "robot is ready now") == (2, 4)
    assert word_error_rate(["a b", "c d e f"], ["a b", ""]) == pytest.approx(4 / 6)
