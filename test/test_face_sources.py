"""The extra face data of the recipe: FER+'s votes tied to FER2013's image-folder photos by their
pixels, the soft targets made from them, and the crowd-labelled facial_expressions set split by
person. Fixtures in the real layouts, made from the package photos (no data set is used)."""

import csv

import cv2
import numpy as np
import pytest

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.training.datasets.facial_expressions import person_of, read_facial_expressions
from emotion_ros.training.datasets.ferplus_votes import (
    ferplus_votes,
    match_faces,
    soft_targets,
    vote_shares,
)
from emotion_ros.training.features.face_data import FaceSet
from emotion_ros.training.recipe.recipe_data import at_most_per_class

from face_images import astronaut_bgr
from package_photos import grace_hopper_bgr

C = {name: i for i, name in enumerate(CLASS_NAMES)}


def fer_faces(count: int) -> list[np.ndarray]:
    """``count`` different 48x48 grey faces: windows of the two package photos."""
    faces = []
    for photo in (astronaut_bgr(), grace_hopper_bgr()):
        grey = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
        for k in range(count):
            y, x = 20 + 37 * (k % 6), 30 + 41 * (k // 6)
            faces.append(cv2.resize(grey[y : y + 200, x : x + 200], (48, 48)))
    return faces[:count]


def as_image_folder_jpeg(face: np.ndarray) -> np.ndarray:
    """What the image-folder release made of a FER face: upscaled to 224 and JPEG-coded."""
    big = cv2.resize(face, (224, 224), interpolation=cv2.INTER_CUBIC)
    return cv2.imdecode(cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 75])[1], 0)


def test_each_upscaled_jpeg_finds_its_own_face_and_a_stranger_finds_none():
    faces = np.stack(fer_faces(12))
    queries = np.stack(
        [cv2.resize(as_image_folder_jpeg(f), (48, 48), interpolation=cv2.INTER_AREA) for f in faces]
    )
    order = np.random.default_rng(0).permutation(len(faces))
    assert match_faces(queries, faces[order]).tolist() == np.argsort(order).tolist()
    stranger = np.random.default_rng(1).integers(0, 256, (1, 48, 48)).astype(np.uint8)
    assert match_faces(stranger, faces).tolist() == [-1]


def test_ferplus_votes_follow_the_photos_within_their_split(tmp_path):
    faces = fer_faces(4)
    fer_paths, splits = [], []
    for k, (face, split) in enumerate(
        zip(faces, ["Training", "Training", "PrivateTest", "PrivateTest"], strict=True)
    ):
        path = tmp_path / "fer2013" / f"{split}_{900 + k}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), as_image_folder_jpeg(face))
        fer_paths.append(path)
        splits.append(split)
    # FER+ keeps each split in its own folder, in another order, one face per row's votes
    layout = {"FER2013Train": [1, 0], "FER2013Test": [3]}  # face 2 has no FER+ row
    for folder, members in layout.items():
        (tmp_path / "ferplus" / folder).mkdir(parents=True)
        with (tmp_path / "ferplus" / folder / "label.csv").open("w", newline="") as f:
            for k in members:
                cv2.imwrite(str(tmp_path / "ferplus" / folder / f"fer{k}.png"), faces[k])
                f.write(
                    f'fer{k}.png,"(0, 0, 48, 48)",'
                    + ",".join(["0"] * k + ["10"] + ["0"] * (9 - k))
                    + "\n"
                )
    (tmp_path / "ferplus" / "FER2013Valid").mkdir()
    (tmp_path / "ferplus" / "FER2013Valid" / "label.csv").touch()
    cache = tmp_path / "votes.npy"
    votes = ferplus_votes(fer_paths, splits, tmp_path / "ferplus", cache)
    assert np.nanargmax(votes[[0, 1, 3]], axis=1).tolist() == [0, 1, 3]
    assert np.isnan(votes[2]).all()
    assert np.array_equal(np.load(cache), votes, equal_nan=True)


