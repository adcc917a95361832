"""How each dataset's labels map onto Happy, Angry, Sad, Neutral, Surprised, Worried.

Fear maps to Worried (the nearest of the six); Disgust and Contempt have no counterpart and are
dropped, as are "other", "unknown" and frustration (IEMOCAP), which are not one of the six.
Excitement (IEMOCAP) is merged into Happy. RAVDESS's calm is not neutral (its actors were asked
for a calm, slightly pleasant voice, and models that merge them confuse calm with sadness), so it
is dropped, as is TurEV-DB's calm; so is EmoDB's boredom.
"""

from emotion_ros.emotion_classes import CLASS_NAMES

CLASS_INDEX = {name: i for i, name in enumerate(CLASS_NAMES)}

# Lower-case source label -> class name (absent: dropped).
SYNONYMS = {
    "happy": "Happy", "happiness": "Happy", "joy": "Happy", "hap": "Happy", "exc": "Happy",
    "angry": "Angry", "anger": "Angry", "ang": "Angry",
    "sad": "Sad", "sadness": "Sad",
    "neutral": "Neutral", "neu": "Neutral",
    "surprise": "Surprised", "surprised": "Surprised", "sur": "Surprised", "ps": "Surprised",
    "worried": "Worried", "fear": "Worried", "fearful": "Worried", "fea": "Worried",
}  # fmt: skip

FER2013 = {0: "Angry", 2: "Worried", 3: "Happy", 4: "Sad", 5: "Surprised", 6: "Neutral"}
FER2013_NAMES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")  # its codes
FERPLUS_COLUMNS = ("neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear",
                   "contempt", "unknown", "NF")  # fmt: skip
RAFDB = {1: "Surprised", 2: "Worried", 4: "Happy", 5: "Sad", 6: "Angry", 7: "Neutral"}
CKPLUS = {0: "Neutral", 1: "Angry", 4: "Worried", 5: "Happy", 6: "Sad", 7: "Surprised"}
CREMAD = {"ANG": "Angry", "FEA": "Worried", "HAP": "Happy", "NEU": "Neutral", "SAD": "Sad"}
RAVDESS = {1: "Neutral", 3: "Happy", 4: "Sad", 5: "Angry", 6: "Worried", 8: "Surprised"}
EMODB = {"W": "Angry", "A": "Worried", "F": "Happy", "T": "Sad", "N": "Neutral"}
SPANISH = {"Alegria": "Happy", "Ira": "Angry", "Miedo": "Worried", "Neutro": "Neutral",
           "Sorpresa": "Surprised", "Tristeza": "Sad"}  # fmt: skip
EMOVO = {"gio": "Happy", "rab": "Angry", "tri": "Sad", "neu": "Neutral", "sor": "Surprised",
         "pau": "Worried"}  # fmt: skip
SAVEE = {"a": "Angry", "f": "Worried", "h": "Happy", "n": "Neutral", "sa": "Sad",
         "su": "Surprised"}  # fmt: skip
# emotiontts_open_db (Korean): each speaker's clips 1-100, 101-200, 201-300, 301-400
EMOTIONTTS = ("Neutral", "Happy", "Angry", "Sad")


def class_of(label: str) -> int | None:
    """Class index of a free-text label (folder name, CSV value), or None when it is dropped."""
    name = SYNONYMS.get(label.strip().lower())
    return None if name is None else CLASS_INDEX[name]
