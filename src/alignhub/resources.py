"""Where the templates and the taxonomy are found, in a checkout or in an installed package.

A catalog root's own ``templates/`` and ``entries/taxonomy.yaml`` win; otherwise the copies shipped
inside the wheel are used, so ``pip install .`` works away from the source tree.
"""

from __future__ import annotations

from pathlib import Path

from alignhub.loader import ENTRIES_DIR
from alignhub.taxonomy import TAXONOMY_FILE

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # src/alignhub -> repository root, for editable installs


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


def templates_dir(root: Path) -> Path:
    """The catalog's own templates/ when it has one, else the shipped ones (alignhub.templating looks a
    template up in this folder first, then in the shipped ones, file by file)."""
    return _first_existing(root / "templates", *shipped_templates())


def shipped_templates() -> tuple[Path, ...]:
    """The templates that come with alignhub: in the wheel, or the checkout's for an editable install."""
    return _PACKAGE / "_templates", _CHECKOUT / "templates"


def taxonomy_file(root: Path) -> Path:
    """A catalog (a root with entries/) always uses its own taxonomy: were it deleted, the packaged
    copy would silently validate the entries against another vocabulary."""
    if (root / ENTRIES_DIR).is_dir():
        return root / ENTRIES_DIR / TAXONOMY_FILE
    return _first_existing(
        root / ENTRIES_DIR / TAXONOMY_FILE,
        _PACKAGE / "_data" / TAXONOMY_FILE,
        _CHECKOUT / ENTRIES_DIR / TAXONOMY_FILE,
    )
