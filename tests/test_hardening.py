"""Defects found by an adversarial run (issue 13): lookalike input, special files, a foolable cache,
invisible characters, limits and the messages a contributor sees."""

from __future__ import annotations

import os
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from alignhub import loader
from conftest import edit, rule_of, write

TQA = "entries/datasets/truthfulqa.yaml"


def _problem_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("entries/")]


@pytest.mark.parametrize(("written", "fixed"), [
    ("２１０９.０７９５８", "2109.07958"),  # full-width, as Chinese input methods type it
    ("٢١٠٩.٠٧٩٥٨", "2109.07958"),  # Arabic-Indic digits
])
def test_arxiv_ids_take_ascii_digits_only(root: Path, cli, written: str, fixed: str) -> None:
    edit(root, TQA, '"2109.07958"', f'"{written}"')
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"links.arxiv: '{written}' is not an arXiv id (use ASCII digits and punctuation: write {fixed})") == "non-ascii-digits"


def test_dois_take_ascii_digits_only(root: Path, cli) -> None:
    edit(root, TQA, 'arxiv: "2109.07958"', 'doi: "10.１８６５３/v1/2022.acl-long.229"')
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, "write 10.18653/v1/2022.acl-long.229") == "non-ascii-digits"


def test_a_fifo_under_entries_is_reported_not_read(root: Path, cli) -> None:
    os.mkfifo(root / "entries" / "methods" / "waiting.yaml")
    code, out = cli("validate", "--root", str(root))  # hung forever before
    assert code == 1
    assert rule_of(out, "entries/methods/waiting.yaml: cannot read the file: not a regular file (a FIFO)") == "not-a-regular-file"


def test_a_link_to_dev_zero_is_reported_not_read(root: Path, cli) -> None:
    (root / "entries" / "methods" / "zero.yaml").symlink_to("/dev/zero")
    code, out = cli("validate", "--root", str(root))  # read until memory ran out before
    assert code == 1
    assert rule_of(out, "entries/methods/zero.yaml: cannot read the file: not a regular file (a device)") == "not-a-regular-file"


def test_a_huge_entry_file_is_refused(root: Path, cli) -> None:
    path = root / TQA
    path.write_bytes(path.read_bytes() + b"# " + b"x" * (loader.MAX_ENTRY_BYTES + 10) + b"\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{TQA}: cannot read the file: the file is too big") == "file-too-large"


