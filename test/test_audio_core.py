"""Decoding, resampling, the ring buffer, windows and features, without ROS."""

import numpy as np
import pytest

from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings
from emotion_ros.audio.features import (
    DEFAULT_LOG_MEL,
    LogMelConfig,
    _filterbank,
    frames_for,
    log_mel,
    mfcc,
)
from emotion_ros.audio.resample import StreamResampler
from emotion_ros.audio.sample_format import SampleFormatError, decode_to_mono, encode_s16le
from emotion_ros.models.backends import OnnxBackend
from emotion_ros.models.model_card import load_card
from emotion_ros.node_config import default_settings
from emotion_ros.package_paths import share_path
from emotion_ros.timestamps import NS_PER_S
from emotion_ros.validation.invalid_input import InvalidInput

from synthetic_speech import speak


def stream_with(**changes) -> AudioStream:
    """An audio stream with config/audio_node.yaml's settings and ``changes``."""
    return AudioStream(default_settings(AudioStreamSettings, "audio_node", **changes))


def tone(freq: float, rate: int, seconds: float) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate)).astype(
        np.float32
    )


def peak_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


@pytest.mark.parametrize(
    ("fmt", "encode"),
    [
        ("S16LE", lambda x: (x * 32768).astype("<i2").tobytes()),
        ("S32LE", lambda x: (x * 2147483648).astype("<i4").tobytes()),
        ("F32LE", lambda x: x.astype("<f4").tobytes()),
        ("U8", lambda x: (x * 128 + 128).astype("u1").tobytes()),
        ("S8", lambda x: (x * 128).astype("i1").tobytes()),
        (
            "S24LE",
            lambda x: b"".join(
                int(v).to_bytes(3, "little", signed=True) for v in (x * 8388608).astype(int)
            ),
        ),
    ],
)
def test_every_format_decodes_and_downmixes(fmt, encode):
    left = np.array([0.5, -0.25, 0.0, 0.75], dtype=np.float32)
    right = np.array([-0.5, 0.25, 0.5, 0.25], dtype=np.float32)
    interleaved = np.stack([left, right], axis=1).ravel()
    mono = decode_to_mono(encode(interleaved), fmt, channels=2)
    tolerance = 1 / 64 if fmt in ("U8", "S8") else 1e-4
    np.testing.assert_allclose(mono, (left + right) / 2, atol=tolerance)


def test_bad_chunks_are_refused_with_a_reason():
    with pytest.raises(SampleFormatError, match="unsupported sample format 'MP3'"):
        decode_to_mono(b"\0\0", "MP3", 1)
    with pytest.raises(SampleFormatError, match="not a whole number"):
        decode_to_mono(b"\0\0\0", "S16LE", 1)
    with pytest.raises(SampleFormatError, match="channels"):
        decode_to_mono(b"\0\0", "S16LE", 0)


def test_s16le_round_trip():
    x = np.linspace(-1, 0.99, 50, dtype=np.float32)
    np.testing.assert_allclose(decode_to_mono(encode_s16le(x), "S16LE", 1), x, atol=1 / 32768)


@pytest.mark.parametrize("rate", [44_100, 48_000, 8_000])
def test_a_tone_keeps_its_frequency_through_streaming_resampling(rate):
    resampler = StreamResampler(rate)
    signal = tone(1000.0 if rate > 8000 else 700.0, rate, 2.0)
    chunks = np.array_split(signal, 37)  # odd chunk sizes
    out = np.concatenate([resampler.process(c) for c in chunks])
    assert abs(len(out) - 32_000) < 0.02 * 32_000
    assert peak_frequency(out[2000:-2000], 16_000) == pytest.approx(
        1000.0 if rate > 8000 else 700.0, abs=5.0
    )


