"""The import arrows of docs/architecture.md: `lint-imports` keeps every contract of pyproject.toml's
[tool.importlinter] on the code the other tests run, and breaks the right one for an import against them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import alignhub
from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PACKAGE = Path(alignhub.__file__).resolve().parent  # the checkout's src/alignhub, or the installed copy
CONTRACTS = {c["id"]: c["name"] for c in
             tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]}


def _lint(package_parent: Path, cwd: Path) -> tuple[int, dict[str, str]]:
    """Run lint-imports on the `alignhub` found in `package_parent`: its exit status and each contract's verdict."""
    beside = Path(sys.executable).parent / "lint-imports"
    exe = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert exe, "import-linter is not installed: pip install -e '.[test]'"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_parent), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([exe, "--no-cache", "--no-logo", str(REPO / "pyproject.toml")], capture_output=True,
                         text=True, timeout=120, check=False, cwd=cwd, env=env)
    verdicts = {}
    for contract_id, name in CONTRACTS.items():
        found = re.search(rf"^{re.escape(name)} (KEPT|BROKEN)$", run.stdout, flags=re.MULTILINE)
        assert found, f"no verdict for contract {contract_id!r}:\n{run.stdout}{run.stderr}"
        verdicts[contract_id] = found.group(1)
    return run.returncode, verdicts


def test_every_import_goes_the_way_the_contracts_say(tmp_path: Path) -> None:
    code, verdicts = _lint(PACKAGE.parent, tmp_path)
    assert verdicts == dict.fromkeys(CONTRACTS, "KEPT")
    assert code == 0


@pytest.mark.parametrize(("module", "line", "broken"), [
    # the store importing the pipeline: the upward import the split into packages removed
    ("metadata/changes.py", "from alignhub import pipeline", "one-way"),
    # the core importing the store
    ("catalog.py", "import alignhub.metadata.lookup", "one-way"),
    # one command importing another
    ("intake/add.py", "import alignhub.enrich.run", "one-way"),
    # rendering reaching a source, directly or through the pipeline
    ("render.py", "import alignhub.sources.arxiv", "render-reads-the-store"),
    ("pipeline.py", "from alignhub.sources import http", "render-reads-the-store"),
    # the catalog keeping results in the build cache itself (the pipeline owns it)
    ("catalog.py", "from alignhub.buildcache import BuildCache", "the-core-knows-no-cache"),
    ("loader.py", "import alignhub.buildcache", "the-core-knows-no-cache"),
    # a client writing records itself
    ("sources/arxiv.py", "from alignhub.metadata.store import Store", "sources-write-nothing"),
    # a module given no place in the layers
    ("newthing.py", "", "one-way"),
])
def test_an_import_against_the_arrows_breaks_its_contract(tmp_path: Path, module: str, line: str,
                                                           broken: str) -> None:
    copy = tmp_path / "alignhub"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_templates", "_data"))
    path = copy / module
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(f"{text}\n{line}\n", encoding="utf-8")
    code, verdicts = _lint(tmp_path, tmp_path)
    assert verdicts == {c: "BROKEN" if c == broken else "KEPT" for c in CONTRACTS}
    assert code == 1
