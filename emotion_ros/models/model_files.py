"""Which card each model role loads: a user's models folder first, the shipped models/ after.

``emotion-ros train`` writes one role at a time, so a user's folder often holds only some roles.
The roles it lacks come from the package's own models/ (the fusion node logs which file each
role uses), so a freshly trained folder works without copying the rest by hand.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from emotion_ros.package_paths import share_path

# The modalities in the order the fusion model sees them (and EmotionStamped names them), then
# the fusion model itself.
ROLES = ("lower_face", "all_landmarks", "temporal", "appearance", "audio", "fusion")


def card_paths(models_dir: str | Path, card_names: Mapping[str, str]) -> dict[str, Path]:
    """``{role: card path}`` for the enabled roles (a card name of "" disables its role).

    A card missing from ``models_dir`` is taken from the shipped models/ when it is there; the
    path stays in ``models_dir`` otherwise, so loading names the file the user asked for.

    Raises:
        ValueError: a role that is not one of ROLES.
    """
    unknown = set(card_names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown model roles {sorted(unknown)}; known: {', '.join(ROLES)}")
    shipped = share_path("models")
    directory = Path(models_dir) if models_dir else shipped
    paths = {}
    for role, name in card_names.items():
        if not name:
            continue
        path = directory / name
        if not path.is_file() and (shipped / name).is_file():
            path = shipped / name
        paths[role] = path
    return paths


def card_paths_from_parameters(parameters: Mapping[str, Any]) -> dict[str, Path]:
    """The card paths that the fusion node's parameters (models_dir, <role>_card) select."""
    return card_paths(parameters["models_dir"], {r: parameters[f"{r}_card"] for r in ROLES})


def role_cards(directory: str | Path, roles: tuple[str, ...] = ROLES) -> dict[str, Path]:
    """``{role: directory/<role>.yaml}``: a folder's cards under their usual names, no fallback."""
    return {role: Path(directory) / f"{role}.yaml" for role in roles}
