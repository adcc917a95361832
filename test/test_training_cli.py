"""`emotion-ros train` end to end on small fixtures made of real faces and synthetic speech."""

import json

import cv2
import numpy as np
import pytest
import soundfile

from emotion_ros.cli.main import main as cli
from emotion_ros.models.emotion_pipeline import ModelSet
from emotion_ros.models.model_card import load_card
from emotion_ros.models.model_files import role_cards
from emotion_ros.package_paths import share_path

from face_images import astronaut_bgr, grace_hopper_bgr
from user_commands import run_as_user


def face_folder(root, rng):
    """happy/ = the smiling astronaut, neutral/ = Grace Hopper; 4 'subjects' each (variants)."""
    for first, folder, photo in ((0, "happy", astronaut_bgr()), (4, "neutral", grace_hopper_bgr())):
        (root / folder).mkdir(parents=True)
        for subject in range(first, first + 4):
            for shot in range(3):
                angle, scale = rng.uniform(-12, 12), rng.uniform(0.85, 1.1)
                h, w = photo.shape[:2]
                matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
                image = cv2.warpAffine(photo, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
                if subject % 2:
                    image = cv2.flip(image, 1)
                cv2.imwrite(str(root / folder / f"S{subject:03d}_{shot}.png"), image)


def test_train_lower_face_on_an_image_folder_writes_a_usable_model(tmp_path, capsys):
    data = tmp_path / "data"
    face_folder(data, np.random.default_rng(0))
    (data / "disgust").mkdir()  # not one of the six classes: dropped, and said so
    for name in ("S100_0.png", "S100_1.png", "S101_0.png"):
        cv2.imwrite(str(data / "disgust" / name), grace_hopper_bgr())
    for name in ("S900_0.png", "S901_0.png"):  # no face in these
        cv2.imwrite(str(data / "neutral" / name), np.full((240, 320, 3), 128, np.uint8))
    out = tmp_path / "out"
    code = cli(["train", "--model", "lower_face", "--dataset", "image-folder",
                "--data", str(data), "--out", str(out), "--epochs", "30"])  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert code == 0, lines
    assert lines[:3] == [
        f"read 26 samples from {data}: Happy 12, Neutral 14",
        "dropped 3 (not one of the six classes): disgust 3",
        "no face found in 2 of 26 (skipped): Neutral 2",
    ]
    metrics = json.loads((out / "lower_face-metrics.json").read_text())
    assert metrics["samples"] == 24 and metrics["groups"] == 8
    assert metrics["dropped_labels"] == {"disgust": 3}
    assert metrics["without_face"] == {"Neutral": 2}
    assert metrics["folds"][0]["accuracy"] >= 0.9  # a smile vs a neutral face, unseen subjects
    assert (out / "lower_face-confusion.png").stat().st_size > 1000
    assert sorted(p.name for p in (out / "cache").iterdir()) == ["image-folder"]
    model_set = ModelSet.load(role_cards(out, ("lower_face",)), "cpu")
    assert model_set.cards["lower_face"].training["recipe"].startswith("emotion-ros train")
    # export the trained weights again, as after fine-tuning them elsewhere: the new card
    # carries the training card's feature spec, temperature, data provenance and metrics
    exported = tmp_path / "exported"
    done = run_as_user("emotion-ros", "export", "--checkpoint", str(out / "lower_face.pt"),
                       "--card", str(out / "lower_face.yaml"), "--out", str(exported))  # fmt: skip
    assert done.code == 0, done.lines
    assert (
        done.lines[0] == f"wrote {exported / 'lower_face.onnx'} and {exported / 'lower_face.yaml'}"
    )
    trained, again = load_card(out / "lower_face.yaml"), load_card(exported / "lower_face.yaml")
    assert again.features == trained.features and again.features["landmark_indices"]
    assert again.temperature == trained.temperature != 1.0
    assert again.metrics == trained.metrics
    assert again.training == {**trained.training, "exported": again.training["exported"]}
    assert again.training["data"] == f"image-folder: {data}"
    ModelSet.load(role_cards(exported, ("lower_face",)), "cpu")


def no_work_done(out) -> bool:
    """Nothing written: no landmark cache, no model (extraction would have started)."""
    return not out.exists() or not any(out.iterdir())


def test_train_refuses_arguments_that_cannot_work_before_any_work(tmp_path, capsys):
    folder = tmp_path / "faces"
    for label in ("happy", "sad"):
        (folder / label).mkdir(parents=True)
        for subject in range(2):
            cv2.imwrite(str(folder / label / f"S{subject}{label}_0.png"), astronaut_bgr())
    csv_file = tmp_path / "fer2013.csv"
    csv_file.write_text("emotion,pixels,Usage\n")
    out = tmp_path / "out"
    image_folder = ["--model", "lower_face", "--dataset", "image-folder", "--data", str(folder)]
    refused = {
        "--epochs must be at least 1, got 0": [*image_folder, "--epochs", "0"],
        "--folds must be at least 1 (1: one 80/20 split), got 0": [*image_folder, "--folds", "0"],
        f"--data {tmp_path / 'nope'} does not exist":
            ["--model", "audio", "--dataset", "crema-d", "--data", str(tmp_path / "nope")],
        f"--dataset fer2013 reads a CSV file (fer2013.csv), but --data {folder} is a folder; "
        "for FER2013 as class folders (train/happy/...) use --dataset image-folder":
            ["--model", "lower_face", "--dataset", "fer2013", "--data", str(folder)],
        f"--dataset mer reads a folder, but --data {csv_file} is not":
            ["--model", "lower_face", "--dataset", "mer", "--data", str(csv_file),
             "--labels", str(csv_file)],
        "--labels (the MER label CSV) is required for --dataset mer":
            ["--model", "lower_face", "--dataset", "mer", "--data", str(folder)],
        "--dataset image-folder takes no --labels (mer: the MER label CSV; fer2013: FER+ votes "
        "(fer2013new.csv), optional)": [*image_folder, "--labels", str(csv_file)],
        f"--labels {tmp_path / 'votes.csv'} is not a file":
            ["--model", "lower_face", "--dataset", "fer2013", "--data", str(csv_file),
             "--labels", str(tmp_path / "votes.csv")],
        "--folds 5 needs at least 5 subjects/videos/speakers, found 4":
            [*image_folder, "--folds", "5"],
    }  # fmt: skip
    for message, args in refused.items():
        code = cli(["train", *args, "--out", str(out)])
        lines = capsys.readouterr().out.splitlines()
        assert code == 2, (args, lines)
        assert lines[-1] == f"emotion-ros train: {message}", args
        assert no_work_done(out), args


def test_train_audio_on_crema_d_layout(tmp_path, capsys):
    from synthetic_speech import PROSODY, speak

    data = tmp_path / "AudioWAV"
    data.mkdir()
    for speaker, voice in ((1001, "en+m1"), (1002, "en+f2"), (1003, "en+m3"), (1004, "en+f4")):
        for code, label in (("HAP", "Happy"), ("SAD", "Sad")):
            audio = speak("I think we should go home now.", voice=voice, **PROSODY[label])
            soundfile.write(data / f"{speaker}_IWW_{code}_XX.wav", audio, 16_000)
    out = tmp_path / "out"
    code = cli(["train", "--model", "audio", "--dataset", "crema-d", "--data", str(data),
                "--out", str(out), "--epochs", "3", "--folds", "2"])  # fmt: skip
    assert code == 0, capsys.readouterr().out
    metrics = json.loads((out / "audio-metrics.json").read_text())
    assert len(metrics["folds"]) == 2 and metrics["groups"] == 4
    assert (out / "audio.onnx").is_file() and (out / "audio.yaml").is_file()


def test_train_refuses_a_mismatched_model_and_dataset(tmp_path, capsys):
    code = cli(["train", "--model", "audio", "--dataset", "image-folder", "--data", str(tmp_path),
                "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 2
    assert "no input for the audio model" in capsys.readouterr().out


@pytest.mark.parametrize("role", ["lower_face", "fusion"])
def test_export_a_checkpoint_made_from_a_shipped_card(tmp_path, role):
    import torch

    from emotion_ros.models import architectures

    card = share_path("models", f"{role}.yaml")
    model = getattr(architectures, load_card(card).architecture)()
    torch.save(model.state_dict(), tmp_path / "model.pt")
    assert cli(["export", "--checkpoint", str(tmp_path / "model.pt"), "--card", str(card),
                "--out", str(tmp_path / "out")]) == 0  # fmt: skip
    ModelSet.load(role_cards(tmp_path / "out", (role,)), "cpu")


def test_export_refuses_without_a_card_or_with_a_checkpoint_that_does_not_fit(tmp_path):
    import torch

    from emotion_ros.models.architectures import FusionModel

    torch.save(FusionModel().state_dict(), tmp_path / "fusion.pt")
    without = run_as_user("emotion-ros", "export", "--checkpoint", str(tmp_path / "fusion.pt"),
                          "--out", str(tmp_path / "out"))  # fmt: skip
    assert without.code == 2
    assert without.lines[-1].endswith("the following arguments are required: --card")
    card = share_path("models", "lower_face.yaml")
    wrong = run_as_user("emotion-ros", "export", "--checkpoint", str(tmp_path / "fusion.pt"),
                        "--card", str(card), "--out", str(tmp_path / "out"))  # fmt: skip
    assert wrong.code == 2
    assert wrong.lines[0].startswith(
        f"emotion-ros export: cannot load {tmp_path / 'fusion.pt'} into LowerFaceMLP:"
    )
    assert not (tmp_path / "out").exists()
