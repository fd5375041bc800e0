"""What the metadata cache adds to the README and the exports, through `lookup` — and that without a
metadata/ folder every output is byte for byte what the entries alone give."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from alignhub import pipeline
from alignhub.metadata.store import Store
from alignhub.templating import compact_number
from conftest import edit, write
from fixtures.api.fakeapi import FakeApis
from test_enrich_cli import SAFE_RLHF

FORMATS = ("bibtex", "json", "csv", "atom")


def outputs(root: Path, cli) -> dict[str, bytes]:
    """The generated files and every export, as bytes."""
    code, out = cli("build", "--root", str(root))
    assert code == 0, out
    files = {name: (root / name).read_bytes() for name in ("README.md", "README.zh-CN.md", "CONTRIBUTING.md")}
    for name in FORMATS:
        target = root.parent / f"export.{name}"
        code, out = cli("export", "--format", name, "--output", str(target), "--root", str(root))
        assert code == 0, out
        files[name] = target.read_bytes()
    return files


@pytest.fixture
def enriched(root: Path, api: FakeApis, cli) -> Path:
    assert cli("enrich", "--root", str(root))[0] == 0
    Store(root).stamp(date(2026, 11, 23))  # the run's own date would be the clock's
    return root


def test_the_readme_shows_citations_stars_and_when_metadata_was_refreshed(enriched: Path, cli) -> None:
    files = outputs(enriched, cli)
    readme = files["README.md"].decode()
    assert ("  **DPO** · NeurIPS 2023 · Rafael Rafailov, Archit Sharma, Eric Mitchell et al. · 4.2k citations · "
            "[arXiv](https://arxiv.org/abs/2305.18290) · "
            "[Code](https://github.com/eric-mitchell/direct-preference-optimization) ★ 2.9k.") in readme.splitlines()
    assert "[Code](https://github.com/EleutherAI/concept-erasure) ★ 241 (archived)." in readme
    assert "  **TruthfulQA** · ACL 2022 · Stephanie Lin, Jacob Hilton, Owain Evans · 1.9k citations · " \
           "[arXiv](https://arxiv.org/abs/2109.07958)" in readme.splitlines()
    assert "last refreshed on 2026-11-23 (the `metadata/` folder)" in readme
    chinese = files["README.zh-CN.md"].decode()
    assert "  - **引用**：4.2k" in chinese.splitlines()
    assert "（已归档）" in chinese and "最近一次更新于 2026-11-23" in chinese


def test_the_exports_carry_the_abstract_and_the_figures(enriched: Path, cli) -> None:
    files = outputs(enriched, cli)
    records = {r["id"]: r for r in json.loads(files["json"])["entries"]}
    assert records["dpo"]["metadata"] == {
        "abstract": records["dpo"]["metadata"]["abstract"], "first_version": "2023-05", "citations": 4213,
        "repo": {"stars": 2870, "archived": False, "pushed": "2024-08-15"},
        "cited_by": ["kto", "odpo"]}  # KTO's and ODPO's Semantic Scholar references name DPO
    assert records["kto"]["metadata"]["cites"] == ["dpo"]
    assert records["dpo"]["metadata"]["abstract"].startswith("While large-scale unsupervised language models")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(files["csv"].decode()))}
    assert (rows["leace"]["code_stars"], rows["leace"]["code_archived"]) == ("241", "yes")
    assert rows["goal-misgeneralization-in-deep-rl"]["citations"] == ""
    assert rows["dpo"]["abstract"] == records["dpo"]["metadata"]["abstract"]
    library = bibtexparser.parse_string(files["bibtex"].decode(), append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    dpo = next(e for e in library.entries if e.key == "dpo")
    assert dpo["abstract"] == records["dpo"]["metadata"]["abstract"]
    assert dpo["url"] == "https://arxiv.org/abs/2305.18290"  # still the last field before the abstract


def test_same_metadata_same_bytes_and_no_metadata_the_outputs_of_before(root: Path, api: FakeApis, cli) -> None:
    before = outputs(root, cli)
    assert "last refreshed" not in before["README.md"].decode()
    assert cli("enrich", "--root", str(root))[0] == 0
    first = outputs(root, cli)
    assert first["README.md"] != before["README.md"] and first["json"] != before["json"]
    assert first["atom"] == before["atom"]  # the feed shows nothing fetched
    again = outputs(root, cli)  # block cache warm this time
    assert again == first
    cold = root.parent / "cold" / "cat"
    shutil.copytree(root, cold)
    shutil.rmtree(cold / ".alignhub-cache", ignore_errors=True)
    assert outputs(cold, cli) == first  # a fresh checkout of the same metadata/ gives the same bytes
    shutil.rmtree(root / "metadata")
    assert outputs(root, cli) == before  # and removing metadata/ restores every output, README blocks included


def test_enrich_stamps_the_day_only_when_it_changed_something(root: Path, api: FakeApis, cli) -> None:
    assert Store(root).refreshed() is None
    assert cli("enrich", "--source", "arxiv", "--root", str(root))[0] == 0
    stamp = root / "metadata" / "refreshed.json"
    assert json.loads(stamp.read_text()) == {"date": date.today().isoformat()}
    stamp.write_text('{"date": "2026-01-02"}\n')
    assert cli("enrich", "--source", "arxiv", "--root", str(root))[0] == 0  # nothing new: nothing written
    assert Store(root).refreshed() == "2026-01-02"
    stamp.write_text('{"date": "yesterday"}\n')
    assert Store(root).refreshed() is None  # not a date: the README says nothing rather than something wrong


def test_entry_pages_show_what_the_cache_adds(root: Path, api: FakeApis, cli) -> None:
    """Through the same `lookup`: the month of the first version, citations, stars, the abstract, and
    citations as a sort key of "All entries"; without metadata/ none of it appears."""
    from alignhub.metadata.lookup import lookup
    from alignhub.resources import templates_dir
    from alignhub.site.pages import render_site

    def dpo_page(site_metadata: bool) -> tuple[str, str, str]:
        catalog = pipeline.load(root).catalog
        site = render_site(catalog, templates_dir(root), lookup(root, catalog) if site_metadata else None)
        return (site.fill_slots(site.pages["papers/dpo.md"]), site.pages["all.md"],
                site.files["assets/alignhub/index.json"])

    bare_page, bare_all, bare_index = dpo_page(True)  # no metadata/ yet: lookup knows nothing
    assert "citations" not in bare_page and "★" not in bare_page and "ah-abstract" not in bare_page
    assert (bare_page, bare_all, bare_index) == dpo_page(False)
    assert cli("enrich", "--root", str(root))[0] == 0
    page, all_page, index = dpo_page(True)
    assert '<a class="ah-paper__year" href="../../years/2023/" title="First version">2023-05</a>' in page
    assert '<span class="ah-paper__citations">4.2k citations</span>' in page
    assert 'Code <span class="ah-stars">★ 2.9k</span></a>' in page
    assert '<details class="abstract ah-abstract">' in page
    cited_by = page[page.index("Cited by, in this catalog"):page.index("Related in this catalog")]
    assert '<a href="../kto/">KTO: Model Alignment as Prospect Theoretic Optimization</a>' in cited_by
    assert '<a href="../odpo/">ODPO: Direct Preference Optimization with an Offset</a>' in cited_by
    assert "Cites, in this catalog" not in page  # DPO cites no other entry of this catalog
    assert '<option value="citations">' in all_page and '<option value="citations">' not in bare_all
    assert '"c":4' in index and '"c":' not in bare_index


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (950, "950"), (999, "999"), (1000, "1k"), (1234, "1.2k"),
                                              (9960, "10k"), (12345, "12k"), (999_999, "1M"),
                                              (1_234_567, "1.2M")])
def test_compact_numbers(value: int, shown: str) -> None:
    assert compact_number(value) == shown


def test_the_refresh_summary_names_decisions_title_mismatches_and_suggestions(root: Path, api: FakeApis, cli,
                                                                              tmp_path: Path, capsys,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from alignhub.enrich import changes

    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    write(root, "entries/methods/safe-rlhf.yaml", SAFE_RLHF)
    edit(root, "entries/datasets/truthfulqa.yaml", '"2109.07958"', '"2008.02275"')  # another paper's id
    assert cli("enrich", "--root", str(root))[0] == 0
    assert changes.main(["--before", str(tmp_path / "nothing"), "--root", str(root)]) == 0
    body = capsys.readouterr().out
    assert "### OpenReview decisions, new or changed (1)\n\n- `entries/methods/safe-rlhf.yaml: ICLR 2024 " \
           "Spotlight (accepted)`\n" in body
    assert ("entries/datasets/truthfulqa.yaml:9:10: links.arxiv: the entry's title does not match arXiv 2008.02275 "
            '(arXiv 2008.02275 is "Aligning AI With Shared Human Values": is the id right? if the paper was '
            "renamed, copy that title) [title-mismatch]") in body.splitlines()
    assert ("entries/methods/safe-rlhf.yaml:6:8: suggestion: venue: venue can be updated: OpenReview lists it at "
            "ICLR 2024 Spotlight (set venue: {name: ICLR, year: 2024, presentation: spotlight}) [venue-update]") in body.splitlines()
    # against itself: nothing changed, whatever validate would say
    before = tmp_path / "before"
    shutil.copytree(root / "metadata", before / "metadata")
    assert changes.main(["--before", str(before), "--root", str(root)]) == 0
    assert capsys.readouterr().out == "The metadata refresh changed nothing.\n"
