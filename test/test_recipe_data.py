"""The default recipe's data handling on small fixtures in the real layouts (no real data sets).

FER2013 as an image folder and FER+ with its label.csv (built from the package photos), speech
clips made with espeak-ng and named with RAVDESS's scheme, and the fusion model's pairings.
"""

import csv
from dataclasses import replace

import cv2
import numpy as np
import pytest
import soundfile
import torch

from emotion_ros.emotion_classes import CLASS_NAMES, NUM_CLASSES
from emotion_ros.models.role_specs import MODALITIES
from emotion_ros.package_paths import share_path
from emotion_ros.training.datasets.fer_folders import read_fer2013_folder, read_ferplus_folder
from emotion_ros.training.features.face_data import CROP_MARGIN, FaceSet
from emotion_ros.training.features.speech_data import (
    MIN_SPEECH_FRACTION,
    WINDOW,
    SpeechSet,
    centre_windows,
    random_windows,
    read_corpus,
    speech_fraction_at,
)
from emotion_ros.training.recipe import default_recipe, speech_recipe
from emotion_ros.training.recipe.default_recipe import RecipeOptions
from emotion_ros.training.recipe.fusion_recipe import ModalityOutputs, paired_examples
from emotion_ros.training.recipe.recipe_evaluation import read_predictions, unheard_language_scores
from emotion_ros.vision.face_crop import aligned_crop
from emotion_ros.vision.face_mesh import still_image_detector

from face_images import astronaut_bgr
from synthetic_speech import speak

C = {name: i for i, name in enumerate(CLASS_NAMES)}


def test_fer2013_folder_gives_labels_splits_and_counts_disgust(tmp_path):
    face = cv2.resize(cv2.cvtColor(astronaut_bgr(), cv2.COLOR_BGR2GRAY), (224, 224))
    files = {
        "train/happy/Training_1.jpg", "train/fear/Training_2.jpg", "train/disgust/Training_3.jpg",
        "test/surprise/PublicTest_4.jpg", "test/neutral/PrivateTest_5.jpg",
    }  # fmt: skip
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / name), face)
    images = read_fer2013_folder(tmp_path)
    got = sorted(zip([p.name for p in images.paths], images.labels, images.splits, strict=True))
    assert got == [
        ("PrivateTest_5.jpg", C["Neutral"], "PrivateTest"),
        ("PublicTest_4.jpg", C["Surprised"], "PublicTest"),
        ("Training_1.jpg", C["Happy"], "Training"),
        ("Training_2.jpg", C["Worried"], "Training"),
    ]
    assert images.dropped == {"disgust": 1}
    with pytest.raises(FileNotFoundError, match="no train/ or test/"):
        read_fer2013_folder(tmp_path / "train")


def test_ferplus_takes_the_majority_vote_and_drops_the_rest(tmp_path):
    folder = tmp_path / "FER2013Test"
    folder.mkdir()
    rows = [
        ["fer0001.png", "(0, 0, 48, 48)", 1, 8, 1, 0, 0, 0, 0, 0, 0, 0],  # happiness
        ["fer0002.png", "(0, 0, 48, 48)", 0, 0, 0, 0, 0, 0, 0, 9, 1, 0],  # contempt: dropped
        ["fer0003.png", "(0, 0, 48, 48)", 2, 0, 0, 0, 0, 0, 7, 0, 1, 0],  # fear -> Worried
    ]
    with (folder / "label.csv").open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    images, votes = read_ferplus_folder(tmp_path, "PrivateTest")
    assert images.labels == [C["Happy"], C["Worried"]]
    assert votes.shape == (2, 10) and votes[1, 6] == 7
    assert images.dropped == {"contempt": 1}


