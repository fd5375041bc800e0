"""Shared fixtures: a throwaway catalog root built from real entries, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from alignhub.cli import main
from fixtures.api.fakeapi import FakeApis

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


def rule_of(out: str, text: str) -> str:
    """The rule id printed at the end (``[rule-id]``) of the first line of `out` that contains `text`."""
    line = next((line for line in out.splitlines() if text in line), None)
    assert line is not None, f"no line with {text!r} in:\n{out}"
    assert line.endswith("]") and " [" in line, line
    return line.rsplit(" [", 1)[1][:-1]


def problems(cli: Callable[..., tuple[int, str]], root: Path) -> str:
    """What `alignhub validate` prints for a catalog that must fail it."""
    code, out = cli("validate", "--root", str(root))
    assert code == 1, out
    return out


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


SITE_FIXTURES = FIXTURES / "site"


@pytest.fixture(scope="session")
def make_site_root(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Make a catalog root ready for `mkdocs build`: the fixture entries (plus, with `probe=True`,
    an entry whose text carries HTML and LaTeX), the repository's taxonomy, templates, mkdocs.yml
    and docs/."""

    def make(probe: bool = False) -> Path:
        root = tmp_path_factory.mktemp("site") / "cat"
        shutil.copytree(FIXTURES / "catalog", root)
        if probe:
            shutil.copytree(SITE_FIXTURES / "entries", root / "entries", dirs_exist_ok=True)
        shutil.copy(REPO / "entries" / "taxonomy.yaml", root / "entries" / "taxonomy.yaml")
        shutil.copytree(REPO / "templates", root / "templates")
        # docs/architecture.md is about the code, not a page of the site (mkdocs.yml's exclude_docs)
        shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("architecture.md"))
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        return root

    return make


@pytest.fixture(scope="session")
def build_site() -> Callable[[Path], Path]:
    """Run `mkdocs build --strict` on a catalog root in-process; returns the site folder."""

    def build(root: Path) -> Path:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config

        site_dir = root.parent / "built-site"
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        mkdocs_build(config)
        return site_dir

    return build


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApis]:
    """arXiv, OpenReview, Semantic Scholar and GitHub faked on 127.0.0.1, with alignhub's clients pointed at it.

    No pacing, short backoff, no credentials; tests set what they exercise on top.
    """
    with FakeApis() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        for name in ("ALIGNHUB_ARXIV_DELAY", "ALIGNHUB_OPENREVIEW_DELAY", "ALIGNHUB_S2_DELAY"):
            monkeypatch.setenv(name, "0")
        monkeypatch.setenv("ALIGNHUB_HTTP_BACKOFF", "0.05")
        monkeypatch.setenv("ALIGNHUB_HTTP_TIMEOUT", "5")
        monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "2")
        for name in ("ALIGNHUB_ARXIV_BATCH", "ALIGNHUB_S2_BATCH", "ALIGNHUB_HTTP_MAX_WAIT", "OPENREVIEW_USERNAME",
                     "OPENREVIEW_PASSWORD", "OPENREVIEW_TOKEN", "S2_API_KEY", "GITHUB_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
        yield fake
