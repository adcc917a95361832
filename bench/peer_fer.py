"""Peer comparison: the PyPI package ``fer`` (25.10.3, MIT) on our FER2013 and FER+ test sets.

Run with a separate environment that has ``fer`` installed (this script does not import
emotion_ros), e.g.::

    python3.11 -m venv /tmp/fervenv
    /tmp/fervenv/bin/pip install --no-deps fer==25.10.3
    /tmp/fervenv/bin/pip install tensorflow-cpu "opencv-python-headless<5" requests Pillow
    nice /tmp/fervenv/bin/python bench/peer_fer.py --fer2013 DIR --ferplus DIR

Test sets (the ones our face models are scored on):

- FER2013 PrivateTest, image-folder release: ``DIR/test/<class>/PrivateTest_*.jpg`` with the
  original labels; ``disgust`` has no counterpart among our six classes and is left out
  (3,534 images).
- FER+ test: ``DIR/FER2013Test/*.png`` (48x48) with ``label.csv`` rows ``name, box, 10 vote
  counts`` (neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF).
  The label is the majority vote (ties go to the first column, as numpy's argmax does); images
  whose majority is not one of the six are left out.

Protocol: the test images are already tight face crops, framed as FER2013's training faces (fer's
model was trained on FER2013), so the whole image is the face. Each image is preprocessed exactly
as ``fer.fer.FER.detect_emotions`` preprocesses a face crop (grey via ``cv2.cvtColor`` from BGR,
``cv2.resize`` to the model's 64x64 input with OpenCV's default bilinear interpolation, then
``x / 255``, ``(x - 0.5) * 2``) and passed to ``FER._classify_emotions``, fer's own classifier call
(its default quantised TFLite model, ``use_tflite=True``). Not mirrored: detect_emotions would
also grow a given face box by fer's 10 px offsets over a 40 px mean-grey border, which is meant
for tight Haar boxes; that public-API route is reported on one extra line for information.

Class mapping: fer scores 7 classes (angry, disgust, fear, happy, sad, surprise, neutral). Ours are
Happy, Angry, Sad, Neutral, Surprised, Worried; fear maps to Worried. The prediction is the argmax
over the six scores that map to ours: disgust's score is dropped (how often disgust would have
been fer's top class is printed).

Also printed: the median per-image time (preprocessing plus fer's model call, and the model call
alone; file reading and decoding excluded; one face at a time, as fer's TFLite path runs), and,
for information, on how many of the 224x224 FER2013 images fer's own face detector (its default
OpenCV Haar cascade, default settings) finds a face.
"""

import argparse
import csv
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported by fer
warnings.filterwarnings("ignore", category=UserWarning)  # tf.lite.Interpreter deprecation
warnings.filterwarnings("ignore", category=DeprecationWarning)  # pkg_resources

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from fer import __version__ as fer_version  # noqa: E402
from fer.fer import FER  # noqa: E402

CLASS_NAMES = ("Happy", "Angry", "Sad", "Neutral", "Surprised", "Worried")
# our class -> fer's label name (fer's disgust has no counterpart)
FER_LABEL_OF = {
    "Happy": "happy",
    "Angry": "angry",
    "Sad": "sad",
    "Neutral": "neutral",
    "Surprised": "surprise",
    "Worried": "fear",
}
# FER2013 folder names and FER+ vote columns -> our class (absent: left out)
FOLDER_CLASS = {
    "happy": "Happy",
    "angry": "Angry",
    "sad": "Sad",
    "neutral": "Neutral",
    "surprise": "Surprised",
    "fear": "Worried",
}
FERPLUS_COLUMNS = ("neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear",
                   "contempt", "unknown", "NF")  # fmt: skip
FERPLUS_CLASS = {
    "neutral": "Neutral",
    "happiness": "Happy",
    "surprise": "Surprised",
    "sadness": "Sad",
    "anger": "Angry",
    "fear": "Worried",
}
FER_INPUT_SIZE = (64, 64)  # fer.fer.FER sets this for its TFLite model; checked against it below


