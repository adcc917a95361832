"""A newcomer's mistakes get one line and an exit code != 0: no traceback, no silent fallback."""

from collections import Counter

import cv2
import numpy as np
import pytest
import soundfile
import torch

from emotion_ros.cli.parameter_overrides import checked_overrides
from emotion_ros.graph.graph_spec import load_graph
from emotion_ros.package_paths import share_path
from emotion_ros.training.datasets.sample import Sample
from emotion_ros.training.features.dataset_features import face_landmarks

from face_images import astronaut_bgr
from user_commands import Finished, run_as_user


def one_line_error(done: Finished, command: str) -> str:
    """The single line a failed command printed (it must not print a traceback)."""
    assert done.code != 0, "\n".join(done.lines)
    assert len(done.lines) == 1, "\n".join(done.lines)
    assert done.lines[0].startswith(f"emotion-ros {command}: "), done.lines[0]
    return done.lines[0]


def test_a_set_value_of_the_wrong_type_is_refused_before_any_node_starts():
    done = run_as_user("emotion-ros", "run", "--set", "face_node.max_faces=abc")
    assert one_line_error(done, "run") == (
        "emotion-ros run: --set face_node.max_faces: takes an integer (default 8), not 'abc'"
    )


def test_set_values_take_the_declared_types_as_a_user_means_them():
    graph = load_graph("webcam")
    typed = checked_overrides(
        graph,
        {
            "speech_node": {"vad_threshold": 1, "max_pending_utterances": 5},
            "camera_source": {"source": 2, "frame_id": None},
        },
    )
    assert typed == {
        "speech_node": {"vad_threshold": 1.0, "max_pending_utterances": 5},
        "camera_source": {"source": "2", "frame_id": ""},
    }
    assert isinstance(typed["speech_node"]["vad_threshold"], float)
    with pytest.raises(ValueError, match=r"use_compressed: takes true or false .*not 1"):
        checked_overrides(graph, {"face_node": {"use_compressed": 1}})
    with pytest.raises(ValueError, match=r"max_faces: takes an integer .*not 2.5"):
        checked_overrides(graph, {"face_node": {"max_faces": 2.5}})


def test_a_models_folder_that_is_not_there_is_named_not_replaced(tmp_path):
    missing = tmp_path / "nope"
    run = run_as_user("emotion-ros", "run", "--set", f"fusion_node.models_dir={missing}")
    assert one_line_error(run, "run") == (
        f"emotion-ros run: models folder {missing} does not exist (fusion_node.models_dir)"
    )
    a_file = tmp_path / "models.txt"
    a_file.write_text("not a folder")
    evaluate = run_as_user(
        "emotion-ros", "evaluate", str(share_path("data", "eval", "labelled")),
        "--labels", str(share_path("data", "eval", "labels.csv")), "--models", str(a_file),
        "--out", str(tmp_path / "report"),
    )  # fmt: skip
    assert one_line_error(evaluate, "evaluate") == (
        f"emotion-ros evaluate: models folder {a_file} is not a folder (fusion_node.models_dir)"
    )
    assert not (tmp_path / "report").exists()
    photo = tmp_path / "photo.png"
    cv2.imwrite(str(photo), astronaut_bgr())
    for command in ("show", "explain"):
        drawn = run_as_user("emotion-ros", command, str(photo), "--models", str(missing))
        assert one_line_error(drawn, command) == (
            f"emotion-ros {command}: models folder {missing} does not exist"
        )


def test_export_of_a_file_that_is_not_a_checkpoint_says_so(tmp_path):
    wav = tmp_path / "x.wav"
    soundfile.write(wav, np.zeros(1600, np.float32), 16_000)
    card = share_path("models", "lower_face.yaml")
    out = tmp_path / "deploy"
    done = run_as_user("emotion-ros", "export", "--checkpoint", str(wav), "--card", str(card),
                       "--out", str(out))  # fmt: skip
    assert one_line_error(done, "export") == (
        f"emotion-ros export: {wav} is not a state dict saved with "
        "torch.save(model.state_dict(), path)"
    )
    other = tmp_path / "other.pt"
    torch.save({"weight": torch.zeros(2)}, other)
    done = run_as_user("emotion-ros", "export", "--checkpoint", str(other), "--card", str(card),
                       "--out", str(out))  # fmt: skip
    line = one_line_error(done, "export")
    assert line.startswith(f"emotion-ros export: cannot load {other} into LowerFaceMLP: Missing")
    assert not out.exists()


def test_record_into_a_folder_that_exists_is_refused(tmp_path):
    done = run_as_user("emotion-ros", "record", "-o", str(tmp_path),
                       "emotion:emotion_ros/msg/EmotionStamped", "--duration", "1")  # fmt: skip
    assert one_line_error(done, "record") == (
        f"emotion-ros record: {tmp_path} exists already; name a new bag folder"
    )


def test_collect_from_photos_without_class_folders_says_what_layout_it_needs(tmp_path):
    photos = tmp_path / "my_faces"
    (photos / "holiday").mkdir(parents=True)
    (photos / "holiday" / "beach.jpg").write_bytes(b"")
    (photos / "me.jpg").write_bytes(b"")
    done = run_as_user("emotion-ros", "collect", "--images", str(photos),
                       "--out", str(tmp_path / "keypoints"))  # fmt: skip
    line = one_line_error(done, "collect")
    assert f"{photos} has no photos in class folders: put them in {photos}/<class>/" in line
    assert line.endswith("its folders holiday are not classes")


def test_a_text_file_named_like_a_photo_is_unreadable_not_faceless(tmp_path):
    photos = tmp_path / "my_faces"
    (photos / "happy").mkdir(parents=True)
    notes = photos / "happy" / "notes.jpg"
    notes.write_text("shopping list: milk, eggs")
    done = run_as_user("emotion-ros", "collect", "--images", str(photos),
                       "--out", str(tmp_path / "keypoints"))  # fmt: skip
    assert f"cannot read {notes} as an image; skipped" in done.lines, "\n".join(done.lines)
    assert not any("no face found" in line for line in done.lines), "\n".join(done.lines)
    # the same file in a training folder (emotion-ros train --dataset image-folder)
    without_face: Counter[int] = Counter()
    unreadable = []
    points, labels, _ = face_landmarks(
        [Sample(notes, 0, "notes")], tmp_path / "cache", without_face, unreadable
    )
    assert unreadable == [notes] and not without_face and len(points) == len(labels) == 0
