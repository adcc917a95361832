"""Emotional speech datasets, labelled by their file-name conventions or annotation files.

- CREMA-D: ``1001_DFA_ANG_XX.wav`` (speaker, sentence, emotion, level); group = speaker.
- RAVDESS: ``03-01-06-01-02-01-12.wav`` (modality, channel, emotion, intensity, statement,
  repetition, actor); group = actor.
- TESS: ``OAF_back_angry.wav`` (speaker, word, emotion; "ps" is pleasant surprise); group = speaker.
- SAVEE: ``DC/a01.wav`` or ``DC_a01.wav`` (speaker, emotion code + number); group = speaker.
- Berlin EmoDB: ``03a01Fa.wav`` (speaker, text, emotion letter, version); group = speaker.
- EMOVO (Italian): ``<speaker>/<emotion>-<speaker>-<sentence>.wav`` with Italian emotion codes
  (``rab-f1-b1.wav``; disgust dropped); group = speaker.
- nEMO (Polish): ``<speaker>_<emotion>_<n>.wav`` with English emotion names
  (``EB0_anger_1.wav``); group = speaker.
- ASED (Amharic): ``<NN><Emotion>/<letter><n>-<sentence>-<repetition>-<gender>-<speaker>.wav``
  (``05Angry/a5-07-02-02-65.wav``); the class from the folder; group = speaker.
- CASIA (Mandarin): ``<speaker>/<emotion>/<n>.wav``; group = speaker.
- Spanish student recordings (rcebrian/speech-emotion-recognition): ``<speaker folder>/``
  ``<Emotion>_<n>.WAV`` with Spanish emotion names; group = the folder.
- IEMOCAP: ``Session*/dialog/EmoEvaluation/*.txt`` lines ``[start - end]\\tTURN\\temo\\t[v, a, d]``
  and ``Session*/sentences/wav/<dialog>/<TURN>.wav``; group = speaker (session + the turn's
  gender letter, e.g. ``Ses01F``).

Each reader counts the clips it drops, per source label, into ``dropped`` when given one.
"""

import re
from collections import Counter
from pathlib import Path

from emotion_ros.training.datasets.class_maps import (
    CLASS_INDEX,
    CREMAD,
    EMODB,
    EMOVO,
    RAVDESS,
    SAVEE,
    SPANISH,
    class_of,
)
from emotion_ros.training.datasets.sample import Sample


def _index(name: str | None) -> int | None:
    return None if name is None else CLASS_INDEX[name]


def read_crema_d(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """CREMA-D clips under ``root`` (any depth)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        parts = wav.stem.split("_")
        if len(parts) < 3:
            continue
        if (label := _index(CREMAD.get(parts[2]))) is None:
            dropped[parts[2]] += 1
            continue
        samples.append(Sample(wav, label, parts[0]))
    return samples


def read_ravdess(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """RAVDESS speech clips under ``root``."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        parts = wav.stem.split("-")
        if len(parts) != 7:
            continue
        if (label := _index(RAVDESS.get(int(parts[2])))) is None:
            dropped[f"emotion {parts[2]}"] += 1
            continue
        samples.append(Sample(wav, label, f"actor{parts[6]}"))
    return samples


def read_tess(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """TESS clips under ``root``."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        parts = wav.stem.split("_")
        if len(parts) < 3:
            continue
        if (label := class_of(parts[-1])) is None:
            dropped[parts[-1]] += 1
            continue
        samples.append(Sample(wav, label, parts[0]))
    return samples


_SAVEE = re.compile(r"^(?:([A-Z]{2})_)?(sa|su|[a-z])\d+$")


def read_savee(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """SAVEE clips under ``root`` (speaker from the folder or the file-name prefix)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        match = _SAVEE.match(wav.stem)
        if not match:
            continue
        if (label := _index(SAVEE.get(match.group(2)))) is None:
            dropped[match.group(2)] += 1
            continue
        samples.append(Sample(wav, label, match.group(1) or wav.parent.name))
    return samples


def read_emodb(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """Berlin EmoDB clips under ``root`` (boredom and disgust are dropped)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        stem = wav.stem
        if len(stem) != 7:
            continue
        if (label := _index(EMODB.get(stem[5]))) is None:
            dropped[stem[5]] += 1
            continue
        samples.append(Sample(wav, label, f"emodb{stem[:2]}"))
    return samples


def read_emovo(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """EMOVO clips under ``root`` (any depth; disgust dropped)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        parts = wav.stem.split("-")
        if len(parts) != 3:
            continue
        if (label := _index(EMOVO.get(parts[0]))) is None:
            dropped[parts[0]] += 1
            continue
        samples.append(Sample(wav, label, f"emovo-{parts[1]}"))
    return samples


def read_nemo(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """nEMO clips under ``root`` (any depth)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).rglob("*.wav")):
        parts = wav.stem.split("_")
        if len(parts) != 3:
            continue
        if (label := class_of(parts[1])) is None:
            dropped[parts[1]] += 1
            continue
        samples.append(Sample(wav, label, f"nemo-{parts[0]}"))
    return samples


def read_ased(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """ASED clips as ``<NN><Emotion>/<...>-<speaker>.wav`` under ``root``."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).glob("*/*.wav")):
        emotion = wav.parent.name.lstrip("0123456789")
        parts = wav.stem.split("-")
        if len(parts) != 5:
            continue
        if (label := class_of(emotion)) is None:
            dropped[emotion] += 1
            continue
        samples.append(Sample(wav, label, f"ased-{parts[4]}"))
    return samples


def read_casia(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """CASIA clips as ``<speaker>/<emotion>/<n>.wav`` under ``root``."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(Path(root).glob("*/*/*.wav")):
        if (label := class_of(wav.parent.name)) is None:
            dropped[wav.parent.name] += 1
            continue
        samples.append(Sample(wav, label, f"casia-{wav.parents[1].name}"))
    return samples


def read_spanish(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """Spanish clips as ``<speaker folder>/<Emoción>_<n>.WAV`` under ``root`` (disgust dropped)."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for wav in sorted(p for p in Path(root).rglob("*") if p.suffix.lower() == ".wav"):
        emotion = wav.stem.split("_")[0]
        if (label := _index(SPANISH.get(emotion))) is None:
            dropped[emotion] += 1
            continue
        samples.append(Sample(wav, label, f"es-{wav.parent.name}"))
    return samples


_IEMOCAP_LINE = re.compile(r"^\[[\d.]+ - [\d.]+\]\t(\S+)\t(\S+)\t")


def read_iemocap(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """IEMOCAP turns with one of the six labels whose wav file exists."""
    samples = []
    dropped = Counter() if dropped is None else dropped
    for evaluation in sorted(Path(root).glob("Session*/dialog/EmoEvaluation/*.txt")):
        session = evaluation.parents[2]
        for line in evaluation.read_text(errors="replace").splitlines():
            match = _IEMOCAP_LINE.match(line)
            if not match:
                continue
            turn, emotion = match.groups()
            label = class_of(emotion)
            wav = session / "sentences" / "wav" / evaluation.stem / f"{turn}.wav"
            if label is None:
                dropped[emotion] += 1
            elif wav.is_file():
                speaker = turn.split("_")[0][:5] + turn.split("_")[-1][0]
                samples.append(Sample(wav, label, speaker))
    return samples
