"""Which card each model role loads: a user's models folder first, the shipped models/ after.

``emotion-ros train`` writes one role at a time, so a user's folder often holds only some roles.
The roles it lacks come from the package's own models/ (the fusion node logs which file each
role uses), so a freshly trained folder works without copying the rest by hand.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emotion_ros.models.model_card import ModelFileError
from emotion_ros.models.role_specs import PIPELINE_ROLES
from emotion_ros.package_paths import share_path


def card_path(models_dir: str | Path, name: str) -> Path:
    """Where the card ``name`` is: in ``models_dir`` ("" = the shipped models/), or in the
    shipped models/ when the user's folder lacks it; in ``models_dir`` when neither has it, so
    loading names the file the user asked for.

    Raises:
        ModelFileError: ``models_dir`` is not a folder (a typo must not quietly evaluate the
            shipped models instead of the user's).
    """
    shipped = share_path("models")
    if models_dir:
        check_models_folder(Path(models_dir))
    path = (Path(models_dir) if models_dir else shipped) / name
    return shipped / name if not path.is_file() and (shipped / name).is_file() else path


def card_paths(models_dir: str | Path, card_names: Mapping[str, str]) -> dict[str, Path]:
    """``{role: card path}`` for the enabled roles (a card name of "" disables its role)."""
    return {role: card_path(models_dir, name) for role, name in card_names.items() if name}


def card_paths_from_parameters(parameters: Mapping[str, Any]) -> dict[str, Path]:
    """The card paths that the fusion node's parameters (models_dir, <role>_card) select."""
    return card_paths(
        parameters["models_dir"], {r: parameters[f"{r}_card"] for r in PIPELINE_ROLES}
    )


def role_cards(directory: str | Path, roles: tuple[str, ...] = PIPELINE_ROLES) -> dict[str, Path]:
    """``{role: directory/<role>.yaml}``: a folder's cards under their usual names, no fallback.

    Raises:
        ModelFileError: ``directory`` is not a folder.
    """
    check_models_folder(Path(directory))
    return {role: Path(directory) / f"{role}.yaml" for role in roles}


def check_models_folder(folder: Path) -> None:
    """Refuse a models folder that is not there (a typo must not quietly mean the shipped models).

    Raises:
        ModelFileError: ``folder`` does not exist or is a file.
    """
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise ModelFileError(f"models folder {folder} {state}")