def test_soft_targets_mix_the_label_with_the_votes_of_the_six():
    labels = np.array([C["Angry"], C["Happy"], C["Sad"]])
    votes = np.full((3, 10), np.nan, np.float32)
    votes[0] = [6, 0, 0, 0, 2, 2, 0, 0, 0, 0]  # neutral 6, anger 2, disgust 2 (left out)
    votes[1] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 10]  # not a face: no votes for the six
    shares = vote_shares(votes)
    assert shares[0, C["Neutral"]] == pytest.approx(0.75) and shares[0, C["Angry"]] == 0.25
    targets = soft_targets(labels, votes, 0.5)
    assert targets.sum(axis=1) == pytest.approx(np.ones(3))
    assert targets[0, C["Angry"]] == pytest.approx(0.625)
    assert targets[0, C["Neutral"]] == pytest.approx(0.375)
    assert targets[1].tolist() == np.eye(6)[C["Happy"]].tolist()
    assert targets[2].tolist() == np.eye(6)[C["Sad"]].tolist()


def test_facial_expressions_legend_mixed_case_dropped_duplicates_and_person_split(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "data").mkdir()
    rows = [["user.id", "image", "emotion"]]
    people = [f"Person_{chr(65 + p)}" for p in range(10)]
    for p, person in enumerate(people):
        for n in range(1, 4):
            name = f"{person}_{n:04d}.jpg"
            cv2.imwrite(str(tmp_path / "images" / name), np.full((20, 20), p * 20, np.uint8))
            rows.append(["628", name, ["happiness", "NEUTRAL", "Anger"][n - 1]])
    rows.append(["628", "Person_A_0001.jpg", "sadness"])  # listed twice: the first label stays
    rows.append(["631", "Person_B_0002.jpg", "disgust"])
    rows.append(["631", "missing_0001.jpg", "happiness"])  # no such photo
    (tmp_path / "images" / "Person_Z_0001.jpg").write_bytes(b"")
    rows.append(["631", "Person_Z_0001.jpg", "contempt"])
    with (tmp_path / "data" / "legend.csv").open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    images = read_facial_expressions(tmp_path)
    assert len(images.paths) == 30
    assert images.labels[:3] == [C["Happy"], C["Neutral"], C["Angry"]]
    assert images.dropped == {"contempt": 1}
    split_of = {}
    for path, split in zip(images.paths, images.splits, strict=True):
        split_of.setdefault(person_of(path.name), set()).add(split)
    assert all(len(s) == 1 for s in split_of.values())  # nobody on both sides
    assert sorted(images.splits).count("Test") in (3, 6)  # a fifth of ten people, by person
    with pytest.raises(FileNotFoundError, match=r"legend\.csv"):
        read_facial_expressions(tmp_path / "images")


@pytest.mark.parametrize(
    ("name", "person"),
    [("George_W_Bush_0001.jpg", "George_W_Bush"), ("HrithikRoshan_12.jpg", "HrithikRoshan"),
     ("facial-expressions_2868588k.jpg", "facial-expressions")],
)  # fmt: skip
def test_person_from_file_name(name, person):
    assert person_of(name) == person


def face_set(labels: list[int], split: str) -> FaceSet:
    n = len(labels)
    return FaceSet(
        np.array([f"{split}/{i}.jpg" for i in range(n)]), np.zeros((n, 478, 3), np.float32),
        np.zeros((n, 60, 60), np.uint8), np.array(labels), np.full(n, split),
        np.full((n, 10), np.nan, np.float32),
    )  # fmt: skip


def test_the_extra_set_is_drawn_down_per_class_and_joins_fer2013_with_its_votes():
    extra = face_set([C["Happy"]] * 50 + [C["Angry"]] * 3, "Training")
    kept = at_most_per_class(extra, limit=10)
    assert np.bincount(kept.labels, minlength=6)[[C["Happy"], C["Angry"]]].tolist() == [10, 3]
    assert at_most_per_class(extra, limit=10).names.tolist() == kept.names.tolist()  # seeded
    fer = face_set([C["Sad"], C["Neutral"]], "fer")
    fer.votes[:] = 0
    fer.votes[:, 3] = 10  # ten votes for sadness
    joined = fer + kept
    assert len(joined) == 15 and joined.names[0] == "fer/0.jpg"
    assert joined.subset("Training").labels.tolist() == kept.labels.tolist()
    targets = soft_targets(joined.labels, joined.votes, 0.25)
    assert targets[1, C["Neutral"]] == pytest.approx(0.75)  # FER+ says sad, FER2013 neutral
    assert targets[1, C["Sad"]] == pytest.approx(0.25)
    assert (targets[2:].max(axis=1) == 1).all()  # the extra faces keep their own labels
