"""Shared fixtures: a throwaway catalog root built from real entries, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from alignhub.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A catalog root with the repository's taxonomy and templates and the fixture entries."""
    shutil.copytree(FIXTURES / "catalog", tmp_path / "cat")
    shutil.copy(REPO / "entries" / "taxonomy.yaml", tmp_path / "cat" / "entries" / "taxonomy.yaml")
    shutil.copytree(REPO / "templates", tmp_path / "cat" / "templates")
    return tmp_path / "cat"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """Run `alignhub ARGS` in-process; returns (exit status, stdout + stderr)."""

    def run(*args: str) -> tuple[int, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse exits for --help and misuse
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out + out.err

    return run


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit(root: Path, relative: str, old: str, new: str) -> Path:
    """Apply one textual change to a real entry; fails loudly if the old text is not there."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path
