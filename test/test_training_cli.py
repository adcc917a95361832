"""`emotion-ros train` end to end on small fixtures made of real faces and synthetic speech."""

import json

import cv2
import numpy as np
import pytest
import soundfile

from emotion_ros.cli.main import main as cli
from emotion_ros.models.emotion_pipeline import ModelSet
from emotion_ros.models.model_files import role_cards

from face_images import astronaut_bgr, grace_hopper_bgr


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
    face_folder(tmp_path / "data", np.random.default_rng(0))
    out = tmp_path / "out"
    code = cli(["train", "--model", "lower_face", "--dataset", "image-folder",
                "--data", str(tmp_path / "data"), "--out", str(out), "--epochs", "30"])  # fmt: skip
    assert code == 0, capsys.readouterr().out
    metrics = json.loads((out / "lower_face-metrics.json").read_text())
    assert metrics["samples"] == 24 and metrics["groups"] == 8
    assert metrics["folds"][0]["accuracy"] >= 0.9  # a smile vs a neutral face, unseen subjects
    assert (out / "lower_face-confusion.png").stat().st_size > 1000
    model_set = ModelSet.load(role_cards(out, ("lower_face",)), "cpu")
    assert model_set.cards["lower_face"].training["recipe"].startswith("emotion-ros train")


def test_train_audio_on_crema_d_layout(tmp_path, capsys):
    from emotion_ros.training.synthetic_speech import PROSODY, speak

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
def test_export_a_checkpoint(tmp_path, role):
    import torch

    from emotion_ros.cli.export_command import ROLES
    from emotion_ros.models import architectures

    model = getattr(architectures, ROLES[role][0])()
    torch.save(model.state_dict(), tmp_path / "model.pt")
    assert cli(["export", "--checkpoint", str(tmp_path / "model.pt"), "--role", role,
                "--out", str(tmp_path / "out")]) == 0  # fmt: skip
    ModelSet.load(role_cards(tmp_path / "out", (role,)), "cpu")
