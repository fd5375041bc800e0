"""`alignhub enrich` and what `validate` reads back from the cache: resume, interrupts, findings, lookup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alignhub import pipeline
from alignhub.metadata.lookup import Decision, EntryMetadata, RepoStatus, lookup
from alignhub.metadata.records import MODELS, Missing
from alignhub.metadata.store import Store
from conftest import edit, rule_of, write
from fixtures.api.fakeapi import FakeApis, Reply, summary

CATALOG_IDS = ["2105.14111", "2109.07958", "2305.18290", "2306.03819", "2311.10766", "2402.01306", "2402.10571"]
TRUTHFULQA = "entries/datasets/truthfulqa.yaml"


def cached(root: Path, source: str = "arxiv") -> list[str]:
    folder = root / "metadata" / source
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def asked(api: FakeApis) -> list[str]:
    return sorted(i for s in api.requests("/api/query") for i in s.arg("id_list").split(","))


def assert_cache_is_whole(root: Path) -> None:
    """Every file under metadata/ is a complete record: no temporary file, nothing half written."""
    for path in (root / "metadata").rglob("*"):
        if path.is_file() and path.parent.name != "metadata":  # refreshed.json: the run's date, not a record
            assert not path.name.startswith("."), f"left behind: {path}"
            data = json.loads(path.read_text(encoding="utf-8"))
            model = Missing if data.get("missing") else MODELS[path.parent.name]
            model.model_validate(data)


def test_summary_table_then_a_second_run_asks_arxiv_nothing(root: Path, api: FakeApis, cli) -> None:
    code, out = cli("enrich", "--root", str(root))
    assert code == 0, out
    table = summary(out)
    assert table["arxiv"] == {"fetched": 7, "unchanged": 0, "not found": 0, "failed": 0, "skipped": 0, "requests": 1}
    assert table["s2"]["not found"] == 1 and table["github"]["fetched"] == 2
    assert "s2 2105.14111 (entries/safety/goal-misgeneralization-in-deep-rl.yaml): not found: " \
           "Semantic Scholar does not know this paper" in out
    before = len(api.requests("/api/query"))
    code, out = cli("enrich", "--root", str(root))
    assert code == 0
    assert len(api.requests("/api/query")) == before
    assert summary(out)["arxiv"] == {"fetched": 0, "unchanged": 7, "not found": 0, "failed": 0, "skipped": 0,
                                     "requests": 0}
    # a paper a source had no record of is asked again: arXiv and S2 both have bad days
    assert summary(out)["s2"]["requests"] == 1


def test_enrich_takes_entry_ids_and_external_ids(root: Path, api: FakeApis, cli) -> None:
    code, out = cli("enrich", "dpo", "2402.01306v2", "--source", "arxiv", "--root", str(root))
    assert code == 0, out
    assert asked(api) == ["2305.18290", "2402.01306"]
    code, out = cli("enrich", "dpp", "--root", str(root))
    assert code == 2
    assert "no entry with id, arXiv id or OpenReview id 'dpp' (did you mean 'dpo'?)" in out


def test_a_failure_exits_1_and_names_each_id(root: Path, api: FakeApis, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "0")
    api.then(Reply.file("arxiv/maintenance.html", "text/html"))
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 1
    assert summary(out)["arxiv"]["failed"] == 7
    assert "arxiv 2305.18290 (entries/methods/dpo.yaml): failed: arXiv answered with an HTML page" in out
    assert "7 failed: run `alignhub enrich` again later to retry them" in out


def test_a_run_cut_off_mid_way_keeps_its_batches_and_the_next_run_resumes(root: Path, api: FakeApis, cli,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "2")
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "0")
    api.then(None, Reply(503), Reply(503))  # the first batch gets through, then arXiv goes away
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 1
    assert "arxiv: 1 id not asked: 2 batches in a row failed; run again later to resume" in out
    assert len(api.requests()) == 3
    assert cached(root) == ["2105.14111.json", "2109.07958.json"]
    assert_cache_is_whole(root)

    api.seen.clear()
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 0, out
    assert asked(api) == CATALOG_IDS[2:]  # only what the first run did not get
    assert len(cached(root)) == 7


def _start_enrich(root: Path, batch: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ALIGNHUB_ARXIV_BATCH": batch, "PYTHONUNBUFFERED": "1"}
    # Ctrl-C as a terminal gives it: a runner started in the background (`pytest &`) passes SIGINT on
    # as ignored, and Python then never raises KeyboardInterrupt.
    return subprocess.Popen([sys.executable, "-m", "alignhub", "enrich", "--source", "arxiv", "--root", str(root)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(condition, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_mid_request_the_cache_is_whole_and_the_next_run_resumes(root: Path, api: FakeApis, cli,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            sig: signal.Signals) -> None:
    api.then(None, Reply(delay=8))  # the second batch hangs until we interrupt the run
    process = _start_enrich(root, batch="3")
    try:
        _wait_for(lambda: len(api.requests()) >= 2 and len(cached(root)) == 3, "the first batch and the second request")
        process.send_signal(sig)
        out, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    if sig == signal.SIGINT:
        assert process.returncode == 130
        assert "interrupted: every finished batch is saved in metadata/" in out
        assert "Traceback" not in out
        assert summary(out)["arxiv"]["fetched"] == 3
    else:
        assert process.returncode == -signal.SIGKILL
    assert cached(root) == ["2105.14111.json", "2109.07958.json", "2305.18290.json"]
    assert_cache_is_whole(root)

    api.seen.clear()
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "3")
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 0, out
    assert asked(api) == CATALOG_IDS[3:]


# -- what validate makes of the cache ------------------------------------------------------------

def test_a_wrong_arxiv_id_is_caught_by_validate_strict_once_enriched(root: Path, api: FakeApis, cli) -> None:
    edit(root, TRUTHFULQA, '"2109.07958"', '"2008.02275"')  # a real paper, just not this one
    assert cli("validate", "--strict", "--root", str(root))[0] == 0  # nothing fetched yet: nothing to compare
    assert cli("enrich", "--source", "arxiv", "--root", str(root))[0] == 0
    expected = ("entries/datasets/truthfulqa.yaml:9:10: links.arxiv: the entry's title does not match arXiv "
                '2008.02275 (arXiv 2008.02275 is "Aligning AI With Shared Human Values": is the id right? if the '
                "paper was renamed, copy that title) [title-mismatch]")
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 1
    assert expected in out.splitlines()
    assert "1 problem in 1 file" in out
    code, out = cli("validate", "--root", str(root))  # without --strict: a warning, and the run passes
    assert code == 0
    assert expected.replace("9:10: links.arxiv: ", "9:10: warning: links.arxiv: ") in out.splitlines()


def test_an_arxiv_id_that_does_not_exist_is_an_error_with_strict(root: Path, api: FakeApis, cli) -> None:
    edit(root, TRUTHFULQA, '"2109.07958"', '"2109.07959"')
    cli("enrich", "--source", "arxiv", "--root", str(root))
    assert json.loads((root / "metadata" / "arxiv" / "2109.07959.json").read_text())["missing"] is True
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 1
    assert ("entries/datasets/truthfulqa.yaml:9:10: links.arxiv: arXiv has no paper 2109.07959 "
            "(arXiv has no paper with this id) (check the id) [paper-not-found]") in out


def test_a_slightly_different_title_is_only_a_warning(root: Path, api: FakeApis, cli) -> None:
    edit(root, TRUTHFULQA, "Mimic Human Falsehoods", "Mimic Human Falsehood")
    cli("enrich", "--source", "arxiv", "--root", str(root))
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 0
    assert ('entries/datasets/truthfulqa.yaml:1:8: warning: title: "TruthfulQA: Measuring How Models Mimic Human '
            'Falsehood" differs slightly from the title on arXiv 2109.07958: "TruthfulQA: Measuring How Models '
            'Mimic Human Falsehoods" (copy the exact title) [title-differs-slightly]') in out


def test_a_preprint_accepted_at_a_venue_can_be_updated(root: Path, api: FakeApis, cli,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    write(root, "entries/methods/safe-rlhf.yaml", (
        'title: "Safe RLHF: Safe Reinforcement Learning from Human Feedback"\n'
        "type: method\ntopic: multi-objective-value-alignment\nauthors: [Josef Dai, Xuehai Pan]\nyear: 2023\n"
        'venue: {name: arXiv}\nlinks:\n  arxiv: "2310.12773"\n  openreview: TyFrPOKYXw\n'
        "summary:\n  en: Trains separate helpfulness and harmlessness models under a Lagrangian constraint.\n"
        "added: 2026-11-23\n"))
    assert cli("enrich", "--root", str(root))[0] == 0
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 0, out  # a suggestion, never an error
    assert ("entries/methods/safe-rlhf.yaml:6:8: suggestion: venue: venue can be updated: OpenReview lists it at "
            "ICLR 2024 Spotlight (set venue: {name: ICLR, year: 2024, presentation: spotlight})") in out
    assert "entries/evaluation/value-fulcra.yaml" not in out  # Semantic Scholar says arXiv.org: nothing to suggest


def test_a_presentation_openreview_knows_is_a_suggestion_naming_the_field(root: Path, api: FakeApis, cli,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    write(root, "entries/methods/safe-rlhf.yaml", SAFE_RLHF.replace("venue: {name: arXiv}", "venue: {name: ICLR, year: 2024}"))
    assert cli("enrich", "--source", "openreview", "--root", str(root))[0] == 0
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 0, out
    assert ("entries/methods/safe-rlhf.yaml:6:8: suggestion: venue.presentation: not set: OpenReview lists it at "
            "ICLR 2024 Spotlight (set venue.presentation: spotlight) [presentation-update]") in out.splitlines()
    edit(root, "entries/methods/safe-rlhf.yaml", "year: 2024}", "year: 2024, presentation: spotlight}")
    code, out = cli("validate", "--strict", "--root", str(root))
    assert (code, "suggestion" in out) == (0, False)


def test_semantic_scholar_venue_suggests_an_update_for_an_entry_without_venue(root: Path, api: FakeApis,
                                                                              cli) -> None:
    edit(root, "entries/methods/kto.yaml", "venue: {name: ICML, year: 2024}\n", "")
    cli("enrich", "--source", "s2", "--root", str(root))
    code, out = cli("validate", "--root", str(root))
    assert code == 0
    assert ("entries/methods/kto.yaml: suggestion: venue: venue can be updated: Semantic Scholar lists it at "
            "ICML (set venue: {name: ICML, year: <the conference year>}) [venue-update]") in out


def test_a_vanished_repository_is_a_warning_even_with_strict(root: Path, cli) -> None:
    Store(root).write("github", Missing(id="eric-mitchell/direct-preference-optimization", reason="not found"))
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 0, out
    assert rule_of(out, "entries/methods/dpo.yaml:11:9: warning: links.code: GitHub has no repository "
                        "eric-mitchell/direct-preference-optimization") == "repository-not-found"


def test_a_broken_cache_file_is_reported_not_trusted(root: Path, api: FakeApis, cli) -> None:
    cli("enrich", "--source", "arxiv", "--root", str(root))
    path = root / "metadata" / "arxiv" / "2305.18290.json"
    path.write_text(path.read_text()[:200], encoding="utf-8")
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 1
    assert "metadata/arxiv/2305.18290.json:" in out and rule_of(out, "not valid JSON") == "invalid-cache-record"
    assert "run `alignhub enrich --refresh --source arxiv`" in out


def test_validate_and_build_never_touch_the_network(root: Path, api: FakeApis, cli) -> None:
    cli("enrich", "--root", str(root))
    api.seen.clear()
    assert cli("validate", "--strict", "--root", str(root))[0] == 0
    assert cli("build", "--root", str(root))[0] == 0
    assert cli("stats", "--root", str(root))[0] == 0
    loaded = pipeline.load(root)
    lookup(root, loaded.catalog)
    assert api.requests() == []


def test_settings_errors_name_the_variable_and_exit_1(root: Path, api: FakeApis, cli,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_ARXIV_DELAY", "soon")
    code, out = cli("enrich", "--root", str(root))
    assert (code, out.strip()) == (1, "alignhub: ALIGNHUB_ARXIV_DELAY: 'soon' is not a duration (e.g. 30, 90s, 15m)")
    monkeypatch.setenv("ALIGNHUB_ARXIV_DELAY", "0")
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "500")
    code, out = cli("enrich", "--root", str(root))
    assert (code, out.strip()) == (1, "alignhub: ALIGNHUB_ARXIV_BATCH: '500' must be between 1 and 100")
    assert api.requests() == []


def test_pyproject_sets_pacing_and_the_environment_wins(root: Path, api: FakeApis, cli,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write(root, "pyproject.toml", "[tool.alignhub.enrich]\narxiv_batch = 4\ntimeout = 7\n")
    cli("enrich", "--source", "arxiv", "--root", str(root))
    assert [len(s.arg("id_list").split(",")) for s in api.requests()] == [4, 3]
    write(root, "pyproject.toml", "[tool.alignhub.enrich]\narxiv_batchh = 4\n")
    code, out = cli("enrich", "--refresh", "--source", "arxiv", "--root", str(root))
    assert code == 1 and "unknown key 'arxiv_batchh'" in out


# -- lookup: what the site reads ------------------------------------------------------------------

def test_lookup_merges_the_cache_under_the_entry(root: Path, api: FakeApis, cli,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = pipeline.load(root)
    bare = lookup(root, loaded.catalog)
    assert set(bare) == {e.id for e in loaded.catalog.entries}
    assert all(meta == EntryMetadata() and meta.empty for meta in bare.values())

    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    write(root, "entries/methods/safe-rlhf.yaml", SAFE_RLHF)
    assert cli("enrich", "--root", str(root))[0] == 0
    found = lookup(root, pipeline.load(root).catalog)
    dpo = found["dpo"]
    assert dpo.abstract and dpo.abstract.startswith("While large-scale unsupervised language models")
    assert dpo.first_version == "2023-05"  # arXiv's first version, though the record is of v3
    assert dpo.citations == 4213
    assert dpo.repo == RepoStatus(stars=2870, archived=False, pushed="2024-08-15")
    assert dpo.decision is None  # no OpenReview id
    assert found["goal-misgeneralization-in-deep-rl"].citations is None  # Semantic Scholar has no record of it
    assert found["leace"].repo is not None and found["leace"].repo.archived is True
    assert found["safe-rlhf"].decision == Decision("accepted", "ICLR 2024 Spotlight")


SAFE_RLHF = (
    'title: "Safe RLHF: Safe Reinforcement Learning from Human Feedback"\n'
    "type: method\ntopic: multi-objective-value-alignment\nauthors: [Josef Dai, Xuehai Pan]\nyear: 2023\n"
    'venue: {name: arXiv}\nlinks:\n  arxiv: "2310.12773"\n  openreview: TyFrPOKYXw\n'
    "summary:\n  en: Trains separate helpfulness and harmlessness models under a Lagrangian constraint.\n"
    "added: 2026-11-23\n")


@pytest.mark.parametrize("command", ["enrich", "add"])
def test_help_names_the_options_and_the_environment(cli, command: str) -> None:
    code, out = cli(command, "--help")
    assert code == 0
    assert "usage: alignhub " + command in out and "--root DIR" in out
    if command == "enrich":
        assert "--refresh" in out and "OPENREVIEW_TOKEN" in out and "ALIGNHUB_ARXIV_DELAY" in out
    else:
        assert "--section SECTION" in out and "--topic TOPIC" in out


def test_the_whole_real_catalog_enriches_and_a_second_run_asks_nothing(tmp_path: Path, api: FakeApis, cli) -> None:
    """Every arXiv id of the repository's own catalog, against the fake arXiv (which answers each with
    that entry's title): metadata/ fills, `validate --strict` stays clean, the pages and exports show
    what was fetched, and a second run asks arXiv for nothing."""
    import shutil

    from conftest import REPO

    root = tmp_path / "cat"
    shutil.copytree(REPO / "entries", root / "entries")
    catalog = pipeline.load(root).catalog
    with_arxiv = {item.id: item.entry for item in catalog.entries if item.entry.links.arxiv}
    assert len(with_arxiv) > 380
    for entry in with_arxiv.values():
        api.add_arxiv(entry.links.arxiv, entry.title)
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 0, out
    stored = {p.stem for p in (root / "metadata" / "arxiv").rglob("*.json")}
    assert len(stored) == len(with_arxiv), out
    asked = api.requests("/api/query")
    assert 1 <= len(asked) <= -(-len(with_arxiv) // 100) + 1  # batched: a hundred ids a request
    assert cli("validate", "--strict", "--root", str(root))[0] == 0
    fetched = lookup(root, pipeline.load(root).catalog)
    assert all(fetched[entry_id].abstract for entry_id in with_arxiv)
    api.seen.clear()
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 0, out
    assert api.requests("/api/query") == []  # everything is in metadata/ already
