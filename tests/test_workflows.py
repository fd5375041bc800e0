"""The GitHub side: workflows pass actionlint and run the promised checks; the issue form and the
pull-request template match the catalog."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from alignhub.taxonomy import load_taxonomy
from conftest import REPO
from fixtures.api.fakeapi import FakeApis

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
    assert {f.name for f in files} >= {"ci.yml", "links.yml", "pages.yml", "enrich.yml"}
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


def test_pull_requests_run_every_check_through_the_one_recipe() -> None:
    """ci.yml and .ci/run both run `make check`; the Makefile holds every check, once."""
    ci = _load("ci.yml")
    assert "pull_request" in _on(ci)
    runs = _runs(ci)
    assert "pip install -e '.[dev]'" in runs and "make check" in runs
    assert "make check" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    check = re.search(r"^check: (.*)$", makefile, flags=re.MULTILINE)
    assert check is not None
    targets = check.group(1).split()
    recipes = {t: re.search(rf"^{t}:\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE) for t in targets}
    body = "".join(m.group(1) for m in recipes.values() if m)
    for command in ("ruff check src tests benchmarks", "zizmor --offline --no-progress .github/", "mypy", "pip install '.[test]' && $(PYTHON) -m pytest",
                    "alignhub validate --strict", "alignhub build --check", "mkdocs build --strict"):
        assert command in body, command
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install '.[test]' && python -m pytest" in readme  # the test command the Makefile runs


def test_weekly_link_check_keeps_one_issue() -> None:
    links = _load("links.yml")
    on = _on(links)
    assert on["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # once a week
    assert links["jobs"]["links"]["permissions"] == {"contents": "read", "issues": "write"}
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


def test_every_action_is_pinned_to_a_commit_with_its_release_as_a_comment() -> None:
    """A tag can be moved to other code; a commit cannot. The comment is what Dependabot updates with it."""
    pins: dict[str, set[str]] = {}
    files = sorted(WORKFLOWS.glob("*.yml"))
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not re.match(r"\s*(- )?uses:", line):
                continue
            pinned = re.fullmatch(r"\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)", line)
            assert pinned, f"{path.name}:{number}: not pinned to a full commit SHA with its release: {line.strip()}"
            pins.setdefault(pinned.group(1), set()).add(f"{pinned.group(2)} {pinned.group(3)}")
        # the YAML parser sees the same steps: no `uses` hides in a form the line scan misses
        for job in _load(path.name)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    assert {"actions/checkout", "actions/setup-python", "actions/github-script"} <= set(pins)
    # one release of each action across the workflows, so one Dependabot update moves them all
    assert {action: len(seen) for action, seen in pins.items()} == dict.fromkeys(pins, 1), pins


def test_dependabot_keeps_the_actions_and_the_python_dependencies_current() -> None:
    config = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip"}
    for update in updates.values():
        assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly"
        assert update["cooldown"]["default-days"] >= 7  # a fresh release waits a week (zizmor's dependabot-cooldown)


def _steps(workflow: dict[Any, Any]) -> list[tuple[str, dict[Any, Any], dict[Any, Any]]]:
    return [(name, job, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def _writes(job: dict[Any, Any]) -> bool:
    return "write" in job.get("permissions", {}).values()


def test_checkouts_keep_no_credentials_and_only_the_writing_steps_hold_a_token() -> None:
    """A job that may write hands its token to the steps that write, never to one that parses fetched text."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job_name, job, step in _steps(_load(path.name)):
            where = f"{path.name}: {job_name}: {step.get('name') or step.get('uses') or step.get('run')}"
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, where
            handed = yaml.safe_dump({k: step.get(k) for k in ("env", "with")})
            if _writes(job) and ("github.token" in handed or "secrets." in handed):
                uses = step.get("uses", "").split("@")[0]
                assert uses in {PR_ACTION, "actions/github-script"} or "push" in step.get("run", ""), where
    # the watch pushes its state with the token of that one step, as an HTTP header of that one command
    push = next(s for s in _load("watch.yml")["jobs"]["watch"]["steps"] if "push" in s.get("run", ""))
    assert push["env"] == {"PUSH_TOKEN": "${{ github.token }}"}
    assert 'git -c "http.$GITHUB_SERVER_URL/.extraheader=AUTHORIZATION: basic $auth" push' in push["run"]


