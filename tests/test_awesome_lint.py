"""The English README passes awesome-lint (npm), apart from the rules that need the network.

`.ci/run` installs awesome-lint and points ALIGNHUB_AWESOME_LINT at it; elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

LINTER = os.environ.get("ALIGNHUB_AWESOME_LINT", "")
# Rules that ask GitHub about the repository; they cannot pass offline.
NETWORK_RULES = ("remark-lint:awesome-github", "remark-lint:awesome-git-repo-age")


def lint(folder: Path) -> list[str]:
    """awesome-lint's complaints about folder/README.md, less the rules that need the network."""
    for name in ("LICENSE", "CONTRIBUTING.md"):
        if not (folder / name).exists():
            shutil.copy(REPO / name, folder / name)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    run = subprocess.run([LINTER, "README.md"], cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    report = run.stdout + run.stderr
    failures = [line for line in report.splitlines() if "✖" in line and "remark-lint:" in line]
    return [line for line in failures if not line.rstrip().endswith(NETWORK_RULES)]


@pytest.mark.skipif(not LINTER, reason="ALIGNHUB_AWESOME_LINT is not set (.ci/run sets it)")
def test_fixture_readme_passes_awesome_lint(root: Path, cli) -> None:
    assert cli("build", "--root", str(root))[0] == 0
    assert lint(root) == []


@pytest.mark.skipif(not LINTER, reason="ALIGNHUB_AWESOME_LINT is not set (.ci/run sets it)")
def test_catalog_readme_passes_awesome_lint(tmp_path: Path) -> None:
    shutil.copy(REPO / "README.md", tmp_path / "README.md")
    assert lint(tmp_path) == []