def feed(
    stream: AudioStream, seconds: float, start_ns: int, rate: int = 16_000, chunk_s: float = 0.1
):
    """Feed a tone in chunks stamped with their first sample's time; return all windows."""
    windows = []
    signal = encode_s16le(tone(440, rate, seconds))
    chunk_bytes = int(rate * chunk_s) * 2
    for i in range(0, len(signal), chunk_bytes):
        stamp = start_ns + (i // 2) * NS_PER_S // rate
        w, _ = stream.add_chunk(signal[i : i + chunk_bytes], "S16LE", 1, rate, stamp)
        windows += w
    return windows


def test_windows_come_every_hop_and_match_the_stamps_to_a_sample():
    stream = stream_with(window_s=2.0, hop_s=0.5)
    start = 1_000 * NS_PER_S
    windows = feed(stream, 4.0, start)
    assert [w.end_ns - start for w in windows] == [
        2 * NS_PER_S,
        int(2.5 * NS_PER_S),
        3 * NS_PER_S,
        int(3.5 * NS_PER_S),
        4 * NS_PER_S,
    ]
    sample_period = NS_PER_S // 16_000
    for w in windows:
        assert len(w.samples) == 32_000
        assert abs((w.end_ns - w.start_ns) - 2 * NS_PER_S) <= sample_period
        assert w.gap_seconds == 0.0


def test_window_samples_are_the_audio_captured_at_those_times():
    stream = stream_with(window_s=1.0, hop_s=1.0)
    rate = 16_000
    signal = np.zeros(rate * 3, np.float32)
    signal[int(1.5 * rate)] = 0.9  # a click at 1.5 s
    start = 7 * NS_PER_S
    windows = []
    for i in range(0, len(signal), 1600):
        windows += stream.add_chunk(
            encode_s16le(signal[i : i + 1600]), "S16LE", 1, rate, start + i * NS_PER_S // rate
        )[0]
    second = windows[1]  # covers [1 s, 2 s)
    click = int(np.argmax(np.abs(second.samples)))
    assert second.start_ns + click * NS_PER_S // rate == pytest.approx(
        start + 1.5 * NS_PER_S, abs=NS_PER_S // rate
    )


def test_a_gap_in_stamps_is_zero_filled_and_flagged():
    stream = stream_with(window_s=2.0, hop_s=0.5)
    start = 50 * NS_PER_S
    first = feed(stream, 1.0, start)
    later = feed(stream, 2.0, start + int(1.5 * NS_PER_S))  # 0.5 s of nothing
    assert first == []
    assert later[0].end_ns - start == 2 * NS_PER_S
    assert later[0].gap_seconds == pytest.approx(0.5, abs=1e-3)
    flagged = [w for w in later if w.gap_seconds > 0]
    assert len(flagged) == len(later) - 1  # the window that ends after the gap has passed is clean
    assert stream.gaps == 1


def test_stamps_going_backwards_and_a_new_rate_reset_the_buffer():
    stream = stream_with(window_s=1.0, hop_s=0.5)
    feed(stream, 1.5, 10 * NS_PER_S)
    _, events = stream.add_chunk(encode_s16le(np.zeros(1600)), "S16LE", 1, 16_000, 5 * NS_PER_S)
    assert [e.kind for e in events] == ["reset"] and "back" in events[0].detail
    _, events = stream.add_chunk(encode_s16le(np.zeros(4800)), "S16LE", 1, 48_000, 6 * NS_PER_S)
    assert [e.kind for e in events] == ["reset"] and "48000" in events[0].detail
    windows = feed(stream, 1.0, 7 * NS_PER_S, rate=48_000)
    assert windows and windows[0].start_ns == 6 * NS_PER_S


@pytest.mark.parametrize(
    ("data", "fmt", "channels", "rate", "kind"),
    [
        (b"", "S16LE", 1, 16_000, "empty_chunk"),
        (b"\x01", "S16LE", 1, 16_000, "chunk_length"),
        (b"\x01\x02\x03", "S16LE", 1, 16_000, "chunk_length"),
        (bytes(10_000_000), "S16LE", 1, 16_000, "chunk_too_long"),  # 312 s in one chunk
        (bytes(320), "S16LE", 0, 16_000, "audio_info"),
        (bytes(320), "S16LE", 65, 16_000, "audio_info"),
        (bytes(320), "S16LE", 1, 0, "audio_info"),
        (bytes(320), "S16LE", 1, 1_000_000_000, "audio_info"),
        (bytes(320), "MP3", 1, 16_000, "audio_info"),
    ],
)
def test_bad_chunks_are_refused_by_kind_and_the_stream_goes_on(data, fmt, channels, rate, kind):
    stream = stream_with(window_s=1.0, hop_s=0.5)
    feed(stream, 0.5, 10 * NS_PER_S)
    with pytest.raises(InvalidInput) as refused:
        stream.add_chunk(data, fmt, channels, rate, int(10.5 * NS_PER_S))
    assert refused.value.kind == kind
    windows = feed(stream, 1.0, int(10.5 * NS_PER_S))  # the timeline did not move
    assert [w.end_ns for w in windows] == [11 * NS_PER_S, int(11.5 * NS_PER_S)]