@dataclass
class TestSet:
    """Image files, their class indices (into CLASS_NAMES) and what was left out."""

    name: str
    paths: list[Path]
    labels: np.ndarray
    left_out: dict[str, int]


@dataclass
class Scores:
    """fer's predictions on one test set."""

    predicted: np.ndarray  # six-class argmax, index into CLASS_NAMES
    disgust_top: int  # images where fer's 7-class argmax is disgust
    api_predicted: np.ndarray  # six-class argmax of detect_emotions' (rounded) scores
    total_ms: np.ndarray  # preprocessing + model call per image
    model_ms: np.ndarray  # model call alone per image
    haar_found: int  # images where fer's Haar cascade finds at least one face


def read_fer2013(root: Path) -> TestSet:
    """FER2013 PrivateTest from the image-folder release, six classes, original labels."""
    folder = root / "test"
    if not folder.is_dir():
        raise SystemExit(f"{folder} is missing (expected the FER2013 image-folder release)")
    paths: list[Path] = []
    labels: list[int] = []
    left_out: dict[str, int] = {}
    for class_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(class_dir.glob("PrivateTest_*"))
        ours = FOLDER_CLASS.get(class_dir.name.lower())
        if ours is None:
            left_out[class_dir.name] = len(files)
            continue
        paths += files
        labels += [CLASS_NAMES.index(ours)] * len(files)
    return TestSet("FER2013 PrivateTest", paths, np.array(labels), left_out)


def read_ferplus(root: Path) -> TestSet:
    """FER+ test with majority labels, six classes."""
    folder = root / "FER2013Test"
    table = folder / "label.csv"
    if not table.is_file():
        raise SystemExit(f"{table} is missing (expected FER+'s FER2013Test/label.csv)")
    paths: list[Path] = []
    labels: list[int] = []
    left_out: dict[str, int] = {}
    with table.open(newline="") as f:
        for row in csv.reader(f):
            votes = np.array(row[2:12], dtype=np.int64)
            majority = FERPLUS_COLUMNS[int(np.argmax(votes))]
            ours = FERPLUS_CLASS.get(majority)
            if ours is None:
                left_out[majority] = left_out.get(majority, 0) + 1
                continue
            paths.append(folder / row[0])
            labels.append(CLASS_NAMES.index(ours))
    return TestSet("FER+ test (majority labels)", paths, np.array(labels), left_out)


def preprocess(bgr: np.ndarray) -> np.ndarray:
    """One face as fer.fer.FER.detect_emotions prepares it: (1, 64, 64) float32 in [-1, 1]."""
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    face = cv2.resize(grey, FER_INPUT_SIZE)
    faces = np.array([face], dtype="float32") / 255.0
    return (faces - 0.5) * 2.0


def score(detector: FER, test: TestSet, count_haar: bool) -> Scores:
    """Run fer on every image of a test set."""
    fer_labels = FER._get_labels()  # index -> fer label name
    fer_index = {name: i for i, name in fer_labels.items()}
    six = np.array([fer_index[FER_LABEL_OF[name]] for name in CLASS_NAMES])
    classify = detector._classify_emotions  # fer's own model call (TFLite by default)
    predicted, api_predicted, total_ms, model_ms = [], [], [], []
    disgust_top = haar_found = 0
    for path in test.paths:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise SystemExit(f"{path}: cannot be read")
        started = time.perf_counter()
        faces = preprocess(bgr)
        model_started = time.perf_counter()
        probabilities = np.asarray(classify(faces))[0]
        finished = time.perf_counter()
        total_ms.append((finished - started) * 1e3)
        model_ms.append((finished - model_started) * 1e3)
        predicted.append(int(np.argmax(probabilities[six])))
        disgust_top += int(np.argmax(probabilities)) == fer_index["disgust"]
        # fer's public API with the whole image as the given face box (scores rounded by fer)
        height, width = bgr.shape[:2]
        api = detector.detect_emotions(bgr, face_rectangles=[(0, 0, width, height)])
        emotions = api[0]["emotions"]
        api_predicted.append(int(np.argmax([emotions[FER_LABEL_OF[c]] for c in CLASS_NAMES])))
        if count_haar:
            haar_found += len(detector.find_faces(bgr)) > 0
    return Scores(
        np.array(predicted),
        disgust_top,
        np.array(api_predicted),
        np.array(total_ms),
        np.array(model_ms),
        haar_found,
    )


