"""The data of the default recipe, split: FER2013's faces (with FER+'s votes) and FER+'s test,
the facial_expressions photos, the speech corpora and MELD's transcripts.

facial_expressions is mostly Happy and Neutral (5,694 and 6,864 of 13,465 photos), so the
recipe trains on at most ``EXTRA_FACES_PER_CLASS`` of each of its classes: all its Angry, Sad,
Surprised and Worried faces, and a share of the others that does not tilt FER2013's balance
further towards Neutral. Its test persons are all scored.

Its own module, below both the recipe (which trains on it) and its evaluation (which scores on
it), so that neither imports the other.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.training.datasets.text_datasets import Utterances, read_meld
from emotion_ros.training.features.face_data import (
    FaceSet,
    load_facial_expressions,
    load_fer2013,
    load_ferplus_test,
)
from emotion_ros.training.features.speech_data import (
    CORPORA,
    UNHEARD_LANGUAGES,
    SpeechSet,
    read_corpus,
)
from emotion_ros.training.recipe import speech_recipe
from emotion_ros.training.recipe.data_sources import SOURCES

EXTRA_FACES_PER_CLASS = 1500
SAMPLING_SEED = 0


@dataclass
class RecipeData:
    """The face and speech sets, split."""

    # train, validation (PublicTest), test (PrivateTest), ferplus, facial_expressions (its test)
    faces: dict[str, FaceSet]
    speech: dict[str, SpeechSet]  # train, validation, test (each with every corpus)
    transcripts: dict[str, Utterances]  # MELD's train and test
    # corpora only scored, in languages no training corpus speaks (``UNHEARD_LANGUAGES``)
    unheard_languages: dict[str, SpeechSet] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)


def load_data(data: Path, cache: Path, progress: bool = True) -> RecipeData:
    """Read (or load from the cache) every data set the recipe uses, under ``data`` (the folders
    of ``data_sources.SOURCES``)."""
    ferplus = data / SOURCES["ferplus"].folder
    fer = load_fer2013(data / SOURCES["fer2013"].folder, cache, progress, ferplus)
    expressions = load_facial_expressions(
        data / SOURCES["facial_expressions"].folder, cache, progress
    )
    extra = at_most_per_class(expressions.subset("Training"))
    faces = {
        "train": fer.subset("Training") + extra,
        "validation": fer.subset("PublicTest"),
        "test": fer.subset("PrivateTest"),
        "ferplus": load_ferplus_test(ferplus, cache, progress),
        "facial_expressions": expressions.subset("Test"),
    }
    speech = None
    for corpus in CORPORA:
        clips = read_corpus(corpus, data, cache, progress)
        speech = clips if speech is None else speech + clips
    unheard = {name: read_corpus(name, data, cache, progress) for name in UNHEARD_LANGUAGES}
    meld = data / SOURCES["meld"].folder
    transcripts = {part: read_meld(meld, part) for part in ("train", "test")}
    counts = {
        "fer2013": fer.counts,
        "ferplus_test": faces["ferplus"].counts,
        "facial_expressions": {
            **expressions.counts,
            "trained on": {
                CLASS_NAMES[k]: int((extra.labels == k).sum()) for k in range(len(CLASS_NAMES))
            },
        },
    }
    return RecipeData(
        faces, speech_recipe.split(speech), transcripts, unheard_languages=unheard, counts=counts
    )


def at_most_per_class(faces: FaceSet, limit: int = EXTRA_FACES_PER_CLASS) -> FaceSet:
    """``faces`` with each class drawn down to ``limit`` faces at random (seeded)."""
    rng = np.random.default_rng(SAMPLING_SEED)
    kept = []
    for label in np.unique(faces.labels):
        members = np.flatnonzero(faces.labels == label)
        kept.append(rng.permutation(members)[:limit] if len(members) > limit else members)
    return faces.select(np.sort(np.concatenate(kept)))