def test_a_jump_ahead_longer_than_the_buffer_starts_a_new_segment_instead_of_zeros():
    stream = stream_with(window_s=1.0, hop_s=0.5, buffer_s=10.0)
    feed(stream, 1.0, 10 * NS_PER_S)
    _, events = stream.add_chunk(encode_s16le(np.zeros(1600)), "S16LE", 1, 16_000, 3600 * NS_PER_S)
    assert [e.kind for e in events] == ["reset"] and "ahead by 3589.0 s" in events[0].detail
    assert stream.gaps == 0


def test_log_mel_shape_and_a_tone_lands_in_the_right_band():
    assert frames_for() == 201
    low = log_mel(tone(300, 16_000, 2.0))
    high = log_mel(tone(3000, 16_000, 2.0))
    assert low.shape == high.shape == (201, DEFAULT_LOG_MEL.n_mels)
    assert low.mean(0).argmax() < high.mean(0).argmax()
    batch = log_mel(np.stack([tone(300, 16_000, 2.0), tone(3000, 16_000, 2.0)]))
    np.testing.assert_allclose(batch[1], high, atol=1e-4)
    assert mfcc(tone(300, 16_000, 2.0)).shape == (201, 20)


def torch_log_mel(samples: np.ndarray, config: LogMelConfig = DEFAULT_LOG_MEL) -> np.ndarray:
    """The torch features the numpy ones replaced (torch.stft, float32), with the same filterbank:
    the shipped audio model was trained on these."""
    import torch

    spectrum = torch.stft(
        torch.from_numpy(np.atleast_2d(samples).astype(np.float32)),
        config.n_fft,
        config.hop_length,
        window=torch.hann_window(config.n_fft),
        center=True,
        return_complex=True,
    )
    power = spectrum.abs().pow(2).transpose(1, 2)
    return torch.log(power @ torch.from_numpy(_filterbank(config)) + config.log_floor).numpy()


@pytest.fixture(scope="module")
def speech_windows() -> np.ndarray:
    """Speech made with espeak-ng (a WAV read back), in 2 s windows that start in silence, run
    through speech, and end in its tail."""
    speech = speak("Please bring me a glass of water, and then a cup of tea.", 50, 150, 110)
    audio = np.concatenate([np.zeros(8_000, np.float32), speech])
    size = round(DEFAULT_LOG_MEL.window_seconds * DEFAULT_LOG_MEL.sample_rate)
    windows = np.stack(
        [audio[start : start + size] for start in range(0, len(audio) - size, 7_000)]
    )
    assert len(windows) >= 4 and np.abs(windows).max() > 0.1
    return windows


def test_numpy_log_mel_matches_torch_stft_on_real_speech(speech_windows):
    """The numpy log-mel is torch's to 1e-4 wherever there is sound (measured 1e-5), one window
    or a batch. In near-silence (band power under 1e-4, down to the 1e-6 log floor) the float32
    rounding of both spectra is a larger part of the power: there 1e-3 (measured 1.1-1.3e-4,
    varying with the BLAS thread count). (MFCCs are this times the DCT matrix.)"""
    reference = torch_log_mel(speech_windows)
    batch = log_mel(speech_windows)
    shape = (len(speech_windows), frames_for(), DEFAULT_LOG_MEL.n_mels)
    assert batch.shape == reference.shape == shape
    sound = reference > np.log(1e-4)
    assert sound.mean() > 0.3, "the windows hold speech"
    assert np.abs(batch - reference)[sound].max() < 1e-4
    assert np.abs(batch - reference).max() < 1e-3
    single = np.abs(log_mel(speech_windows[1]) - reference[1])
    assert single[sound[1]].max() < 1e-4 and single.max() < 1e-3
    assert reference.min() < np.log(1e-5) < 0 < reference.max(), "silence and loud speech both"


def test_the_shipped_audio_model_gives_the_same_logits_on_numpy_features(speech_windows):
    """models/audio.onnx was trained and evaluated (models/evaluation/) on the torch features; on
    the numpy ones its logits move by less than 1e-5 (measured 2e-6), so no class changes."""
    directory = share_path("models")
    card = load_card(directory / "audio.yaml")
    model = OnnxBackend(card, directory)
    prior = np.asarray(card.features["voice_reference_prior"], np.float32)
    reference = np.repeat(prior[None], len(speech_windows), axis=0)
    before = model.run({"log_mel": torch_log_mel(speech_windows), "reference": reference})
    after = model.run({"log_mel": log_mel(speech_windows), "reference": reference})
    assert np.abs(after - before).max() < 1e-5
    assert (after.argmax(axis=1) == before.argmax(axis=1)).all()
