"""pre-commit: the published hooks and this repository's config are valid, and the hooks really run
`alignhub validate` (through pre-commit itself, on a throwaway git repository)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO, edit


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).parent / "pre-commit"
    exe = str(beside) if beside.exists() else shutil.which("pre-commit")
    assert exe, "pre-commit is not installed: pip install -e '.[test]'"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_manifest_and_config_are_valid(tmp_path: Path) -> None:
    manifest = _pre_commit("validate-manifest", str(REPO / ".pre-commit-hooks.yaml"), cwd=REPO, home=tmp_path)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = _pre_commit("validate-config", str(REPO / ".pre-commit-config.yaml"), cwd=REPO, home=tmp_path)
    assert config.returncode == 0, config.stdout + config.stderr


def test_published_hooks_and_own_hooks_run_the_same_commands() -> None:
    published = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {h["id"]: h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]}
    assert published["alignhub-validate"]["entry"] == "alignhub validate"
    assert published["alignhub-validate"]["language"] == "python"  # installs alignhub for other repositories
    for hook_id, hook in published.items():
        assert local[hook_id]["entry"] == hook["entry"]
        assert hook["pass_filenames"] is False
    assert local["ruff-check"]["entry"].startswith("ruff check")


def test_the_config_needs_no_network() -> None:
    """`pre-commit run` failed offline before any hook ran: it fetched ruff's hook repository."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert all(hook["language"] == "system" for hook in config["repos"][0]["hooks"])


def _local_only_config(folder: Path) -> None:
    """This repository's own config, unchanged: every hook is local."""
    shutil.copy(REPO / ".pre-commit-config.yaml", folder / ".pre-commit-config.yaml")


def test_the_hooks_run_alignhub_validate_through_pre_commit(root: Path, tmp_path: Path, cli) -> None:
    assert cli("build", "--root", str(root))[0] == 0  # the generated files the build --check hook compares
    _local_only_config(root)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)

    clean = _pre_commit("run", "--all-files", cwd=root, home=tmp_path / "home")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "alignhub validate" in clean.stdout and "Passed" in clean.stdout

    edit(root, "entries/methods/dpo.yaml", "year: 2023\n", "year: 2023\ntitel: typo\n")
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    broken = _pre_commit("run", "--all-files", cwd=root, home=tmp_path / "home")
    assert broken.returncode == 1
    assert "entries/methods/dpo.yaml:" in broken.stdout and "unknown field 'titel'" in broken.stdout
