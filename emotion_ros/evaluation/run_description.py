"""What an evaluation ran with, written into its report so that the numbers can be traced.

A score means little without the models behind it: the report names the models folder, each card
it loaded (a role missing from a user's folder comes from the shipped models/, see
``models.model_files``) with the checksums of the card and of the model file, and every node's
parameters. It also says when the bag is the bundled one, whose score is a smoke test, not an
accuracy.
"""

from pathlib import Path
from typing import Any

from emotion_ros.models.model_card import load_card, sha256_of
from emotion_ros.models.model_files import card_paths_from_parameters
from emotion_ros.package_paths import share_path

BUNDLED_BAG = ("data", "eval", "labelled")
SMOKE_TEST_NOTE = (
    "This is the bundled bag: a smoke test, not an accuracy. It has two classes (Happy, Neutral), "
    "one face each and a synthetic voice. A score here shows that the graph runs end to end; "
    "measure accuracy on a labelled bag of your own people."
)


def models_used(fusion_parameters: dict[str, Any]) -> dict[str, Any]:
    """The models folder and, per role, the card path, its sha256 and the model file's sha256.

    Raises:
        ModelFileError: a card cannot be read (the run that loaded it would have failed first).
    """
    folder = fusion_parameters["models_dir"] or share_path("models")
    cards = {}
    for role, path in card_paths_from_parameters(fusion_parameters).items():
        card = load_card(path)
        cards[role] = {
            "card": str(path.resolve()),
            "card_sha256": sha256_of(path),
            "file": str(path.resolve().parent / card.file),
            "file_sha256": card.sha256,
        }
    return {"models_dir": str(Path(folder).resolve()), "cards": cards}


def smoke_test_note(bag: Path) -> str | None:
    """The smoke-test caveat when ``bag`` is the bundled labelled bag (folder or its .mcap)."""
    bundled = share_path(*BUNDLED_BAG).resolve()
    bag = Path(bag).resolve()
    return SMOKE_TEST_NOTE if bundled in (bag, bag.parent) else None


def describe_run(bag: Path, parameters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The report's ``run`` section: note, models folder, cards with checksums, node parameters."""
    return {
        "note": smoke_test_note(bag),
        **models_used(parameters["fusion_node"]),
        "parameters": parameters,
    }
