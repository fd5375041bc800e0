"""`alignhub watch` against the local fake arXiv: a recorded listing of real papers, labelled by hand."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO, write
from fixtures.api.fakeapi import FakeApis, Reply

LABELS = yaml.safe_load((FIXTURES / "watch" / "labels.yaml").read_text())["papers"]


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """The repository's own catalog, what `watch` ranks against in real use, without the entries that
    the catalog has since gained for papers of the recorded listing: the tests say which are in it."""
    root = tmp_path / "cat"
    shutil.copytree(REPO / "entries", root / "entries")
    shutil.copytree(REPO / "templates", root / "templates")
    listed = set(re.findall(r"arxiv\.org/abs/(\d{4}\.\d{4,5})", (FIXTURES / "api" / "arxiv" / "listing-watch.xml").read_text()))
    for path in (root / "entries").glob("*/*.yaml"):
        if any(f'"{arxiv_id}"' in path.read_text(encoding="utf-8") for arxiv_id in listed):
            path.unlink()
    return root


def listed_ids(report: str) -> list[str]:
    return re.findall(r"^alignhub add (\S+) --section", report, flags=re.MULTILINE)


def figures(ids: list[str]) -> tuple[float, float]:
    """Precision of the first 20 listed, recall of the papers labelled alignment."""
    positives = {i for i, label in LABELS.items() if label["alignment"]}
    top = ids[:20]
    return sum(i in positives for i in top) / len(top), len(positives & set(ids)) / len(positives)


def test_the_first_run_ranks_alignment_papers_first(catalog: Path, api: FakeApis, cli, capsys) -> None:
    code, out = cli("watch", "--since", "2026-03-01", "--root", str(catalog))
    assert code == 0, out
    [request] = api.requests("/api/query")
    assert request.arg("search_query").startswith(
        "(cat:cs.CL OR cat:cs.LG OR cat:cs.AI OR cat:cs.CR) AND submittedDate:[202603010000 TO ")
    assert request.arg("sortBy") == "submittedDate" and request.arg("sortOrder") == "descending"
    report = (catalog / "watch-report.md").read_text()
    assert re.search(r"41 new submissions in cs.CL, cs.LG, cs.AI, cs.CR; 0 already in the catalog; \d+ listed below",
                     report)
    ids = listed_ids(report)
    precision, recall = figures(ids)
    # the whole ranking, with no score threshold: its first 20 whatever their scores
    write(catalog, "pyproject.toml", "[tool.alignhub.watch]\nmin_score = 0.0\n")
    code, everything = cli("watch", "--since", "2026-03-01", "--dry-run", "--output", "-", "--root", str(catalog))
    ranking = listed_ids(everything)
    assert len(ranking) == 41 and ranking[:len(ids)] == ids
    at_20, _ = figures(ranking)
    with capsys.disabled():
        print(f"\nwatch on the labelled listing (41 papers, 15 labelled alignment): {len(ids)} listed; precision "
              f"of those {precision:.2f}, of the top 20 of the ranking {at_20:.2f}; recall {recall:.2f}")
    assert at_20 >= 0.65 and precision >= 0.7 and recall >= 0.9
    # each listed paper comes with a suggested section/topic and the command that accepts it (which paper
    # comes first depends on the catalog it is ranked against, which grows; the figures above are the bar)
    first = report.split("## 2.")[0]
    assert re.search(r"- suggested: [a-z]+ / [a-z-]+", first)
    assert re.search(rf"alignhub add {re.escape(ids[0])} --section [a-z]+ --topic [a-z-]+", first)
    state = json.loads((catalog / "metadata" / "watch.json").read_text())
    assert state["last_submitted"] == "2026-06-15T12:00:00Z" and state["seen"] == ["2606.16527"]


def test_a_second_run_with_nothing_new_asks_only_for_the_listing(catalog: Path, api: FakeApis, cli) -> None:
    assert cli("watch", "--since", "2026-03-01", "--root", str(catalog))[0] == 0
    api.seen.clear()
    code, out = cli("watch", "--root", str(catalog))
    assert code == 0, out
    [request] = api.seen  # nothing beyond the listing check
    assert "submittedDate:[202606151200 TO " in request.arg("search_query")
    report = (catalog / "watch-report.md").read_text()
    assert "0 new submissions" in report and "Nothing new to triage." in report
    assert "0 new submissions since 2026-06-15T12:00:00Z" in out


def test_papers_already_in_the_catalog_are_dropped(catalog: Path, api: FakeApis, cli) -> None:
    # accept the first paper the way the report says
    assert cli("add", "2605.25189", "--section", "safety", "--topic", "reward-hacking-overoptimization",
               "--root", str(catalog))[0] == 0
    code, out = cli("watch", "--since", "2026-03-01", "--output", "-", "--dry-run", "--root", str(catalog))
    assert code == 0
    assert "41 new submissions in cs.CL, cs.LG, cs.AI, cs.CR; 1 already in the catalog" in out
    assert "2605.25189" not in listed_ids(out)


def test_settings_come_from_pyproject(catalog: Path, api: FakeApis, cli) -> None:
    write(catalog, "pyproject.toml", '[tool.alignhub.watch]\ncategories = ["cs.CR"]\ntop = 1\npage_size = 1\n'
                                     'report = "triage.md"\nstate = "watch-state.json"\n')
    code, out = cli("watch", "--since", "2026-03-01", "--root", str(catalog))
    assert code == 0, out
    requests = api.requests("/api/query")
    assert [r.arg("start") for r in requests] == ["0", "1", "2"]  # three cs.CR papers, a page each
    assert requests[0].arg("search_query").startswith("(cat:cs.CR) AND submittedDate:[")
    assert listed_ids((catalog / "triage.md").read_text()) == ["2606.16527"]
    assert (catalog / "watch-state.json").is_file()


@pytest.mark.parametrize(("table", "message"), [
    ("colour = 1", "pyproject.toml [tool.alignhub.watch]: unknown key 'colour' (expected one of: categories, days, "
                   "max_results, min_score, page_size, report, state, top)"),
    ("top = 1.5", "pyproject.toml [tool.alignhub.watch] top: 1.5 is not a whole number of at least 1"),
    ("min_score = 2", "pyproject.toml [tool.alignhub.watch] min_score: 2 must be a number between 0 and 1"),
    ("categories = []", "pyproject.toml [tool.alignhub.watch] categories: [] is not a non-empty list of names"),
])
def test_wrong_settings_are_one_line(catalog: Path, cli, table: str, message: str) -> None:
    write(catalog, "pyproject.toml", f"[tool.alignhub.watch]\n{table}\n")
    assert cli("watch", "--root", str(catalog)) == (1, f"alignhub: {message}\n")


def test_arxiv_failing_is_one_line_and_keeps_the_state(catalog: Path, api: FakeApis, cli) -> None:
    assert cli("watch", "--since", "2026-03-01", "--root", str(catalog))[0] == 0
    state = (catalog / "metadata" / "watch.json").read_text()
    api.then(*[Reply(503, b"busy", "text/plain")] * 3)
    code, out = cli("watch", "--root", str(catalog))
    assert code == 1
    assert out.startswith("alignhub watch: arXiv listing failed: HTTP 503 Service Unavailable (3 tries)")
    assert len(out.splitlines()) == 1
    assert (catalog / "metadata" / "watch.json").read_text() == state


def test_arxiv_out_of_reach_is_one_line(catalog: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """No network (here: nothing listening where arXiv should be) is the network's fault, not a bug:
    one line saying so, exit 1, no traceback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("ALIGNHUB_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    code, out = cli("watch", "--root", str(catalog), "--output", "-")
    assert code == 1
    assert out.startswith("alignhub watch: arXiv listing failed: cannot reach 127.0.0.1")
    assert len(out.splitlines()) == 1 and "Traceback" not in out


def test_a_since_that_is_not_a_date_is_misuse(catalog: Path, api: FakeApis, cli) -> None:
    assert cli("watch", "--since", "2026-13-01", "--root", str(catalog)) == (
        2, "alignhub: error: --since 2026-13-01: expected a date as YYYY-MM-DD\n")
    assert api.seen == []


def test_watch_runs_from_python_with_typed_options(catalog: Path, api: FakeApis,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date, datetime, timezone

    from alignhub.intake.watch import WatchOptions, run

    options = WatchOptions(since=date(2026, 3, 1), output="-", dry_run=True)
    assert run(options, catalog, now=datetime(2026, 7, 1, tzinfo=timezone.utc)) == 0
    [request] = api.requests("/api/query")
    assert "submittedDate:[202603010000 TO 202607010000]" in request.arg("search_query")
    assert "41 new submissions in cs.CL, cs.LG, cs.AI, cs.CR" in capsys.readouterr().out
    assert not (catalog / "metadata" / "watch.json").exists()


def test_the_repository_documents_the_defaults() -> None:
    from alignhub.config import read_settings
    from alignhub.intake.settings import WatchSettings

    assert read_settings(WatchSettings, REPO, env={}) == WatchSettings()
