"""The data of the default recipe, split: FER2013's faces and FER+'s test, the speech corpora and
MELD's transcripts.

Its own module, below both the recipe (which trains on it) and its evaluation (which scores on
it), so that neither imports the other.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emotion_ros.training.datasets.text_datasets import Utterances, read_meld
from emotion_ros.training.features.face_data import FaceSet, load_fer2013, load_ferplus_test
from emotion_ros.training.features.speech_data import CORPORA, SpeechSet, read_corpus
from emotion_ros.training.recipe import speech_recipe
from emotion_ros.training.recipe.data_sources import SOURCES


@dataclass
class RecipeData:
    """The face and speech sets, split."""

    faces: dict[str, FaceSet]  # train, validation (PublicTest), test (PrivateTest), ferplus
    speech: dict[str, SpeechSet]  # train, validation, test (each with every corpus)
    transcripts: dict[str, Utterances]  # MELD's train and test
    counts: dict[str, Any] = field(default_factory=dict)


def load_data(data: Path, cache: Path, progress: bool = True) -> RecipeData:
    """Read (or load from the cache) every data set the recipe uses, under ``data`` (the folders
    of ``data_sources.SOURCES``)."""
    fer = load_fer2013(data / SOURCES["fer2013"].folder, cache, progress)
    faces = {
        "train": fer.subset("Training"),
        "validation": fer.subset("PublicTest"),
        "test": fer.subset("PrivateTest"),
        "ferplus": load_ferplus_test(data / SOURCES["ferplus"].folder, cache, progress),
    }
    speech = None
    for corpus in CORPORA:
        clips = read_corpus(corpus, data, cache, progress)
        speech = clips if speech is None else speech + clips
    meld = data / SOURCES["meld"].folder
    transcripts = {part: read_meld(meld, part) for part in ("train", "test")}
    counts = {"fer2013": fer.counts, "ferplus_test": faces["ferplus"].counts}
    return RecipeData(faces, speech_recipe.split(speech), transcripts, counts)