@pytest.fixture(scope="module")
def ravdess_fixture(tmp_path_factory):
    """Espeak-ng clips named like RAVDESS: actors 1, 17 and 21; neutral, happy, sad."""
    root = tmp_path_factory.mktemp("data")
    for actor in (1, 17, 21):
        for code, pitch in (("01", 45), ("03", 75), ("04", 25)):
            audio = speak("I will bring the box to the kitchen now.", pitch, 150, 120)
            path = (
                root / "ravdess" / f"Actor_{actor:02d}" / f"03-01-{code}-01-01-01-{actor:02d}.wav"
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            soundfile.write(path, np.pad(audio, (8000, 8000)), 16_000)
    return root


def test_speech_clips_are_read_resampled_cached_and_split_by_actor(ravdess_fixture, tmp_path):
    clips = read_corpus("ravdess", ravdess_fixture, tmp_path / "cache")
    again = read_corpus("ravdess", ravdess_fixture, tmp_path / "cache")  # from the cache
    assert len(clips) == len(again) == 9
    np.testing.assert_array_equal(clips.clips[4], again.clips[4])
    assert sorted(set(clips.labels)) == sorted([C["Neutral"], C["Happy"], C["Sad"]])
    parts = speech_recipe.split(clips)
    assert {k: sorted(set(v.speakers)) for k, v in parts.items()} == {
        "train": ["actor01"], "validation": ["actor17"], "test": ["actor21"]
    }  # fmt: skip


def test_every_corpus_is_split_by_speaker_and_a_new_speaker_trains():
    assert speech_recipe.part_of("emodb", "emodb03") == "test"
    assert speech_recipe.part_of("emodb", "emodb09") == "validation"
    assert speech_recipe.part_of("emodb", "emodb16") == "train"
    assert speech_recipe.part_of("ravdess", "actor20") == "validation"
    assert speech_recipe.part_of("a_new_corpus", "anyone") == "train"
    for corpus, (validation, test) in speech_recipe.HELD_OUT.items():
        assert validation and test and not set(validation) & set(test), corpus


def test_training_windows_pass_the_voice_gate_and_evaluation_windows_are_central(
    ravdess_fixture, tmp_path
):
    clips = read_corpus("ravdess", ravdess_fixture, tmp_path / "cache")
    windows = random_windows(clips, np.random.default_rng(0))
    assert windows.shape == (9, WINDOW)
    assert all(np.abs(w).max() > 0.05 for w in windows), "every window holds some speech"
    offsets = [(len(c) - WINDOW) // 2 for c in clips.clips]
    for speech, offset in zip(clips.speech, offsets, strict=True):
        assert speech_fraction_at(speech, offset) >= MIN_SPEECH_FRACTION
    assert centre_windows(clips).shape == (9, WINDOW)


def test_the_speech_augmenter_gives_log_mel_batches(ravdess_fixture, tmp_path):
    clips = read_corpus("ravdess", ravdess_fixture, tmp_path / "cache")
    moments = speech_recipe.class_moments(clips)
    prior = speech_recipe.prior_reference(moments)
    augment = speech_recipe.speech_augmenter(clips, moments, prior)
    features, references = augment([torch.arange(4)], torch.Generator().manual_seed(0))
    assert features.shape == (4, 201, 64) and torch.isfinite(features).all()
    assert references.shape == (4, 2, 64) and (references[:, 1] > 0).all()
    # each clip is read against its own speaker's voice: a speaker 6 dB quieter has a reference
    # up to ln(4) lower (less in the quiet bands, which the log floor holds up; the espeak
    # actors otherwise share one voice)
    quieter = SpeechSet(
        [c // 2 if s == "actor17" else c for c, s in zip(clips.clips, clips.speakers, strict=True)],
        clips.labels, clips.speakers, clips.corpora, clips.speech,
    )  # fmt: skip
    own = speech_recipe.speaker_references(quieter, speech_recipe.class_moments(quieter))
    speakers = np.array(quieter.speakers)
    gap = own[speakers == "actor01", 0].mean() - own[speakers == "actor17", 0].mean()
    assert 0.8 * np.log(4) < gap <= np.log(4) + 0.01
    assert (own[speakers == "actor17"] == own[speakers == "actor17"][0]).all()


def _pointing_outputs(models: list[str]) -> ModalityOutputs:
    """Outputs whose log-probabilities point at the true class, so pairings can be checked; the
    transcript and audio sets have their own sizes, as MELD's and the corpora's do."""
    sizes = {"transcript": 4, "audio": 7}
    labels = {m: np.repeat(np.arange(NUM_CLASSES), sizes.get(m, 5)) for m in models}
    log_probs = {m: np.log(np.eye(NUM_CLASSES)[labels[m]] * 0.9 + 0.1 / 6) for m in models}
    return ModalityOutputs(log_probs, labels)


def test_fusion_pairings_keep_the_class_and_remove_modalities_as_in_use():
    rng = np.random.default_rng(0)
    x, available, y = paired_examples(_pointing_outputs(list(MODALITIES)), 3000, rng)
    assert x.shape == (3000, len(MODALITIES), NUM_CLASSES)
    assert (x.argmax(axis=2) == y[:, None]).all(), "each modality has the class"
    for name in ("audio", "transcript"):
        assert 0.45 < available[:, MODALITIES.index(name)].mean() < 0.55, name
    lower = available[:, MODALITIES.index("lower_face")]
    upper_only = (lower == 1) & (available[:, MODALITIES.index("all_landmarks")] == 0)
    assert 0.05 < upper_only.mean() < 0.15, "headsets: only the lower face is read"


def test_a_modality_without_outputs_is_never_available_to_the_fusion():
    models = [m for m in MODALITIES if m != "transcript"]
    _, available, _ = paired_examples(_pointing_outputs(models), 500, np.random.default_rng(1))
    assert (available[:, MODALITIES.index("transcript")] == 0).all()
    assert available[:, MODALITIES.index("audio")].any()


def test_the_audio_card_counts_each_corpus_by_class_and_speakers_by_part():
    def clips(corpus: str, speakers: list[str], labels: list[int]) -> SpeechSet:
        n = len(labels)
        return SpeechSet([np.zeros(1, np.int16)] * n, labels, speakers, [corpus] * n,
                         [np.zeros(1)] * n)  # fmt: skip

    parts = {
        "train": clips("emodb", ["emodb16", "emodb16"], [C["Sad"], C["Happy"]])
        + clips("casia", ["casia-zz"], [C["Sad"]]),
        "validation": clips("emodb", ["emodb09"], [C["Sad"]]),
        "test": clips("emodb", ["emodb03", "emodb08"], [C["Angry"], C["Sad"]]),
    }
    counts = speech_recipe.corpus_counts(parts)
    assert counts["emodb"] == {
        "clips": 5, "per_class": {"Happy": 1, "Angry": 1, "Sad": 3},
        "train_speakers": 1, "validation_speakers": 1, "test_speakers": 2,
    }  # fmt: skip
    assert counts["casia"]["validation_speakers"] == 0


def test_the_fusion_learns_voices_from_corpora_left_out_and_a_reusing_run_gets_the_same(tmp_path):
    def left_out(corpus: str, labels: list[int], shift: float) -> speech_recipe.HeldOutCorpus:
        n = len(labels)
        clips = SpeechSet([np.zeros(1, np.int16)] * n, labels, ["s"] * n, [corpus] * n,
                          [np.zeros(1)] * n)  # fmt: skip
        logits = np.eye(NUM_CLASSES, dtype=np.float32)[labels] + shift
        return speech_recipe.HeldOutCorpus(clips, logits, logits - 1.0)

    held_out = {"emodb": left_out("emodb", [C["Sad"], C["Angry"]], 0.0),
                "casia": left_out("casia", [C["Happy"]], 5.0)}  # fmt: skip
    logits, labels = speech_recipe.unheard_voices(held_out)
    # every clip twice: against its speaker's reference, then against the prior
    assert labels.tolist() == [C["Sad"], C["Angry"], C["Sad"], C["Angry"], C["Happy"], C["Happy"]]
    np.testing.assert_array_equal(logits[2:4], logits[:2] - 1.0)
    assert (logits[4] == logits[5] + 1.0).all() and logits[4].min() == 5.0

    options = RecipeOptions(data=tmp_path, out=tmp_path / "models", cache=tmp_path / "cache")
    written = default_recipe.unheard_voices(held_out, options)
    reused = default_recipe.unheard_voices(None, options)  # --reuse audio: no held-out models
    for a, b in zip(written, reused, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(FileNotFoundError, match="without --reuse audio"):
        default_recipe.unheard_voices(None, replace(options, seed=1))


def test_small_corpora_are_heard_as_often_as_the_average_and_large_ones_once():
    sizes = {"nemo": 10, "ased": 6, "savee": 3, "emodb": 1}  # mean 5
    corpora = [c for c, n in sizes.items() for _ in range(n)]
    n = len(corpora)
    clips = SpeechSet([np.zeros(1, np.int16)] * n, [0] * n, ["s"] * n, corpora, [np.zeros(1)] * n)
    index = speech_recipe.corpus_balanced(clips, np.random.default_rng(0))
    heard = {c: int((np.asarray(corpora)[index] == c).sum()) for c in sizes}
    assert heard == {"nemo": 10, "ased": 6, "savee": 5, "emodb": 5}
    for first, size in ((0, 10), (10, 6)):  # the large corpora: each clip exactly once
        own = range(first, first + size)
        assert sorted(i for i in index if i in own) == list(own)
    savee = np.bincount(index[(index >= 16) & (index < 19)] - 16)
    assert sorted(savee) == [1, 2, 2], "every clip of a small corpus, the remainder at random"


def test_a_voice_in_an_unheard_language_is_scored_alone_and_with_a_face_of_its_class(
    ravdess_fixture, tmp_path
):
    models = tmp_path / "models"
    models.mkdir()
    for shipped in share_path("models").iterdir():
        if shipped.is_file():
            (models / shipped.name).symlink_to(shipped)
    clips = read_corpus("ravdess", ravdess_fixture, tmp_path / "cache")
    image = astronaut_bgr()
    with still_image_detector() as detector:
        mesh = detector.detect(image)[0].landmarks
    crop = aligned_crop(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), mesh, 48 + 2 * CROP_MARGIN)
    labels = [C["Happy"], C["Sad"], C["Neutral"], C["Angry"]]
    n = len(labels)
    faces = FaceSet(np.array([f"face{k}" for k in range(n)]), np.repeat(mesh[None], n, axis=0),
                    np.repeat(crop[None], n, axis=0), np.array(labels), np.full(n, "PrivateTest"),
                    np.full((n, 10), np.nan, np.float32))  # fmt: skip
    # scored as TurEV-DB is (its card entry), on the espeak clips
    audio, fusion = unheard_language_scores(models, "turev", clips, faces, lambda _: None)
    truth, predicted = read_predictions(models / "evaluation" / "turev.csv")
    assert sorted(predicted) == ["audio", "audio_unheard_speaker", "fused", "fused_with_voice"]
    with (models / "evaluation" / "turev.csv").open() as f:
        paired_faces = [row["item"].rsplit("/", 1)[1] for row in csv.DictReader(f)]
    assert [labels[int(face[4:])] for face in paired_faces] == truth.tolist(), "its class's face"
    assert set(predicted["audio"]) | set(predicted["audio_unheard_speaker"]) <= set(truth)
    assert audio["samples"] == len(clips) and "unheard_speaker_balanced_recall" in audio
    # the same faces, read without and with the voice: the voice moves the fused reading
    alone, heard = fusion["turev_faces_only"], fusion["turev_faces_and_voice"]
    assert alone["ece_before_temperature"] != heard["ece_before_temperature"]
