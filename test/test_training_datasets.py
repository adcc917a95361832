"""Dataset readers on tiny fixtures in each dataset's real layout (built here, no real data)."""

import csv
from collections import Counter

import cv2
import numpy as np
import pytest
import soundfile

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.training.datasets import image_datasets, speech_datasets, video_datasets
from emotion_ros.training.datasets.text_datasets import read_meld
from emotion_ros.training.fitting.splits import group_kfold, group_split

C = {name: i for i, name in enumerate(CLASS_NAMES)}


def wav(path, seconds: float = 0.5, rate: int = 16_000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, np.zeros(int(seconds * rate), np.float32), rate)


def test_image_folder_names_synonyms_drop_disgust_and_group_by_subject(tmp_path):
    for folder, name in [("happy", "S005_001_01.png"), ("Anger", "S010_002_03.png"),
                         ("fear", "img7.jpg"), ("disgust", "S005_004_01.png")]:  # fmt: skip
        (tmp_path / folder).mkdir()
        cv2.imwrite(str(tmp_path / folder / name), np.zeros((8, 8, 3), np.uint8))
    dropped = Counter()
    samples = image_datasets.read_image_folder(tmp_path, dropped=dropped)
    got = sorted((s.source.parent.name, s.label, s.group) for s in samples)
    assert got == [("Anger", C["Angry"], "S010"), ("fear", C["Worried"], "img7"),
                   ("happy", C["Happy"], "S005")]  # fmt: skip
    assert dropped == {"disgust": 1}


def test_rafdb_numbered_folders(tmp_path):
    for folder in ("1", "3", "4"):
        (tmp_path / folder).mkdir()
        cv2.imwrite(str(tmp_path / folder / f"train_{folder}.jpg"), np.zeros((8, 8, 3), np.uint8))
    dropped = Counter()
    labels = sorted(s.label for s in image_datasets.read_image_folder(tmp_path, "rafdb", dropped))
    assert labels == sorted([C["Surprised"], C["Happy"]])  # 3 = disgust is dropped
    assert dropped == {"3": 1}


def test_fer2013_and_ferplus(tmp_path):
    pixels = " ".join(["7"] * 48 * 48)
    fer = tmp_path / "fer2013.csv"
    with fer.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["emotion", "pixels", "Usage"])
        for emotion in (3, 1, 6):  # happy, disgust (dropped), neutral
            w.writerow([emotion, pixels, "Training"])
    dropped = Counter()
    samples = image_datasets.read_fer2013(fer, dropped=dropped)
    assert [s.label for s in samples] == [C["Happy"], C["Neutral"]]
    assert dropped == {"disgust": 1}
    assert samples[0].source.shape == (48, 48) and samples[0].source[0, 0] == 7
    votes = tmp_path / "fer2013new.csv"
    with votes.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Usage", "Image name", "neutral", "happiness", "surprise", "sadness", "anger",
                    "disgust", "fear", "contempt", "unknown", "NF"])  # fmt: skip
        w.writerow(["Training", "a.png", 0, 0, 8, 2, 0, 0, 0, 0, 0, 0])  # surprise
        w.writerow(["Training", "b.png", 0, 0, 0, 0, 0, 0, 0, 0, 0, 10])  # not a face: dropped
        w.writerow(["Training", "c.png", 1, 0, 0, 0, 0, 0, 9, 0, 0, 0])  # fear -> Worried
    dropped = Counter()
    assert [s.label for s in image_datasets.read_fer2013(fer, votes, dropped)] == [
        C["Surprised"],
        C["Worried"],
    ]
    assert dropped == {"NF": 1}


