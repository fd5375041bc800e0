"""Schema, taxonomy and cross-entry checks: each problem names file, line, field and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, problems, rule_of, write

DPO = "entries/methods/dpo.yaml"
KTO = "entries/methods/kto.yaml"


def test_unknown_field_suggests_nearest_name(root: Path, cli) -> None:
    edit(root, DPO, "title:", "titel:")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:2:1: titel: unknown field 'titel' (did you mean 'title'?)") == "unknown-field"
    assert rule_of(out, f"{DPO}:2:1: title: required field is missing (add 'title:'") == "missing-field"


def test_unknown_nested_field_suggests_link_kind(root: Path, cli) -> None:
    edit(root, DPO, "  code: https", "  cod: https")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:11:3: links.cod: unknown field 'cod' (did you mean 'code'?)") == "unknown-field"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"2305.1829"', "'2305.1829' is not an arXiv id (expected e.g. 2305.18290 or hep-th/9901001)"),
        ('"2305.18290v2"', "'2305.18290v2' carries a version suffix"),
        ("https://arxiv.org/abs/2305.18290", "'https://arxiv.org/abs/2305.18290' is a URL, not an arXiv id (write 2305.18290)"),
        ('"hep-th/990100"', "'hep-th/990100' is not an arXiv id"),
        ('"2313.12345"', "'2313.12345' is not an arXiv id"),
        ('"1312.12345"', "'1312.12345' is not an arXiv id"),
    ],
)
def test_malformed_arxiv_ids(root: Path, cli, value: str, message: str) -> None:
    edit(root, DPO, 'arxiv: "2305.18290"', f"arxiv: {value}")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:10:10: links.arxiv: {message}") == "invalid-link-id"


def test_old_style_and_unquoted_arxiv_ids_are_accepted(root: Path, cli) -> None:
    edit(root, DPO, 'arxiv: "2305.18290"', "arxiv: hep-th/9901001")
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out  # KTO's id is unquoted in the fixture and keeps its trailing digit
    assert "2402.01306" in (root / KTO).read_text()


def test_non_http_url(root: Path, cli) -> None:
    edit(root, DPO, "code: https://github.com", "code: ftp://github.com")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:11:9: links.code: 'ftp://github.com/eric-mitchell/direct-preference-optimization' is not an http(s) URL") == "invalid-url"


def test_javascript_url_is_refused(root: Path, cli) -> None:
    edit(root, DPO, "code: https://github.com/eric-mitchell/direct-preference-optimization", "code: javascript:alert(1)")
    out = problems(cli, root)
    assert rule_of(out, "links.code: 'javascript:alert(1)' is not an http(s) URL") == "invalid-url"


def test_links_need_a_paper_link(root: Path, cli) -> None:
    edit(root, DPO, '  arxiv: "2305.18290"\n', "")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:10:3: links: needs at least one of arxiv, openreview, doi or paper") == "missing-paper-link"


def test_unknown_topic_did_you_mean(root: Path, cli) -> None:
    edit(root, DPO, "topic: offline-preference-optimization", "topic: offline-preference-optimisation")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:5:8: topic: unknown topic 'offline-preference-optimisation' for section 'methods' "
                        "(did you mean 'offline-preference-optimization'?)") == "unknown-topic"


def test_topic_of_another_section_says_where_to_move(root: Path, cli) -> None:
    edit(root, DPO, "topic: offline-preference-optimization", "topic: jailbreak-attacks")
    out = problems(cli, root)
    assert rule_of(out, "topic 'jailbreak-attacks' belongs to section 'safety' (move the file to entries/safety/)") == "topic-in-other-section"


def test_unknown_tag_and_type(root: Path, cli) -> None:
    edit(root, DPO, "tags: [dpo, loss-variant", "tags: [dpo, loss-variants")
    edit(root, DPO, "type: method", "type: methdo")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:12:13: tags.1: unknown tag 'loss-variants' (did you mean 'loss-variant'?)") == "unknown-tag"
    assert rule_of(out, f"{DPO}:4:7: type: unknown type 'methdo' (did you mean 'method'?)") == "unknown-type"


def test_venue_alias_is_accepted_and_rendered_canonically(root: Path, cli) -> None:
    edit(root, DPO, "venue: {name: NeurIPS, year: 2023}", "venue: {name: NIPS, year: 2023, presentation: oral}")
    assert cli("build", "--root", str(root))[0] == 0
    assert "NeurIPS 2023 Oral" in (root / "README.md").read_text()


def test_unknown_venue_and_organisation(root: Path, cli) -> None:
    edit(root, DPO, "venue: {name: NeurIPS, year: 2023}", "venue: {name: NeurlPS, year: 2023}")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:8:15: venue.name: unknown venue 'NeurlPS' (did you mean 'NeurIPS'?)") == "unknown-venue"


def test_wrong_value_types(root: Path, cli) -> None:
    edit(root, DPO, "year: 2023", "year: twenty")
    edit(root, DPO, "added: 2026-11-23", "added: yesterday")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:7:7: year: Input should be a valid integer") == "invalid-value"
    assert rule_of(out, f"{DPO}:16:8: added: 'yesterday' is not a date (write the date as YYYY-MM-DD") == "invalid-date"


def test_duplicate_arxiv_id_across_entries(root: Path, cli) -> None:
    edit(root, KTO, "arxiv: 2402.01306", 'arxiv: "2305.18290"')
    out = problems(cli, root)
    assert rule_of(out, f"{KTO}:9:10: links.arxiv: arXiv id is also used by {DPO}") == "duplicate-arxiv-id"


@pytest.mark.parametrize(("field", "rule"), [("openreview", "duplicate-openreview-id"), ("doi", "duplicate-doi")])
def test_duplicate_openreview_id_and_doi_across_entries(root: Path, cli, field: str, rule: str) -> None:
    value = "NN6QHwgRrQ" if field == "openreview" else "10.18653/v1/2023.acl-long.493"
    edit(root, DPO, 'arxiv: "2305.18290"', f'arxiv: "2305.18290"\n  {field}: "{value}"')
    edit(root, KTO, "arxiv: 2402.01306", f'arxiv: 2402.01306\n  {field}: "{value}"')
    out = problems(cli, root)
    assert rule_of(out, f"{KTO}:10:") == rule


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("tags: [dpo, ", "tags: [dpo, dpo, ", "duplicate-tag"),
    ("authors: [", "authors: [Rafael Rafailov, ", "duplicate-author"),
])
def test_a_tag_or_author_listed_twice(root: Path, cli, old: str, new: str, rule: str) -> None:
    edit(root, DPO, old, new)
    assert rule_of(problems(cli, root), f"{DPO}:") == rule


def test_duplicate_entry_id_in_two_sections(root: Path, cli) -> None:
    text = (root / DPO).read_text()
    text = text.replace("topic: offline-preference-optimization", "topic: safety-alignment")
    text = text.replace('"2305.18290"', '"2305.00001"').replace("Direct Preference", "Indirect Preference")
    write(root, "entries/safety/dpo.yaml", text)
    out = problems(cli, root)
    assert rule_of(out, "entries/safety/dpo.yaml: entry id is also used by entries/methods/dpo.yaml") == "duplicate-entry-id"


def test_near_identical_title(root: Path, cli) -> None:
    edit(root, KTO, 'title: "KTO: Model Alignment as Prospect Theoretic Optimization"',
         'title: "direct preference optimization - your language model is secretly a reward model"')
    out = problems(cli, root)
    assert rule_of(out, f"{KTO}:1:8: title: a near-identical title is also used by {DPO}") == "duplicate-title"


def test_related_must_name_an_entry(root: Path, cli) -> None:
    edit(root, DPO, "tags:", "related: [kto, ktoo]\ntags:")
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:12:16: related.1: no entry with id 'ktoo' (did you mean 'kto'?)") == "unknown-related-id"


@pytest.mark.parametrize(
    ("relative", "message", "rule"),
    [
        ("entries/method/x.yaml", "unknown section folder 'method' (did you mean 'methods'?)", "unknown-section"),
        ("entries/methods/Bad_Name.yaml", "'Bad_Name' is not a valid entry id", "invalid-entry-id"),
        ("entries/methods/x.yml", "not an entry file (rename it to .yaml)", "not-an-entry-file"),
        ("entries/methods/deep/x.yaml", "entry files live directly in a section folder", "misplaced-file"),
        ("entries/methods/.x.yaml", "a hidden file is not read", "hidden-file"),
    ],
)
def test_misplaced_files(root: Path, cli, relative: str, message: str, rule: str) -> None:
    write(root, relative, (root / DPO).read_text())
    out = problems(cli, root)
    assert rule_of(out, f"{relative}: {message}") == rule


def test_broken_taxonomy_is_located(root: Path, cli) -> None:
    edit(root, "entries/taxonomy.yaml", "  - id: methods\n", "  - id: methods\n    colour: blue\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert "entries/taxonomy.yaml:" in out and rule_of(out, "sections.1.colour: Extra inputs are not permitted") == "invalid-taxonomy"


def test_multiline_and_empty_text(root: Path, cli) -> None:
    edit(root, DPO, "  en: Rewrites", "  en: |\n    Rewrites\n    two lines\n  #")
    edit(root, DPO, "short_name: DPO", 'short_name: " "')
    out = problems(cli, root)
    assert rule_of(out, f"{DPO}:14:7: summary.en: must be a single line without control characters (remove line breaks") == "not-one-line"
    assert rule_of(out, f"{DPO}:3:13: short_name: must not be empty") == "empty-value"