def test_permissions_are_granted_per_job() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = _load(path.name)
        assert workflow["permissions"] == {}, f"{path.name}: the workflow grants nothing; each job says what it needs"
        for name, job in workflow["jobs"].items():
            assert isinstance(job.get("permissions"), dict) and job["permissions"], f"{path.name}: {name}"
    assert _load("ci.yml")["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert _load("pages.yml")["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert _load("watch.yml")["jobs"]["watch"]["permissions"] == {"contents": "write", "issues": "write"}


def _zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [_tool("zizmor"), "--offline", "--no-progress", "--color", "never", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, cwd=REPO)


def test_zizmor_finds_nothing_in_github_folder() -> None:
    result = _zizmor(REPO / ".github")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
    # every finding it was told to ignore is ignored on its line, with the reason beside it
    for path in sorted(WORKFLOWS.glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "zizmor: ignore" in line:
                assert lines[number - 1].strip().startswith("#"), f"{path.name}:{number + 1}: say why"


def test_zizmor_really_checks(tmp_path: Path) -> None:
    folder = tmp_path / ".github"
    (folder / "workflows").mkdir(parents=True)
    (folder / "workflows" / "bad.yml").write_text(
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n"
        "      - run: echo \"${{ github.event.issue.title }}\"\n",
        encoding="utf-8",
    )
    (folder / "dependabot.yml").write_text(
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n",
        encoding="utf-8",
    )
    result = _zizmor(folder)
    assert result.returncode != 0
    for audit in ("unpinned-uses", "template-injection", "dependabot-cooldown"):
        assert audit in result.stdout, audit + result.stdout


# -- the weekly metadata refresh ------------------------------------------------------------------

PR_ACTION = "peter-evans/create-pull-request"


def test_metadata_refresh_runs_weekly_with_the_secrets_and_keeps_one_pull_request() -> None:
    workflow = _load("enrich.yml")
    on = _on(workflow)
    assert on["schedule"][0]["cron"].split()[2:4] == ["*", "*"] and "workflow_dispatch" in on
    # the job that parses the services' answers reads; only the one that opens the pull request writes
    assert workflow["jobs"]["enrich"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["propose"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = workflow["jobs"]["enrich"]["steps"]
    fetch = next(s for s in steps if "alignhub enrich" in s.get("run", ""))
    assert "alignhub enrich --refresh" in fetch["run"]
    assert fetch["env"] == {
        "OPENREVIEW_USERNAME": "${{ secrets.OPENREVIEW_USERNAME }}",
        "OPENREVIEW_PASSWORD": "${{ secrets.OPENREVIEW_PASSWORD }}",
        "OPENREVIEW_TOKEN": "${{ secrets.OPENREVIEW_TOKEN }}",
        "S2_API_KEY": "${{ secrets.S2_API_KEY }}",
        "GITHUB_TOKEN": "${{ github.token }}",
    }
    pr = next(s for s in workflow["jobs"]["propose"]["steps"] if s.get("uses", "").startswith(PR_ACTION + "@"))["with"]
    assert pr["branch"] == "metadata-refresh"  # one branch, so one pull request, updated in place
    # metadata/ and the READMEs built from it (CI's `alignhub build --check` fails on a stale README): nothing else
    assert pr["add-paths"].split() == ["metadata/", "README.md", "README.zh-CN.md"]
    assert pr["body-path"] == "${{ runner.temp }}/metadata-summary.md"
    assert "python -m alignhub.enrich.changes" in _runs(workflow)
    # the secrets are documented where contributors read about the workflows
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for secret in ("OPENREVIEW_USERNAME", "OPENREVIEW_PASSWORD", "OPENREVIEW_TOKEN", "S2_API_KEY", "METADATA_PR_TOKEN"):
        assert secret in contributing, secret


def _run_steps(workflow: dict[Any, Any], root: Path, env: dict[str, str], job: str = "enrich") -> None:
    """Every `run:` of the job but the install, in order, as the runner would: bash -e, in the checkout."""
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step or step.get("name") == "Install":
            continue
        script = step["run"].replace("${{ runner.temp }}", env["RUNNER_TEMP"])
        assert "${{" not in script, script
        step_env = {**env, **{k: "" for k in step.get("env", {})}}  # a repository without secrets
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=root, env=step_env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{step.get('name')}: {done.stdout}{done.stderr}"


def _changed(root: Path) -> list[str]:
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                            capture_output=True, text=True, check=True).stdout
    return sorted({line[3:].split("/")[0] for line in status.splitlines()})


def test_the_workflow_commands_refresh_metadata_against_the_fake_apis(root: Path, api: FakeApis,
                                                                      tmp_path: Path) -> None:
    workflow = _load("enrich.yml")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "RUNNER_TEMP": str(tmp_path / "runner"), "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary.md"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    (tmp_path / "runner").mkdir()
    subprocess.run(["alignhub", "build"], cwd=root, env=env, check=True, capture_output=True)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "catalog"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True, capture_output=True)

    _run_steps(workflow, root, env)
    body = (tmp_path / "runner" / "metadata-summary.md").read_text(encoding="utf-8")
    assert body.startswith("## Metadata refresh\n")
    assert "### New abstracts (7)\n" in body and "- `entries/methods/dpo.yaml`" in body
    assert "### Code repositories now archived (1)\n\n- `entries/interpretability/leace.yaml`\n" in body
    assert (tmp_path / "step-summary.md").read_text(encoding="utf-8") == body
    assert len(list((root / "metadata" / "arxiv").iterdir())) == 7
    assert _changed(root) == ["README.md", "README.zh-CN.md", "metadata"]  # what add-paths takes, no more
    assert "★ 2.9k" in (root / "README.md").read_text(encoding="utf-8")
    # the job that may write starts from a fresh checkout and the artifact (the patch and the summary)
    checkout = tmp_path / "propose"
    subprocess.run(["git", "clone", "-q", str(root), str(checkout)], env=env, check=True, capture_output=True)
    _run_steps(workflow, checkout, env, job="propose")
    assert _changed(checkout) == ["README.md", "README.zh-CN.md", "metadata"]
    assert (checkout / "README.md").read_bytes() == (root / "README.md").read_bytes()
    assert sorted(p.name for p in (checkout / "metadata" / "arxiv").iterdir()) == sorted(
        p.name for p in (root / "metadata" / "arxiv").iterdir())

    for command in (["add", "-A"], ["commit", "-qm", "refresh"]):  # the pull request is merged
        subprocess.run(["git", *command], cwd=root, env=env, check=True, capture_output=True)
    _run_steps(workflow, root, env)  # the next week, nothing new
    assert (tmp_path / "runner" / "metadata-summary.md").read_text() == "The metadata refresh changed nothing.\n"
    assert _changed(root) == []  # so the action has nothing to commit and leaves the pull request alone
    assert (tmp_path / "runner" / "metadata-changes.patch").read_bytes() == b""
    subprocess.run(["git", "pull", "-q"], cwd=checkout, env=env, check=True, capture_output=True)
    _run_steps(workflow, checkout, env, job="propose")  # an empty patch applies as nothing
    assert _changed(checkout) == []

def test_weekly_arxiv_watch_commits_its_state_and_keeps_one_issue() -> None:
    watch = _load("watch.yml")
    assert _on(watch)["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # once a week
    runs = _runs(watch)
    assert "alignhub watch --output watch-report.md" in runs
    assert "git add metadata/watch.json" in runs and 'push origin "HEAD:$GITHUB_REF_NAME"' in runs
    script = next(s["with"]["script"] for s in watch["jobs"]["watch"]["steps"] if "github-script" in s.get("uses", ""))
    assert "issues.update" in script and "issues.create" in script and "labels: label" in script


def test_ci_run_keeps_its_temporary_files_in_one_folder_it_removes() -> None:
    """.ci/run left ~500 MB in /tmp per run: every temporary path is now under one trapped folder."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert script.count("mktemp") == 1
    assert "trap 'rm -rf \"$work\"' EXIT" in script
    assert 'export TMPDIR="$work"' in script and "--basetemp=$work/pytest" in script