def test_an_in_place_edit_that_restores_the_mtime_is_seen(root: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cp -p` keeps size and mtime and (written in place) the inode: only the ctime tells."""
    monkeypatch.setattr(loader, "_SETTLED_NS", 50_000_000)
    path = root / TQA
    time.sleep(0.2)
    assert cli("validate", "--root", str(root))[0] == 0  # records the stat of the settled file
    before = path.stat()
    time.sleep(0.2)
    text = path.read_text(encoding="utf-8").replace("year: 2021", "year: 1899")
    with open(path, "r+", encoding="utf-8") as fh:  # same inode, same size
        fh.write(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and f"{TQA}:6:7: year:" in out


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2028", "\u2066"])
def test_invisible_and_bidi_characters_are_refused_with_their_place(root: Path, cli, char: str) -> None:
    edit(root, TQA, "Measuring How", f"Measuring{char} How")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{TQA}:1:30: invisible or control character U+{ord(char):04X}") == "invisible-character"


def test_a_line_separator_does_not_shift_later_line_numbers(root: Path, cli) -> None:
    edit(root, TQA, "Measuring How", "Measuring\u2028How")
    edit(root, TQA, "year: 2021", "year: nineteen")
    out = cli("validate", "--root", str(root))[1]
    assert _problem_lines(out)[0].startswith(f"{TQA}:1:")


def test_a_nul_byte_is_located(root: Path, cli) -> None:
    path = root / TQA
    path.write_bytes(path.read_bytes().replace(b"year: 2021", b"year: 20\x0021"))
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, f"{TQA}:6:9: invisible or control character U+0000") == "invisible-character"


@pytest.mark.parametrize(("field", "text"), [
    ("title", "T" * 301),
    ("summary", "S" * 1001),
])
def test_text_fields_have_length_limits(root: Path, cli, field: str, text: str) -> None:
    if field == "title":
        edit(root, TQA, '"TruthfulQA: Measuring How Models Mimic Human Falsehoods"', text)
    else:
        edit(root, TQA, "en: Questions crafted", f"en: {text} Questions crafted")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "is too long (at most") == "too-long"


def test_an_added_date_in_the_future_is_refused(root: Path, cli) -> None:
    later = (date.today() + timedelta(days=3)).isoformat()
    edit(root, TQA, "added: 2026-11-22", f"added: {later}")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, f"added: {later} is in the future") == "future-date"


@pytest.mark.parametrize(("url", "message"), [
    ("https://user:secret@github.com/org/repo", "holds a user name or password"),
    ("https://github.com:99999/org/repo", "has an invalid port"),
    ("https://github.com:http/org/repo", "has an invalid port"),
])
def test_credentials_and_bad_ports_in_urls_are_refused(root: Path, cli, url: str, message: str) -> None:
    edit(root, TQA, 'arxiv: "2109.07958"', f'arxiv: "2109.07958"\n  code: {url}')
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, message) == "invalid-url"
    assert "secret" not in out


def test_a_symlinked_section_folder_is_reported(root: Path, cli, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(root / "entries" / "datasets", elsewhere)
    (root / "entries" / "datasets").symlink_to(elsewhere)
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "entries/datasets/: a symlinked folder is not read") == "symlinked-folder"


def test_a_hidden_entry_file_is_reported(root: Path, cli) -> None:
    shutil.move(root / TQA, root / "entries/datasets/.truthfulqa.yaml")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and "entries/datasets/.truthfulqa.yaml: a hidden file is not read" in out


def test_duplicate_section_ids_in_the_taxonomy_are_refused(root: Path, cli) -> None:
    edit(root, "entries/taxonomy.yaml", "  - id: evaluation\n", "  - id: methods\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and "section ids used twice: methods" in out


def test_non_slug_ids_in_the_taxonomy_are_refused(root: Path, cli) -> None:
    edit(root, "entries/taxonomy.yaml", "      - id: llm-as-a-judge\n", "      - id: LLM as a judge\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and "ids must be lowercase words" in out and "'LLM as a judge'" in out


def test_a_deleted_taxonomy_is_not_replaced_by_the_packaged_one(root: Path, cli) -> None:
    (root / "entries" / "taxonomy.yaml").unlink()
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "entries/taxonomy.yaml: the taxonomy is missing") == "taxonomy-missing"


def test_a_venue_written_as_text_says_how_to_write_it(root: Path, cli) -> None:
    edit(root, TQA, "venue: {name: ACL, year: 2022}", "venue: EMNLP 2022")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "(write venue: {name: EMNLP, year: 2022})") == "venue-as-text"
    assert "valid dictionary" not in out


@pytest.mark.parametrize("written", ["2026-13-01", "2026-1-5", "yesterday"])
def test_a_bad_date_says_how_to_write_one(root: Path, cli, written: str) -> None:
    edit(root, TQA, "added: 2026-11-22", f"added: {written}")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "(write the date as YYYY-MM-DD, e.g. 2024-05-31)") == "invalid-date"
    assert "invalid character" not in out


@pytest.mark.parametrize(("old", "new"), [("short_name: TruthfulQA", "short_name: NO"),
                                          ("Owain Evans]", "yes]")])
def test_yaml_booleans_get_a_quote_it_hint(root: Path, cli, old: str, new: str) -> None:
    edit(root, TQA, old, new)
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and "YAML read this value as the boolean" in out
    assert rule_of(out, "put the value in quotes") == "yaml-boolean"


def test_a_file_name_with_a_newline_is_printed_escaped(root: Path, cli) -> None:
    shutil.copy(root / TQA, root / "entries/datasets/bad\nname.yaml")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "entries/datasets/bad\\nname.yaml: 'bad\\nname' is not a valid entry id") == "invalid-entry-id"


def test_a_misspelt_related_id_never_suggests_the_entry_itself(root: Path, cli) -> None:
    edit(root, TQA, "tags: [", "related: [truthfulqb]\ntags: [")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and rule_of(out, "no entry with id 'truthfulqb'") == "unknown-related-id"
    assert "did you mean 'truthfulqa'" not in out


def test_special_files_are_refused_by_the_taxonomy_reader(root: Path, cli) -> None:
    (root / "entries" / "taxonomy.yaml").unlink()
    os.mkfifo(root / "entries" / "taxonomy.yaml")
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and "not a regular file (a FIFO)" in out


def test_written_files_keep_the_umask_mode_and_stale_temporaries_go(root: Path, cli) -> None:
    old = os.umask(0o022)
    try:
        stale = write(root, ".README.md.abc123.tmp", "left by a killed run")
        os.utime(stale, (time.time() - 3600, time.time() - 3600))
        fresh = write(root, ".README.md.def456.tmp", "another run is writing")
        assert cli("build", "--root", str(root))[0] == 0
    finally:
        os.umask(old)
    assert (root / "README.md").stat().st_mode & 0o777 == 0o644
    assert (root / "schema" / "entry.schema.json").stat().st_mode & 0o777 == 0o644
    assert not stale.exists() and fresh.exists()


def test_export_to_stdout_keeps_problems_on_stderr(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from alignhub.cli import main

    edit(root, TQA, "year: 2021", "year: twenty")
    assert main(["export", "--root", str(root), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"{TQA}:6:7: year:" in err


def test_stats_reports_an_invalid_entry_and_exits_1(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from alignhub.cli import main

    edit(root, TQA, "year: 2021", "year: twenty")
    for extra in ([], ["--json"]):
        assert main(["stats", "--root", str(root), *extra]) == 1
        err = capsys.readouterr().err
        assert f"{TQA}:6:7: year:" in err and "leave out the entry files with problems" in err


def test_alignhub_alone_prints_the_commands(cli) -> None:
    code, out = cli()
    assert code == 2
    assert all(name in out for name in ("validate", "build", "links", "export", "enrich"))


def _validate_on_a_terminal(root: Path, **env: str) -> bytes:
    import pty
    import subprocess
    import sys

    main, child = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"} | env
    proc = subprocess.run([sys.executable, "-m", "alignhub", "validate", "--root", str(root)],
                          stdout=child, stderr=child, env=environment, timeout=120, check=False)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.returncode == 1
    return b"".join(chunks)


def test_colour_on_a_terminal_only_and_never_with_no_color(root: Path, cli) -> None:
    edit(root, TQA, "year: 2021", "year: twenty")
    assert b"\x1b[1mentries/datasets/truthfulqa.yaml:6:7\x1b[0m" in _validate_on_a_terminal(root)
    assert b"\x1b[" not in _validate_on_a_terminal(root, NO_COLOR="1")
    assert "\x1b[" not in cli("validate", "--root", str(root))[1]  # piped


def test_the_chinese_summary_policy_is_one_setting_that_validate_enforces(root: Path, cli) -> None:
    assert cli("validate", "--root", str(root))[0] == 0  # optional by default: odpo has none
    write(root, "pyproject.toml", '[tool.alignhub]\nsummary_zh = "required"\n')
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, 'entries/methods/odpo.yaml:12:3: summary.zh: required by this catalog '
                   '(add \'zh:\' — pyproject.toml sets [tool.alignhub] summary_zh = "required")') == "required-by-catalog"
    assert cli("build", "--root", str(root))[0] == 1
    write(root, "pyproject.toml", '[tool.alignhub]\nsummary_zh = "always"\n')
    code, out = cli("validate", "--root", str(root))
    assert code == 1 and 'summary_zh must be "required" or "optional"' in out
