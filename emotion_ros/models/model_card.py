"""Model cards: what a model file is, how it was made and how well it does (YAML next to it).

The nodes load models only through cards and refuse a model file whose sha256 differs from its
card's, so a half-copied or swapped file is caught at start-up with the file's name, not later as
nonsense output.
"""

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from emotion_ros.yaml_files import read_yaml


class ModelFileError(RuntimeError):
    """A card or model file is missing, corrupt or does not match its checksum (names the file)."""


@dataclass
class ModelCard:
    """The card of one model; ``file`` (ONNX) and ``torch_weights`` live beside the card."""

    name: str
    role: str  # lower_face | all_landmarks | temporal | audio | fusion
    version: str
    classes: list[str]
    inputs: list[dict[str, Any]]  # name, shape (ints or symbolic names), dtype
    outputs: list[dict[str, Any]]
    file: str
    sha256: str
    architecture: str  # class name in emotion_ros.models.architectures
    architecture_kwargs: dict[str, Any] = field(default_factory=dict)
    torch_weights: str = ""
    torch_weights_sha256: str = ""
    features: dict[str, Any] = field(default_factory=dict)  # feature definition / indices
    temperature: float = 1.0
    training: dict[str, Any] = field(default_factory=dict)  # data, recipe command, seed
    metrics: dict[str, Any] = field(default_factory=dict)
    created: str = ""

    def save(self, path: Path) -> None:
        """Write the card as YAML."""
        path.write_text(yaml.safe_dump(asdict(self), sort_keys=False, width=100))


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_card(path: Path) -> ModelCard:
    """Read a card.

    Raises:
        ModelFileError: the card is missing, not YAML, or lacks required fields.
    """
    try:
        data = read_yaml(path)
    except OSError as exc:
        raise ModelFileError(f"cannot read model card {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ModelFileError(f"model card {path} is not valid YAML: {exc}") from exc
    try:
        return ModelCard(**data)
    except TypeError as exc:
        raise ModelFileError(f"model card {path} is malformed: {exc}") from exc


def verify_file(directory: Path, name: str, expected_sha256: str) -> Path:
    """Return ``directory / name`` after checking it exists and matches its checksum.

    Raises:
        ModelFileError: missing file or checksum mismatch, naming the file.
    """
    path = Path(directory) / name
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing")
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ModelFileError(
            f"model file {path} does not match its card (sha256 {actual[:12]}..., card says "
            f"{expected_sha256[:12]}...): re-export it or fix the card"
        )
    return path
