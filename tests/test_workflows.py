"""The GitHub side: workflows pass actionlint and run the promised checks; the issue form and the
pull-request template match the catalog."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from alignhub.taxonomy import load_taxonomy
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def _tool(name: str) -> str:
    """A tool installed with the test extras: next to this Python first, then on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def _actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [_tool("actionlint"), "-no-color", "-shellcheck", _tool("shellcheck"), *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, cwd=REPO)


def _load(name: str) -> dict[Any, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def _runs(workflow: dict[Any, Any]) -> str:
    return "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])


def _uses(workflow: dict[Any, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]


def _on(workflow: dict[Any, Any]) -> dict[str, Any]:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads the bare key `on` as true


def test_actionlint_passes_on_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "links.yml", "pages.yml"}
    result = _actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_really_checks(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n      - run: cd $UNQUOTED_DIR\n",
        encoding="utf-8",
    )
    result = _actionlint(broken)
    assert result.returncode == 1
    assert "no_such_thing" in result.stdout  # actionlint's own expression check
    assert "shellcheck" in result.stdout  # and the run scripts went through shellcheck


def test_pull_requests_run_every_check() -> None:
    ci = _load("ci.yml")
    assert "pull_request" in _on(ci)
    runs = _runs(ci)
    for command in ("pip install -e '.[dev]'", "ruff check src tests benchmarks", "python -m pytest",
                    "alignhub validate --strict", "alignhub build --check", "mkdocs build --strict"):
        assert command in runs, command


def test_weekly_link_check_keeps_one_issue() -> None:
    links = _load("links.yml")
    on = _on(links)
    assert on["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # once a week
    assert links["permissions"]["issues"] == "write"
    assert "alignhub links --format markdown --output link-report.md" in _runs(links)
    script = next(s["with"]["script"] for s in links["jobs"]["links"]["steps"] if "github-script" in s.get("uses", ""))
    assert "issues.update" in script and "issues.create" in script and "labels: label" in script


def test_site_is_deployed_to_pages_from_main() -> None:
    pages = _load("pages.yml")
    assert _on(pages)["push"]["branches"] == ["main"]
    assert "mkdocs build --strict" in _runs(pages)
    assert "actions/upload-pages-artifact" in _uses(pages)
    assert "actions/deploy-pages" in _uses(pages)
    deploy = pages["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_suggest_a_paper_form_offers_the_taxonomy_sections() -> None:
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/suggest-paper.yml").read_text(encoding="utf-8"))
    assert form["name"] == "Suggest a paper"  # the name CONTRIBUTING.md points to
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert {"arxiv", "section", "topic", "why"} <= set(fields)
    assert fields["arxiv"]["validations"]["required"] and fields["why"]["validations"]["required"]
    taxonomy = load_taxonomy(REPO / "entries" / "taxonomy.yaml", "entries/taxonomy.yaml")
    assert fields["section"]["attributes"]["options"] == [s.id for s in taxonomy.sections] + ["not sure"]
    # GitHub refuses a form whose element ids repeat or whose elements lack a known type.
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    assert {item["type"] for item in form["body"]} <= {"markdown", "input", "textarea", "dropdown", "checkboxes"}
    # CONTRIBUTING.md links to the form by its file name.
    assert '["Suggest a paper" form](../../issues/new?template=suggest-paper.yml)' in (
        REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_pull_request_template_has_the_checklist() -> None:
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 5
    assert any("alignhub validate" in item for item in items)
    assert any("alignhub build" in item for item in items)


@pytest.mark.parametrize("name", ["ci.yml", "links.yml", "pages.yml"])
def test_workflows_pin_actions_to_a_version(name: str) -> None:
    workflow = _load(name)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert "@" in step["uses"], step["uses"]


def test_ci_run_keeps_its_temporary_files_in_one_folder_it_removes() -> None:
    """.ci/run left ~500 MB in /tmp per run: every temporary path is now under one trapped folder."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert script.count("mktemp") == 1
    assert "trap 'rm -rf \"$work\"' EXIT" in script
    assert 'export TMPDIR="$work"' in script and "--basetemp=$work/pytest" in script
