"""Release months and data-set facts: what the schema asks of each entry, and where readers see it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignhub.catalog import listing_order
from alignhub.models import arxiv_month
from alignhub.pipeline import load
from alignhub.templating import compact_number
from conftest import edit, problems, rule_of

DPO = "entries/methods/dpo.yaml"
TQA = "entries/datasets/truthfulqa.yaml"
GLOSSARY_LIKE = "entries/safety/goal-misgeneralization-in-deep-rl.yaml"


@pytest.mark.parametrize(("arxiv_id", "month"), [
    ("2305.18290", "2023-05"), ("0704.0001", "2007-04"), ("1501.00001", "2015-01"),
    ("hep-th/9901001", "1999-01"), ("cs.AI/0612001", "2006-12"),
])
def test_an_arxiv_id_gives_its_month(arxiv_id: str, month: str) -> None:
    assert arxiv_month(arxiv_id) == month


def test_an_entry_without_arxiv_id_needs_a_release_month(root: Path, cli) -> None:
    edit(root, DPO, 'arxiv: "2305.18290"', "paper: https://example.org/dpo")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:7:7: year: without an arXiv id, write the month the work was first released "
                        '(add e.g. released: "2024-03")') == "missing-release-month"
    edit(root, DPO, "year: 2023\n", 'year: 2023\nreleased: "2023-05"\n')
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out


@pytest.mark.parametrize(("value", "rule"), [('"2023-5"', "invalid-month"), ('"2023-13"', "invalid-month"),
                                             ('"May 2023"', "invalid-month")])
def test_a_release_month_is_yyyy_mm(root: Path, cli, value: str, rule: str) -> None:
    edit(root, DPO, "year: 2023\n", f"year: 2023\nreleased: {value}\n")
    out = problems(cli, root)
    assert f"{DPO}:8:11: released: " in out and f"[{rule}]" in out


def test_released_beside_an_arxiv_id_must_say_something_new(root: Path, cli) -> None:
    edit(root, DPO, "year: 2023\n", 'year: 2023\nreleased: "2023-05"\n')
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:8:11: released: `released` repeats what the arXiv id says (2023-05): "
                        "remove the field") == "redundant-release-month"
    edit(root, DPO, 'released: "2023-05"', 'released: "2023-07"')
    assert "[release-after-arxiv]" in problems(cli, root)
    # Work shown before its arXiv posting (a proceedings paper posted later) keeps its earlier month.
    edit(root, DPO, 'released: "2023-07"', 'released: "2023-02"')
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out


def test_a_year_other_than_the_release_year_is_a_notice(root: Path, cli) -> None:
    edit(root, DPO, "year: 2023", "year: 2024")
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out
    assert "year 2024 is not the year of first release (the arXiv id says 2023-05) (write year: 2023)" in out
    assert "[year-differs-from-release]" in out
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 0, out  # a notice even under --strict: tests/test_content.py holds the real catalog to it


def test_a_data_set_needs_its_facts_and_a_place_to_get_it(root: Path, cli) -> None:
    edit(root, TQA, "type: benchmark", "type: dataset")
    out = problems(cli, root)
    assert rule_of(out, f"{TQA}:9:3: links: a data set needs a link to get it from "
                        "(add links.huggingface or links.data)") == "missing-data-link"
    edit(root, TQA, '  arxiv: "2109.07958"', '  arxiv: "2109.07958"\n  data: https://github.com/sylinrl/TruthfulQA')
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out
    text = (root / TQA).read_text(encoding="utf-8")
    (root / TQA).write_text(text[:text.index("dataset:")] + text[text.index("summary:"):], encoding="utf-8")
    out = problems(cli, root)
    assert f"{TQA}:3:7: type: a data set needs its facts" in out and "[missing-dataset-facts]" in out


@pytest.mark.parametrize(("old", "new", "message", "rule"), [
    ("license: Apache-2.0", "license: apache-2.0", "write the SPDX id as SPDX spells it: Apache-2.0", "unknown-license"),
    ("license: Apache-2.0", "license: Apache-2", "'Apache-2' is neither an SPDX licence id", "unknown-license"),
    ("languages: [en]", "languages: [english]", "'english' is not a language code", "unknown-language"),
    ("languages: [en]", "languages: [en, en]", "a language is listed twice", "invalid-value"),
    ("unit: questions", "unit: things", "dataset.size.unit", "invalid-value"),
    ("count: 817", "count: 0", "dataset.size.count", "invalid-value"),
])
def test_data_set_facts_are_checked(root: Path, cli, old: str, new: str, message: str, rule: str) -> None:
    edit(root, TQA, old, new)
    out = problems(cli, root)
    assert message in out and f"[{rule}]" in out, out


def test_a_custom_licence_comes_from_the_taxonomy(root: Path, cli) -> None:
    edit(root, TQA, "license: Apache-2.0", "license: unstated")
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out
    edit(root, TQA, "license: unstated", "license: my-own")
    assert "add one under `licenses:` in entries/taxonomy.yaml" in problems(cli, root)


@pytest.mark.parametrize(("count", "label"), [(817, "817"), (1000, "1k"), (63967, "64k"), (1204512, "1.2M"),
                                              (12_500_000, "12M")])
def test_sizes_are_compact_in_a_row(count: int, label: str) -> None:
    """A README row rounds a size with the filter its star and citation counts use."""
    assert compact_number(count) == label


def test_listings_put_the_newest_release_first(root: Path) -> None:
    """The same year sorts by month: a paper from December lists before one from May."""
    loaded = load(root, use_cache=False)
    ordered = sorted(loaded.catalog.entries, key=listing_order)
    months = [e.entry.release_month for e in ordered]
    assert months == sorted(months, reverse=True)


def test_readme_page_and_exports_show_the_facts(root: Path, cli) -> None:
    code, out = cli("build", "--root", str(root))
    assert code == 0, out
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "\n  Data: 817 questions, en, Apache-2.0.\n  **TruthfulQA** · ACL 2022 · " in readme
    zh = (root / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "  - **数据概况**：817 questions · en · Apache-2.0" in zh
    out_dir = root / "out"
    code, out = cli("export", "--root", str(root), "--format", "json", "--output", str(out_dir / "c.json"))
    assert code == 0, out
    records = {r["id"]: r for r in json.loads((out_dir / "c.json").read_text(encoding="utf-8"))["entries"]}
    assert records["truthfulqa"]["dataset"] == {"size": {"count": 817, "unit": "questions"},
                                                "languages": ["en"], "license": "Apache-2.0"}
    assert records["dpo"]["released"] == "2023-05"
    code, out = cli("export", "--root", str(root), "--format", "csv", "--output", str(out_dir / "c.csv"))
    assert code == 0, out
    header, *rows = (out_dir / "c.csv").read_text(encoding="utf-8").splitlines()
    columns = header.split(",")
    fulcra = next(r for r in rows if r.startswith("truthfulqa,"))
    assert columns[-5:] == ["released", "dataset_size", "dataset_unit", "dataset_languages", "dataset_license"]
    assert fulcra.endswith(",2021-09,817,questions,en,Apache-2.0")


def test_punctuation_is_not_an_author(root: Path, cli) -> None:
    """A byline pasted as "Team: A, B" leaves a lone ':' behind; it would get an author page of its own."""
    edit(root, DPO, "authors: [", 'authors: [":", ')
    out = problems(cli, root)
    assert "authors: ':' is not an author's name (remove it) [invalid-value]" in out
