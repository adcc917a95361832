"""Which models vote for a face: crops, occlusion, the voice-activity gate (shipped models)."""

import dataclasses

import numpy as np
import pytest

from emotion_ros.fusion.frame_fusion import FaceObservation, FrameFusion, FusionSettings
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.node_config import default_settings
from emotion_ros.package_paths import share_path
from emotion_ros.validation.invalid_input import InvalidInput
from emotion_ros.validation.transcripts import transcript_scores
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import still_image_detector

from face_images import astronaut_bgr

ALL_FACE = ("lower_face", "all_landmarks", "temporal", "appearance")


@pytest.fixture(scope="module")
def pipeline():
    return EmotionPipeline(ModelSet.load(role_cards(share_path("models")), "cpu"))


@pytest.fixture(scope="module")
def smiling():
    """The astronaut's mesh and her 48- and 64-pixel grey crops."""
    import cv2

    image = astronaut_bgr()
    with still_image_detector() as detector:
        mesh = detector.detect(image)[0].landmarks
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return mesh, aligned_crop(grey, mesh, 48), aligned_crop(grey, mesh, 64)


def sample(mesh, crop, upper=True, lower=True) -> FaceSample:
    return FaceSample("f", mesh, mesh[None], crop, upper, lower)


def test_every_face_model_votes_for_a_visible_face_with_a_crop(pipeline, smiling):
    mesh, crop48, _ = smiling
    [out] = pipeline.predict([sample(mesh, crop48)], None)
    assert out.modalities == ALL_FACE and out.audio_missing
    assert pipeline.class_names[int(out.probabilities.argmax())] == "Happy"


def test_without_a_crop_the_appearance_model_does_not_vote(pipeline, smiling):
    mesh, _, _ = smiling
    [out] = pipeline.predict([sample(mesh, None)], None)
    assert out.modalities == ("lower_face", "all_landmarks", "temporal")


def test_a_crop_of_another_size_is_resized_not_refused(pipeline, smiling):
    mesh, crop48, crop64 = smiling
    [a], [b] = (
        pipeline.predict([sample(mesh, crop48)], None),
        pipeline.predict([sample(mesh, crop64)], None),
    )
    assert "appearance" in b.modalities
    assert np.abs(a.probabilities - b.probabilities).max() < 0.15


def test_a_hidden_half_leaves_out_the_models_that_read_it(pipeline, smiling):
    mesh, crop48, _ = smiling
    [headset] = pipeline.predict([sample(mesh, crop48, upper=False)], None)
    assert headset.modalities == ("lower_face",)
    [masked] = pipeline.predict([sample(mesh, crop48, lower=False)], None)
    assert masked.modalities == ()
    assert masked.probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_frame_fusion_maps_visibility_and_gates_silent_audio(pipeline, smiling):
    mesh, crop48, _ = smiling
    settings = default_settings(FusionSettings, "fusion_node", smoothing="none")
    fusion = FrameFusion(pipeline, settings)
    audio_shape = pipeline.model_set.cards["audio"].inputs[0]["shape"][1:]
    speech = np.random.default_rng(0).normal(-6, 2, audio_shape).astype(np.float32)
    fusion.add_audio(1_000, speech, speech_fraction=0.6)
    face = FaceObservation(mesh, crop48, upper_face_visible=0.9, lower_face_visible=-1.0)
    [talking] = fusion.process(2_000, {"f": face})
    assert "audio" in talking.modalities and not talking.audio_missing
    fusion.add_audio(3_000, speech, speech_fraction=settings.audio_min_speech_fraction / 2)
    [silent] = fusion.process(4_000, {"f": face})
    assert silent.audio_missing and fusion.windows_without_speech == 1
    assert fusion.voice.windows_heard == 1  # the reference learns from speech only
    hidden = dataclasses.replace(face, upper_face_visible=settings.min_visibility / 2)
    [covered] = fusion.process(5_000, {"f": hidden})
    assert covered.modalities == ("lower_face",)


def test_the_same_window_is_read_against_the_voice_each_stream_has_heard(pipeline, smiling):
    """Two robots hear the same sentence: one has heard a quiet speaker for a minute, the other
    a loud one. Each reads it against its own speaker, so the audio model hears it differently
    (the face is turned away, so what is published is the voice's reading alone)."""
    mesh, crop48, _ = smiling
    settings = default_settings(FusionSettings, "fusion_node", smoothing="none")
    rng = np.random.default_rng(3)
    window = rng.normal(-6, 2, (201, 64)).astype(np.float32)
    readings = []
    for level in (-3.0, 3.0):
        fusion = FrameFusion(pipeline, settings)
        for k in range(120):
            fusion.add_audio(k * 500_000_000, window + level + rng.normal(0, 0.3, (1, 64)), 0.8)
        fusion.add_audio(121 * 500_000_000, window, 0.8)
        heard = fusion.audio.select(122 * 500_000_000).payload
        assert heard.log_mel is window and fusion.voice.windows_heard == 121
        away = FaceObservation(mesh, crop48, upper_face_visible=0.0, lower_face_visible=0.0)
        [emotion] = fusion.process(122 * 500_000_000, {"f": away})
        assert emotion.modalities == ("audio",)
        readings.append((heard.reference, emotion.probabilities))
    (quiet, quiet_emotion), (loud, loud_emotion) = readings
    # 6 apart, less the training voices' prior that both still hold a little of
    assert 5.0 < (loud[0] - quiet[0]).mean() < 6.0
    assert np.abs(loud_emotion - quiet_emotion).max() > 0.05, "the same window, read differently"


def test_a_transcript_votes_for_the_frames_after_its_utterance(pipeline, smiling):
    from emotion_ros.timestamps import NS_PER_S

    mesh, crop48, _ = smiling
    settings = default_settings(FusionSettings, "fusion_node", smoothing="none")
    fusion = FrameFusion(pipeline, settings)
    face = {"f": FaceObservation(mesh, crop48)}
    names = list(reversed(pipeline.class_names))  # a speech node may order the classes otherwise
    sad = np.full(len(names), 0.1)
    sad[names.index("Sad")] = 0.5
    end = 100 * NS_PER_S
    fusion.add_transcript(end, transcript_scores(names, sad.tolist(), pipeline.class_names))
    [before] = fusion.process(end - NS_PER_S // 15, face)
    [after] = fusion.process(end + NS_PER_S, face)
    max_age = int(settings.transcript_max_age_s * NS_PER_S)
    [later] = fusion.process(end + max_age + NS_PER_S // 15, face)
    assert "transcript" not in before.modalities and "transcript" not in later.modalities
    assert after.modalities == (*ALL_FACE, "transcript")
    sad_index = pipeline.class_names.index("Sad")
    assert after.probabilities[sad_index] > before.probabilities[sad_index]
    for bad_names, scores in (
        (names[:5], sad[:5]),  # a class missing
        (names, [0.2, 0.2, 0.2, 0.2, 0.2, float("nan")]),
        (names, [0.0] * 6),
        (names, [-0.5, 0.3, 0.3, 0.3, 0.3, 0.3]),
    ):
        with pytest.raises(InvalidInput, match="transcript scores"):
            transcript_scores(bad_names, scores, pipeline.class_names)
