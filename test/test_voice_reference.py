"""The voice reference: how the voices on a stream usually sound, which the audio model reads
each window against (issue 26). Plain numpy, no models."""

import numpy as np

from emotion_ros.audio.voice_reference import (
    MIN_SPREAD,
    VoiceMoments,
    VoiceReference,
    louder_half,
    speech_frames,
)


def _window(rng: np.random.Generator, level: float) -> np.ndarray:
    """A window's log-mel: half of it a voice around ``level``, half pauses far below."""
    voice = rng.normal(level, 1.0, (101, 64))
    pauses = rng.normal(level - 8.0, 0.5, (100, 64))
    return rng.permutation(np.vstack([voice, pauses])).astype(np.float32)


def test_the_reference_hears_the_voice_not_the_pauses():
    rng = np.random.default_rng(0)
    window = _window(rng, -3.0)
    frames = speech_frames(window)
    assert len(frames) == 101
    assert abs(frames.mean() + 3.0) < 0.1
    # a batch of windows gets each window's own louder half (training marks them so)
    batch = np.stack([window, _window(rng, 4.0)])
    np.testing.assert_array_equal(louder_half(batch)[0], louder_half(window))
    assert louder_half(batch)[1].sum() == 101


def test_moments_add_up_like_the_frames_they_came_from():
    rng = np.random.default_rng(1)
    a, b = rng.normal(-4, 2, (30, 64)), rng.normal(1, 1, (50, 64))
    both = np.vstack([a, b])
    summed = (VoiceMoments.of(a) + VoiceMoments.of(b)).reference()
    np.testing.assert_allclose(summed, VoiceMoments.of(both).reference(), rtol=1e-5)
    np.testing.assert_allclose(summed[0], both.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(summed[1], both.std(axis=0), rtol=1e-4)
    packed = VoiceMoments.from_row(VoiceMoments.of(both).as_row()).reference()
    np.testing.assert_array_equal(packed, VoiceMoments.of(both).reference())
    again = VoiceMoments.of_reference(summed, 10.0).reference()
    np.testing.assert_allclose(again, summed, rtol=1e-4)
    # a band that never moves (digital silence) keeps a spread to divide by
    assert (VoiceMoments.of(np.zeros((10, 64))).reference()[1] == np.float32(MIN_SPREAD)).all()


def test_the_prior_gives_way_to_the_speaker_and_a_new_speaker_takes_over():
    rng = np.random.default_rng(2)
    prior = np.stack([np.full(64, -10.0), np.ones(64)]).astype(np.float32)
    reference = VoiceReference(prior, prior_windows=2, half_life_windows=30)
    np.testing.assert_array_equal(reference.reference(), prior)
    reference.add(_window(rng, -2.0))
    assert -10.0 < reference.reference()[0].mean() < -6.0  # one window: mostly the prior
    for _ in range(150):
        reference.add(_window(rng, -2.0))
    assert abs(reference.reference()[0].mean() + 2.0) < 0.5  # the prior counts for 2 windows
    for _ in range(90):  # three half-lives of someone louder: nearer them than the first
        reference.add(_window(rng, 3.0))
    assert 0.5 < reference.reference()[0].mean() < 3.0
    assert reference.windows_heard == 241
