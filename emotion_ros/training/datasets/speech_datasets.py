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
- TurEV-DB (Turkish): ``<Emotion>/<speaker>_<word>.wav`` (``Angry/1358_sk_beste.wav``; calm
  dropped); group = speaker.
- emotiontts_open_db (Korean, the public sample): ``<script>/<speaker>/wav/<speaker><n>.wav``
  (``neo00203.wav``: clips 1-100 neutral, 101-200 happy, 201-300 angry, 301-400 sad);
  group = speaker.
- IEMOCAP: ``Session*/dialog/EmoEvaluation/*.txt`` lines ``[start - end]\\tTURN\\temo\\t[v, a, d]``
  and ``Session*/sentences/wav/<dialog>/<TURN>.wav``; group = speaker (session + the turn's
  gender letter, e.g. ``Ses01F``).

Each reader counts the clips it drops, per source label, into ``dropped`` when given one.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from emotion_ros.training.datasets.class_maps import (
    CLASS_INDEX,
    CREMAD,
    EMODB,
    EMOTIONTTS,
    EMOVO,
    RAVDESS,
    SAVEE,
    SPANISH,
    class_of,
)
from emotion_ros.training.datasets.sample import Sample


def _index(name: str | None) -> int | None:
    return None if name is None else CLASS_INDEX[name]


# what a reader's parser makes of a file: (the corpus's own label, our class or None, group)
Parsed = tuple[str, int | None, str]


def _read(
    files: Iterable[Path], parse: Callable[[Path], Parsed | None], dropped: Counter[str] | None
) -> list[Sample]:
    """The clips among ``files`` whose names ``parse`` understands (others are not clips of the
    corpus: read-me files, other takes), in path order; a clip whose label has no class is left
    out and counted per label into ``dropped``."""
    samples = []
    for wav in sorted(files):
        parsed = parse(wav)
        if parsed is None:
            continue
        name, label, group = parsed
        if label is None:
            if dropped is not None:
                dropped[name] += 1
            continue
        samples.append(Sample(wav, label, group))
    return samples


def _wavs(root: Path) -> Iterable[Path]:
    return Path(root).rglob("*.wav")


def read_crema_d(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """CREMA-D clips under ``root`` (any depth)."""

    def parse(wav: Path) -> Parsed | None:
        parts = wav.stem.split("_")
        return None if len(parts) < 3 else (parts[2], _index(CREMAD.get(parts[2])), parts[0])

    return _read(_wavs(root), parse, dropped)


def read_ravdess(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """RAVDESS speech clips under ``root``."""

    def parse(wav: Path) -> Parsed | None:
        parts = wav.stem.split("-")
        if len(parts) != 7:
            return None
        return f"emotion {parts[2]}", _index(RAVDESS.get(int(parts[2]))), f"actor{parts[6]}"

    return _read(_wavs(root), parse, dropped)


def read_tess(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """TESS clips under ``root``."""

    def parse(wav: Path) -> Parsed | None:
        parts = wav.stem.split("_")
        return None if len(parts) < 3 else (parts[-1], class_of(parts[-1]), parts[0])

    return _read(_wavs(root), parse, dropped)


_SAVEE = re.compile(r"^(?:([A-Z]{2})_)?(sa|su|[a-z])\d+$")


def read_savee(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """SAVEE clips under ``root`` (speaker from the folder or the file-name prefix)."""

    def parse(wav: Path) -> Parsed | None:
        if not (match := _SAVEE.match(wav.stem)):
            return None
        code = match.group(2)
        return code, _index(SAVEE.get(code)), match.group(1) or wav.parent.name

    return _read(_wavs(root), parse, dropped)


def read_emodb(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """Berlin EmoDB clips under ``root`` (boredom and disgust are dropped)."""

    def parse(wav: Path) -> Parsed | None:
        stem = wav.stem
        return None if len(stem) != 7 else (stem[5], _index(EMODB.get(stem[5])), f"emodb{stem[:2]}")

    return _read(_wavs(root), parse, dropped)


def read_emovo(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """EMOVO clips under ``root`` (any depth; disgust dropped)."""

    def parse(wav: Path) -> Parsed | None:
        parts = wav.stem.split("-")
        if len(parts) != 3:
            return None
        return parts[0], _index(EMOVO.get(parts[0])), f"emovo-{parts[1]}"

    return _read(_wavs(root), parse, dropped)


def read_nemo(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """nEMO clips under ``root`` (any depth)."""

    def parse(wav: Path) -> Parsed | None:
        parts = wav.stem.split("_")
        return None if len(parts) != 3 else (parts[1], class_of(parts[1]), f"nemo-{parts[0]}")

    return _read(_wavs(root), parse, dropped)


def read_ased(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """ASED clips as ``<NN><Emotion>/<...>-<speaker>.wav`` under ``root``."""

    def parse(wav: Path) -> Parsed | None:
        emotion = wav.parent.name.lstrip("0123456789")
        parts = wav.stem.split("-")
        return None if len(parts) != 5 else (emotion, class_of(emotion), f"ased-{parts[4]}")

    return _read(Path(root).glob("*/*.wav"), parse, dropped)


def read_casia(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """CASIA clips as ``<speaker>/<emotion>/<n>.wav`` under ``root``."""

    def parse(wav: Path) -> Parsed:
        emotion = wav.parent.name
        return emotion, class_of(emotion), f"casia-{wav.parents[1].name}"

    return _read(Path(root).glob("*/*/*.wav"), parse, dropped)


def read_spanish(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """Spanish clips as ``<speaker folder>/<Emoción>_<n>.WAV`` under ``root`` (disgust dropped)."""

    def parse(wav: Path) -> Parsed | None:
        if wav.suffix.lower() != ".wav":
            return None
        emotion = wav.stem.split("_")[0]
        return emotion, _index(SPANISH.get(emotion)), f"es-{wav.parent.name}"

    return _read(Path(root).rglob("*"), parse, dropped)


def read_turev(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """TurEV-DB clips as ``<Emotion>/<speaker>_<...>.wav`` under ``root`` (calm dropped)."""

    def parse(wav: Path) -> Parsed:
        emotion = wav.parent.name
        return emotion, class_of(emotion), f"turev-{wav.stem.split('_')[0]}"

    return _read(Path(root).glob("*/*.wav"), parse, dropped)


_EMOTIONTTS_CLIP = re.compile(r"^([a-z]+)(\d{5})$")


def read_emotiontts(root: Path, dropped: Counter[str] | None = None) -> list[Sample]:
    """emotiontts_open_db clips as ``<script>/<speaker>/wav/<speaker><n>.wav`` under ``root``;
    the class from the clip's number (a hundred per class, in ``EMOTIONTTS`` order)."""

    def parse(wav: Path) -> Parsed | None:
        match = _EMOTIONTTS_CLIP.match(wav.stem)
        if match is None or not 1 <= int(match[2]) <= 100 * len(EMOTIONTTS):
            return None
        emotion = EMOTIONTTS[(int(match[2]) - 1) // 100]
        return emotion, CLASS_INDEX[emotion], f"ko-{match[1]}"

    return _read(Path(root).glob("*/*/wav/*.wav"), parse, dropped)


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
