"""`alignhub import`: awesome-list markdown and BibTeX to draft entries, duplicates skipped, bad input refused."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from alignhub.intake.listparse import parse_markdown
from alignhub.pipeline import load
from conftest import FIXTURES, write

SEEDS = FIXTURES / "import"
# Every way a list links a paper to arXiv: abs/pdf/html pages, Hugging Face paper pages, shields.io badges.
ARXIV_LINK = re.compile(r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|img\.shields\.io/badge/arxiv-)"
                        r"(\d{4}\.\d{4,5})", re.IGNORECASE)
PLACE = ("--section", "safety", "--topic", "jailbreak-defenses")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "entries").rglob("*")) if p.is_file()}


def run_import(cli, root: Path, *args: str) -> tuple[int, dict]:
    code, out = cli("import", *args, "--report", "json", "--root", str(root))
    return code, json.loads(out) if code == 0 else out


@pytest.mark.parametrize("seed", ["seed-000.md", "seed-003.md", "seed-004.md"])
def test_the_user_seed_lists_give_back_their_arxiv_papers(seed: str, root: Path, cli) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    linked = set(ARXIV_LINK.findall(text))
    code, report = run_import(cli, root, str(SEEDS / seed), *PLACE)
    assert code == 0, report
    found = {p["arxiv"] for p in report["imported"] + report["duplicates"]}
    assert len(linked & found) >= 0.9 * len(linked)
    # Every non-blank line that is neither a heading, a rule nor part of an imported paper is reported.
    lines = text.splitlines()
    for item in report["unparsed"]:
        assert lines[item["line"] - 1].strip() == item["text"]
    assert all(lines[u["line"] - 1].strip() for u in report["unparsed"])


def test_seed_003_reports_each_line_that_is_not_a_linked_paper(root: Path, cli) -> None:
    _, report = run_import(cli, root, str(SEEDS / "seed-003.md"), *PLACE)
    assert [p["arxiv"] for p in report["imported"]] == ["2206.08325", "2204.05862", "2305.01937", "2305.16960",
                                                        "2305.14929"]
    # the table of contents and the Safe RLHF item, which links only GitHub and Hugging Face data
    assert [u["line"] for u in report["unparsed"]] == [3, 4, 5, 9, 10, 11, 12]


def test_seed_004_has_no_links_so_every_line_is_unparsed_and_nothing_is_written(root: Path, cli) -> None:
    before = tree(root)
    code, report = run_import(cli, root, str(SEEDS / "seed-004.md"), *PLACE)
    assert code == 0 and report["imported"] == [] and report["duplicates"] == []
    texts = {u["line"]: u["text"] for u in report["unparsed"]}
    assert texts[8] == "1.Open Problems and Fundamental Limitations of Reinforcement Learning from Human Feedback"
    assert len(texts) == sum(1 for line in (SEEDS / "seed-004.md").read_text().splitlines()
                             if line.strip() and not line.startswith("# "))  # one line of the clutter is a heading
    assert tree(root) == before


def test_imported_entries_are_drafts_validate_names_and_a_second_import_adds_nothing(root: Path, cli) -> None:
    code, out = cli("import", str(SEEDS / "seed-003.md"), *PLACE, "--root", str(root))
    assert code == 0
    assert "5 imported, 0 already in the catalog, 7 lines not parsed" in out
    path = root / "entries/safety/training-a-helpful-and-harmless-assistant.yaml"
    data = yaml.safe_load(path.read_text())
    assert data["title"] == "Training a Helpful and Harmless Assistant with Reinforcement Learning from Human Feedback"
    assert data["links"] == {"arxiv": "2204.05862"} and data["year"] == 2022
    assert data["venue"] == {"name": "NeurIPS", "year": 2022}
    assert data["authors"][:2] == ["Yuntao Bai", "Andy Jones"] and len(data["authors"]) == 31
    assert "# draft imported from seed-003.md line 21" in path.read_text()
    social = yaml.safe_load((root / "entries/safety/training-socially-aligned-language-models-in.yaml").read_text())
    assert social["links"]["code"] == "https://github.com/agi-templar/Stable-Alignment"

    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert ("entries/safety/training-a-helpful-and-harmless-assistant.yaml:13:7: summary.en: must not be empty "
            "(a draft: write one sentence in your own words) [draft-summary]") in out.splitlines()
    assert out.splitlines()[-1] == "10 problems in 5 files; 5 entries are drafts to finish (empty summary)"

    before = tree(root)
    code, report = run_import(cli, root, str(SEEDS / "seed-003.md"), *PLACE)
    assert report["imported"] == [] and len(report["duplicates"]) == 5
    assert report["duplicates"][1]["file"] == "entries/safety/training-a-helpful-and-harmless-assistant.yaml"
    assert tree(root) == before


def test_dry_run_writes_nothing(root: Path, cli) -> None:
    before = tree(root)
    code, report = run_import(cli, root, str(SEEDS / "seed-003.md"), *PLACE, "--dry-run")
    assert code == 0 and len(report["imported"]) == 5
    assert tree(root) == before


def test_import_runs_from_python_with_typed_options(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from alignhub.intake.command import ImportOptions, run_import
    from alignhub.intake.importer import ImportRequest

    before = tree(root)
    request = ImportRequest(SEEDS / "seed-003.md", section="safety", topic="jailbreak-defenses", dry_run=True)
    assert run_import(ImportOptions(request, report="json"), root) == 0
    assert len(json.loads(capsys.readouterr().out)["imported"]) == 5
    assert tree(root) == before


def test_headings_map_to_topics_through_the_mapping_file(root: Path, cli, tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", "# heading: section/topic\n"
                    "'🛡 LLM for safety & safe alignment': safety/jailbreak-defenses\n"
                    "LLM for Evaluation: evaluation/llm-as-a-judge\n")
    code, out = cli("import", str(SEEDS / "seed-003.md"), "--map", str(mapping), "--root", str(root))
    # the third heading is not mapped and there is no --section/--topic: nothing is written
    assert code == 1
    assert out.strip() == (f"alignhub import: {SEEDS / 'seed-003.md'}: 2 papers have no section/topic (under "
                           "'LLM for Human & Value-Alignment & Behavior-Alignment'): map their headings in a --map "
                           "file or pass --section and --topic; nothing was written")
    assert not (root / "entries/evaluation/can-large-language-models-be-an.yaml").exists()
    code, report = run_import(cli, root, str(SEEDS / "seed-003.md"), "--map", str(mapping), "--section", "methods",
                              "--topic", "rlhf-ppo")
    assert [(p["section"], p["topic"]) for p in report["imported"]] == [
        ("safety", "jailbreak-defenses"), ("safety", "jailbreak-defenses"), ("evaluation", "llm-as-a-judge"),
        ("methods", "rlhf-ppo"), ("methods", "rlhf-ppo")]
    assert yaml.safe_load((root / "entries/methods/aligning-language-models-to-user-opinions.yaml").read_text())[
        "type"] == "method"


def test_a_wrong_mapping_is_one_line_naming_the_heading(root: Path, cli, tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", "LLM for Evaluation: evaluation/jailbreak-defenses\n")
    code, out = cli("import", str(SEEDS / "seed-003.md"), "--map", str(mapping), "--root", str(root))
    assert code == 1
    assert out.strip() == (f"alignhub import: {mapping}: 'LLM for Evaluation': topic 'jailbreak-defenses' belongs to "
                           "section 'safety'")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("list.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data (a NUL byte at offset 8), not a text file"),
    ("list.md", b"", "the file is empty"),
    ("list.md", b"  \n\n", "the file is empty"),
    ("list.md", "- [Caf\u00e9](https://arxiv.org/abs/2305.18290)\n".encode("latin-1"),
     "not UTF-8 text (byte 6 cannot be decoded)"),
    ("refs.bib", b"@misc{dpo,\n  title = {{Direct Preference Optimization},\n  year = {2023},\n}\n\n"
                 b"@misc{kto,\n  title = {KTO},\n  eprint = {2402.01306},\n  year = {2024}\n}\n",
     "1: the braces of the BibTeX record starting here do not balance"),
    ("refs.bib", b"@misc{dpo,\n  title = {Direct Preference Optimization}},\n  eprint = {2305.18290},\n  year = {2023}\n}\n",
     "1: the braces of the BibTeX record starting here do not balance"),
    ("refs.bib", b"@misc{dpo,\n  title = {DPO},\n  eprint = {2305.18290},\n  year = {2023}\n}\n\n@misc{kto,\n  title = {KTO},\n",
     "7: the braces of the BibTeX record starting here do not balance"),
    ("refs.bib", b"@misc{dpo,\n  title = \"DPO,\n  year = {2023}\n}\n@misc{kto, title = {KTO}, year = 2024}\n",
     "1: the BibTeX record starting here does not parse"),
])
def test_bad_input_is_one_line_exit_1_and_nothing_written(root: Path, cli, tmp_path: Path, name: str,
                                                          content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = tree(root)
    code, out = cli("import", str(path), *PLACE, "--root", str(root))
    assert code == 1
    sep = "" if message[0].isdigit() else " "
    assert out == f"alignhub import: {path}:{sep}{message}\n"
    assert tree(root) == before


def test_a_50_mb_markdown_file_is_refused_before_it_is_read(root: Path, cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    line = b"- [Direct Preference Optimization](https://arxiv.org/abs/2305.18290)\n"
    path.write_bytes(line * (50 * 2**20 // len(line) + 1))
    before = tree(root)
    code, out = cli("import", str(path), *PLACE, "--root", str(root))
    assert code == 1
    assert out == (f"alignhub import: {path}: 52.4 MB is more than the 10 MB an import reads "
                   "(awesome lists are well under 1 MB)\n")
    assert tree(root) == before


def test_an_unknown_extension_needs_format(root: Path, cli, tmp_path: Path) -> None:
    path = write(tmp_path, "list.rst", "- [DPO](https://arxiv.org/abs/2305.18290)\n")
    code, out = cli("import", str(path), *PLACE, "--root", str(root))
    assert code == 2 and "pass --format markdown|bibtex" in out
    code, report = run_import(cli, root, str(path), *PLACE, "--format", "markdown")
    assert report["duplicates"][0]["file"] == "entries/methods/dpo.yaml"  # already in the fixture catalog


def test_the_shapes_real_lists_use(root: Path) -> None:
    text = "\n".join([
        "## Methods",
        "- [Some Bullet Paper](https://arxiv.org/abs/2401.00001) - ICML 2024 [[code]](https://github.com/org/repo)",
        "1. **Numbered Bold Paper.** *Ada Lovelace, Alan Turing* NeurIPS 2023. [[paper]](https://arxiv.org/pdf/2302.00002v2.pdf)",
        "",
        "| Title | Venue | Date | Code |",
        "|---|---|---|---|",
        "| [Table Paper](https://openreview.net/forum?id=AbCdEf123) | ICLR 2025 | 2024-10 | [code](https://github.com/x/y) |",
        "| Plain Table Paper | ACL 2024 | 2024-05 | [pdf](https://aclanthology.org/2024.acl-long.1.pdf) |",
        "",
        "- Badge Paper [![arXiv](https://img.shields.io/badge/arXiv-2403.00003-b31b1b.svg)](https://example.org)",
        "- [HTML Paper](https://arxiv.org/html/2404.00004v1)",
        "- [HF Paper](https://huggingface.co/papers/2405.00005)",
        "- A DOI Paper. Nature 2023. https://doi.org/10.1038/s41586-023-00006-x",
        "- [A blog post](https://example.org/blog)",
    ])
    taxonomy = load(root).catalog.taxonomy
    parsed = parse_markdown(text, taxonomy)
    got = [(p.line, p.title, p.arxiv or p.openreview or p.doi or p.paper, p.venue, p.year, p.code) for p in parsed.papers]
    assert got == [
        (2, "Some Bullet Paper", "2401.00001", "ICML", 2024, "https://github.com/org/repo"),
        (3, "Numbered Bold Paper", "2302.00002", "NeurIPS", 2023, None),
        (7, "Table Paper", "AbCdEf123", "ICLR", 2025, "https://github.com/x/y"),
        (8, "Plain Table Paper", "https://aclanthology.org/2024.acl-long.1.pdf", "ACL", 2024, None),
        (10, "Badge Paper", "2403.00003", None, 2024, None),
        (11, "HTML Paper", "2404.00004", None, 2024, None),
        (12, "HF Paper", "2405.00005", None, 2024, None),
        (13, "A DOI Paper", "10.1038/s41586-023-00006-x", "Nature", 2023, None),
    ]
    assert parsed.papers[1].authors == ["Ada Lovelace", "Alan Turing"]
    assert [(u.line, u.reason) for u in parsed.unparsed] == [(14, "no paper link (arXiv, OpenReview, DOI)")]


def test_exported_bibtex_reimported_into_an_empty_catalog_gives_the_same_ids_and_titles(
        root: Path, cli, tmp_path: Path) -> None:
    code, bib = cli("export", "--format", "bibtex", "--root", str(root))
    assert code == 0
    bib_path = write(tmp_path, "catalog.bib", bib)
    empty = tmp_path / "empty"
    (empty / "entries").mkdir(parents=True)
    shutil.copy(root / "entries" / "taxonomy.yaml", empty / "entries" / "taxonomy.yaml")
    shutil.copytree(root / "templates", empty / "templates")
    code, report = run_import(cli, empty, str(bib_path), "--section", "methods", "--topic", "rlhf-ppo")
    assert code == 0 and report["duplicates"] == [] and report["unparsed"] == []

    def keys(entries) -> set[tuple]:
        return {(Path(e.path).stem, e.entry.title, e.entry.links.arxiv, e.entry.links.openreview, e.entry.links.doi)
                for e in entries}

    original = load(root).catalog.entries
    reimported = []
    for path in sorted((empty / "entries" / "methods").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        links = data["links"]
        reimported.append((path.stem, data["title"], links.get("arxiv"), links.get("openreview"), links.get("doi")))
    assert set(reimported) == keys(original)
