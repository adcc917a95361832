"""Audio path benchmark: per-window cost of decode + resample + log-mel (median), 48 kHz input.

Run: .venv/bin/python bench/bench_audio.py
"""

import time

import numpy as np

from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings
from emotion_ros.audio.features import log_mel
from emotion_ros.audio.sample_format import encode_s16le
from emotion_ros.node_config import default_settings
from emotion_ros.timestamps import NS_PER_S


def main() -> None:
    """Feed 60 s of 48 kHz S16LE audio in 0.1 s chunks and time every 2 s window's work."""
    rate, chunk = 48_000, 4_800
    signal = encode_s16le(0.3 * np.sin(np.arange(rate * 60) * 2 * np.pi * 440 / rate))
    stream = AudioStream(default_settings(AudioStreamSettings, "audio_node"))
    chunk_costs, feature_costs = [], []
    for i in range(0, len(signal), chunk * 2):
        started = time.perf_counter()
        windows, _ = stream.add_chunk(
            signal[i : i + chunk * 2], "S16LE", 1, rate, i // 2 * NS_PER_S // rate
        )
        chunk_costs.append(time.perf_counter() - started)
        for window in windows:
            started = time.perf_counter()
            log_mel(window.samples)
            feature_costs.append(time.perf_counter() - started)
    chunk_ms, feature_ms = np.median(chunk_costs) * 1e3, np.median(feature_costs) * 1e3
    window_ms = chunk_ms * 5 + feature_ms  # 5 chunks of 0.1 s per 0.5 s hop
    print(f"decode + resample + buffer, per 0.1 s chunk: median {chunk_ms:.3f} ms")
    print(f"log-mel per 2 s window:                      median {feature_ms:.3f} ms")
    print(f"per window (a hop of chunks + features):     {window_ms:.3f} ms")


if __name__ == "__main__":
    main()