def confusion(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """6x6 counts, rows the true class, columns the predicted one."""
    matrix = np.zeros((len(CLASS_NAMES), len(CLASS_NAMES)), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def recalls(matrix: np.ndarray) -> np.ndarray:
    """Per-class recall from a confusion matrix (NaN for a class with no test image)."""
    support = matrix.sum(axis=1)
    return np.where(support > 0, np.diag(matrix) / np.maximum(support, 1), np.nan)


def report(test: TestSet, scores: Scores, haar: bool) -> None:
    """Print the metrics of one test set."""
    matrix = confusion(test.labels, scores.predicted)
    per_class = recalls(matrix)
    api_matrix = confusion(test.labels, scores.api_predicted)
    left_out = ", ".join(f"{k} {v}" for k, v in sorted(test.left_out.items())) or "none"
    print(f"== {test.name}: {len(test.paths)} images (left out: {left_out}) ==")
    print(f"accuracy          {np.trace(matrix) / matrix.sum():.4f}")
    print(f"balanced recall   {np.nanmean(per_class):.4f}")
    support = matrix.sum(axis=1)
    cells = zip(CLASS_NAMES, per_class, support, strict=True)
    print("per-class recall  " + "  ".join(f"{name} {r:.3f} (n={n})" for name, r, n in cells))
    print("confusion matrix (rows: true class, columns: fer's prediction)")
    print(" " * 10 + "".join(f"{name:>10}" for name in CLASS_NAMES))
    for name, row in zip(CLASS_NAMES, matrix, strict=True):
        print(f"{name:<10}" + "".join(f"{v:>10d}" for v in row))
    print(f"fer's 7-class top score was disgust (dropped) on {scores.disgust_top} images")
    print(
        "fer.detect_emotions with the whole image as the face box (adds fer's 10 px offsets "
        f"over a 40 px grey pad): accuracy {np.trace(api_matrix) / api_matrix.sum():.4f}, "
        f"balanced recall {np.nanmean(recalls(api_matrix)):.4f}"
    )
    print(
        f"median per-image time: {np.median(scores.total_ms):.3f} ms preprocessing + model, "
        f"{np.median(scores.model_ms):.3f} ms model call alone"
    )
    if haar:
        print(
            f"fer's Haar cascade (default settings) finds a face in {scores.haar_found} of "
            f"{len(test.paths)} images"
        )
    print()


def main() -> None:
    """Score fer on both test sets and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fer2013", type=Path, required=True, help="root with test/<class>/")
    parser.add_argument("--ferplus", type=Path, required=True, help="root with FER2013Test/")
    args = parser.parse_args()

    detector = FER()  # defaults: Haar cascade face detector, quantised TFLite emotion model
    model_input = tuple(FER._tflite_interpreter_cache.get_input_details()[0]["shape"][1:3])
    if model_input != FER_INPUT_SIZE:
        raise SystemExit(f"fer's model takes {model_input}, this script assumes {FER_INPUT_SIZE}")
    print(
        f"fer {fer_version}, default TFLite emotion model, whole test image as the face; "
        "prediction = argmax over fer's six scores that map to ours "
        "(fear -> Worried; disgust's score dropped)"
    )
    print()
    for test, haar in ((read_fer2013(args.fer2013), True), (read_ferplus(args.ferplus), False)):
        report(test, score(detector, test, haar), haar)


if __name__ == "__main__":
    main()