def test_mer_videos_and_label_csv(tmp_path):
    videos = tmp_path / "videos"
    videos.mkdir()
    for name in ("sample_00000001", "sample_00000002"):
        writer = cv2.VideoWriter(
            str(videos / f"{name}.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 5, (32, 32)
        )
        writer.write(np.zeros((32, 32, 3), np.uint8))
        writer.release()
    labels = tmp_path / "label-6way.csv"
    labels.write_text(
        "name,discrete\nsample_00000001,worried\nsample_00000002,surprise\nmissing,happy\n"
    )
    dropped = Counter()
    samples = video_datasets.read_mer(videos, labels, dropped)
    assert dropped == {"no video file": 1}
    assert [(s.group, s.label) for s in samples] == [
        ("sample_00000001", C["Worried"]), ("sample_00000002", C["Surprised"])
    ]  # fmt: skip


def test_speech_corpora_by_file_name(tmp_path):
    for name in ("1001_DFA_ANG_XX", "1002_IEO_HAP_HI", "1001_TIE_DIS_XX"):
        wav(tmp_path / "crema" / f"{name}.wav")
    # fearful (Worried), calm (dropped: not neutral), disgust (dropped), neutral
    for name in ("03-01-06-01-02-01-12", "03-01-02-01-01-01-01", "03-01-07-01-01-01-03",
                 "03-01-01-01-01-02-05"):  # fmt: skip
        wav(tmp_path / "ravdess" / "Actor_x" / f"{name}.wav")
    for name in ("OAF_back_angry", "YAF_chair_ps", "OAF_dog_disgust"):
        wav(tmp_path / "tess" / f"{name}.wav")
    for name in ("DC/sa01", "JE/su03", "KL/d02", "JK_h05"):
        wav(tmp_path / "savee" / f"{name}.wav")
    dropped = Counter()
    crema = speech_datasets.read_crema_d(tmp_path / "crema", dropped)
    assert [(s.group, s.label) for s in crema] == [("1001", C["Angry"]), ("1002", C["Happy"])]
    ravdess = speech_datasets.read_ravdess(tmp_path / "ravdess", dropped)
    assert sorted((s.group, s.label) for s in ravdess) == [
        ("actor05", C["Neutral"]),
        ("actor12", C["Worried"]),
    ]
    tess = speech_datasets.read_tess(tmp_path / "tess", dropped)
    assert sorted((s.group, s.label) for s in tess) == [
        ("OAF", C["Angry"]),
        ("YAF", C["Surprised"]),
    ]
    savee = speech_datasets.read_savee(tmp_path / "savee", dropped)
    assert sorted((s.group, s.label) for s in savee) == [
        ("DC", C["Sad"]), ("JE", C["Surprised"]), ("JK", C["Happy"])
    ]  # fmt: skip
    # disgust in each corpus's own code, and RAVDESS's calm (not neutral)
    assert dropped == {"DIS": 1, "emotion 07": 1, "emotion 02": 1, "disgust": 1, "d": 1}


def test_emodb_casia_and_spanish_by_their_layouts(tmp_path):
    for name in ("03a01Fa", "10b09La", "16a05Ab", "08a02Nc"):  # happy, boredom, fear, neutral
        wav(tmp_path / "emodb" / "wav" / f"{name}.wav")
    for speaker, emotion in (("wangzhe", "surprise"), ("liuchanhg", "fear")):
        wav(tmp_path / "casia" / speaker / emotion / "201.wav")
    (tmp_path / "casia" / "wangzhe" / "surprise" / "201.lab").write_text("not audio")
    for folder, name in (("3", "Sorpresa_8.WAV"), ("3", "Asco_1.WAV"), ("Test1", "Neutro_2.WAV")):
        wav(tmp_path / "spanish" / folder / name)
    emodb = speech_datasets.read_emodb(tmp_path / "emodb")
    assert sorted((s.group, s.label) for s in emodb) == [
        ("emodb03", C["Happy"]), ("emodb08", C["Neutral"]), ("emodb16", C["Worried"])
    ]  # fmt: skip
    casia = speech_datasets.read_casia(tmp_path / "casia")
    assert sorted((s.group, s.label) for s in casia) == [
        ("casia-liuchanhg", C["Worried"]), ("casia-wangzhe", C["Surprised"])
    ]  # fmt: skip
    spanish = speech_datasets.read_spanish(tmp_path / "spanish")
    assert sorted((s.group, s.label) for s in spanish) == [
        ("es-3", C["Surprised"]), ("es-Test1", C["Neutral"])
    ]  # fmt: skip


def test_emovo_by_its_layout_with_disgust_dropped(tmp_path):
    for speaker, name in (("f1", "rab-f1-b1"), ("m3", "pau-m3-n5"), ("m3", "dis-m3-n1")):
        wav(tmp_path / "emovo" / speaker / f"{name}.wav")
    wav(tmp_path / "emovo" / "f1" / "notes.wav")  # not an EMOVO name
    dropped = Counter()
    emovo = speech_datasets.read_emovo(tmp_path / "emovo", dropped)
    assert sorted((s.group, s.label) for s in emovo) == [
        ("emovo-f1", C["Angry"]), ("emovo-m3", C["Worried"])
    ]  # fmt: skip
    assert dropped == {"dis": 1}


def test_nemo_and_ased_by_their_layouts(tmp_path):
    for name in ("EB0_anger_1", "WR0_surprised_90", "KS0_boredom_2", "notes"):
        wav(tmp_path / "nemo" / "samples" / f"{name}.wav")
    ased_clips = {"05Angry": "a5-07-02-02-65", "04Sad": "S4-04-02-01-29",
                  "02Fearful": "f2-07-02-01-25", "06Bored": "b1-01-01-01-02"}  # fmt: skip
    for folder, name in ased_clips.items():
        wav(tmp_path / "ased" / folder / f"{name}.wav")
    dropped = Counter()
    nemo = speech_datasets.read_nemo(tmp_path / "nemo", dropped)
    assert sorted((s.group, s.label) for s in nemo) == [
        ("nemo-EB0", C["Angry"]), ("nemo-WR0", C["Surprised"])
    ]  # fmt: skip
    ased = speech_datasets.read_ased(tmp_path / "ased", dropped)
    assert sorted((s.group, s.label) for s in ased) == [
        ("ased-25", C["Worried"]), ("ased-29", C["Sad"]), ("ased-65", C["Angry"])
    ]  # fmt: skip
    assert dropped == {"boredom": 1, "Bored": 1}


def test_turev_and_the_korean_sample_by_their_layouts(tmp_path):
    for folder, name in (("Angry", "1358_sk_beste"), ("Sad", "7895_ak_pamuk"),
                         ("Calm", "1157_sk_algi")):  # fmt: skip
        wav(tmp_path / "turev" / folder / f"{name}.wav")
    korean = tmp_path / "korean"
    for clip in (
        "emotional-to-emotional/nea/wav/nea00001",
        "emotional-to-emotional/nea/wav/nea00203",
        "plain-to-emotional/emf/wav/emf00400",
        "plain-to-emotional/emf/wav/emf00401",
    ):
        wav(korean / f"{clip}.wav")
    (korean / "emotional-to-emotional" / "nea" / "script").mkdir()
    (korean / "emotional-to-emotional" / "nea" / "script" / "nea00001.txt").write_text("text")
    dropped = Counter()
    turev = speech_datasets.read_turev(tmp_path / "turev", dropped)
    assert sorted((s.group, s.label) for s in turev) == [
        ("turev-1358", C["Angry"]), ("turev-7895", C["Sad"])
    ]  # fmt: skip
    assert dropped == {"Calm": 1}, "calm is not neutral"
    samples = speech_datasets.read_emotiontts(korean)
    assert sorted((s.group, s.label) for s in samples) == [
        ("ko-emf", C["Sad"]),
        ("ko-nea", C["Angry"]),
        ("ko-nea", C["Neutral"]),
    ], "a hundred clips per class, and a number past 400 is no clip of the corpus"


def test_meld_transcripts_keep_their_words_and_drop_disgust(tmp_path):
    rows = [
        "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID",
        '1,"Oh my God, that\u2019s great!",Rachel,joy,positive,0,0',
        "2,Get out.,Ross,anger,negative,0,1",
        "3,Eww.,Monica,disgust,negative,0,2",
    ]
    (tmp_path / "test_sent_emo.csv").write_bytes("\n".join(rows).encode("cp1252"))
    dropped = Counter()
    meld = read_meld(tmp_path, "test", dropped)
    assert meld.texts == ["Oh my God, that's great!", "Get out."]
    assert list(meld.label_array()) == [C["Happy"], C["Angry"]]
    assert meld.speakers == ["Rachel", "Ross"] and dropped == {"disgust": 1}
    with pytest.raises(FileNotFoundError, match="MELD train"):
        read_meld(tmp_path, "train")


def test_iemocap_layout(tmp_path):
    session = tmp_path / "Session1"
    evaluation = session / "dialog" / "EmoEvaluation" / "Ses01F_impro01.txt"
    evaluation.parent.mkdir(parents=True)
    evaluation.write_text(
        "% header\n"
        "[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]\n"
        "[10.0 - 12.0]\tSes01F_impro01_M001\texc\t[3.5, 3.5, 3.0]\n"
        "[13.0 - 14.0]\tSes01F_impro01_M002\tfru\t[2.0, 3.5, 3.0]\n"
    )
    for turn in ("Ses01F_impro01_F000", "Ses01F_impro01_M001", "Ses01F_impro01_M002"):
        wav(session / "sentences" / "wav" / "Ses01F_impro01" / f"{turn}.wav")
    dropped = Counter()
    samples = speech_datasets.read_iemocap(tmp_path, dropped)
    assert [(s.group, s.label) for s in samples] == [
        ("Ses01F", C["Neutral"]),
        ("Ses01M", C["Happy"]),
    ]
    assert dropped == {"fru": 1}


@pytest.mark.parametrize("folds", [2, 3, 5])
def test_group_kfold_never_leaks_a_group(folds):
    rng = np.random.default_rng(folds)
    groups = rng.integers(0, 12, 300).astype(str)
    seen = []
    for train, test in group_kfold(groups, folds, seed=1):
        assert set(groups[train]).isdisjoint(groups[test])
        assert len(train) + len(test) == len(groups)
        seen.extend(test)
    assert sorted(seen) == list(range(len(groups)))  # every sample is tested exactly once


def test_group_split_and_bad_fold_counts():
    groups = np.repeat(np.arange(10), 5).astype(str)
    train, test = group_split(groups, 0.2)
    assert set(groups[train]).isdisjoint(groups[test]) and 5 <= len(test) <= 15
    with pytest.raises(ValueError, match="folds"):
        group_kfold(groups[:5], 3)
