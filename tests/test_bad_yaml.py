"""Every kind of unreadable entry file is reported with its file and line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from alignhub import yamlsafe
from conftest import edit, rule_of, write

DPO = "entries/methods/dpo.yaml"


def test_fixture_catalog_is_clean(root: Path, cli) -> None:
    code, out = cli("validate", "--root", str(root))
    assert code == 0, out
    assert "7 entries, no problems" in out


def test_duplicate_key_names_both_lines(root: Path, cli) -> None:
    edit(root, DPO, "year: 2023\n", "year: 2023\ntitle: Another title\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{DPO}:8:1: title: duplicate key 'title' (first given on line 2)") == "duplicate-key"


def test_anchor_and_alias_are_refused(root: Path, cli) -> None:
    edit(root, DPO, "year: 2023\n", "year: &y 2023\nextra: *y\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{DPO}:7:7: YAML anchor 'y' is not allowed") == "yaml-anchor"


def test_alias_bomb_is_refused_without_expanding(root: Path, cli) -> None:
    bomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 30):
        prev, name = chr(ord("a") + i - 1) if i < 26 else f"x{i - 1}", chr(ord("a") + i) if i < 26 else f"x{i}"
        bomb.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    write(root, "entries/methods/bomb.yaml", "\n".join(bomb) + "\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, "entries/methods/bomb.yaml:1:4: YAML anchor 'a' is not allowed") == "yaml-anchor"


def test_python_tag_executes_nothing(root: Path, cli, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    edit(root, DPO, "year: 2023\n", f'year: !!python/object/apply:os.system ["touch {marker}"]\n')
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{DPO}:7:7: year: YAML tag '!!python/object/apply:os.system' is not allowed") == "yaml-tag"
    assert not marker.exists()


def test_non_utf8_names_the_line(root: Path, cli) -> None:
    path = root / DPO
    data = path.read_bytes().replace(b"Stefano Ermon", b"St\xe9fano Ermon")
    path.write_bytes(data)
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert f"{DPO}:6:" in out and rule_of(out, "not valid UTF-8 (byte 0xe9)") == "not-utf8"


def test_empty_file(root: Path, cli) -> None:
    write(root, "entries/methods/empty.yaml", "# nothing yet\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, "entries/methods/empty.yaml: the file is empty") == "empty-file"


def test_list_instead_of_mapping(root: Path, cli) -> None:
    write(root, "entries/methods/listy.yaml", "- title: A\n- title: B\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, "entries/methods/listy.yaml:1:1: the file holds a list, not a mapping of fields") == "not-a-mapping"


def test_tab_indentation(root: Path, cli) -> None:
    edit(root, DPO, '  arxiv: "2305.18290"', '\tarxiv: "2305.18290"')
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{DPO}:10:1: tab character in indentation") == "tab-indentation"


def test_syntax_error_has_position(root: Path, cli) -> None:
    edit(root, DPO, "year: 2023\n", "year: [2023\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert f"{DPO}:8:" in out and rule_of(out, "YAML syntax error") == "yaml-syntax"


def test_two_documents_in_one_file(root: Path, cli) -> None:
    path = root / DPO
    path.write_text(path.read_text() + "---\ntitle: second\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert f"{DPO}:17:1: YAML syntax error" in out and rule_of(out, "single document") == "yaml-syntax"


def test_every_broken_file_is_reported_in_one_run(root: Path, cli) -> None:
    write(root, "entries/methods/empty.yaml", "")
    write(root, "entries/safety/listy.yaml", "- a\n")
    edit(root, DPO, "year: 2023\n", "year: 2023\nyear: 2024\n")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert out.strip().splitlines()[-1] == "3 problems in 3 files"


def test_no_traceback_reaches_the_user(root: Path) -> None:
    edit(root, DPO, "year: 2023\n", "year: !!python/name:os.system\n")
    write(root, "entries/methods/bad.yml", "title: x\n")
    run = subprocess.run(
        [sys.executable, "-m", "alignhub", "validate", "--root", str(root)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert rule_of(run.stdout, "entries/methods/bad.yml: not an entry file (rename it to .yaml)") == "not-an-entry-file"


@pytest.mark.parametrize(
    "value",
    ["", "~", "null", "NULL", "yes", "No", "on", "OFF", "True", "tRue", "y", "n", "2023", "2023-05-01",
     "2023-05-01T10:00:00Z", "0x1F", "017", "1_000", "+1", "-1", ".5", ".inf", "-.inf", ".NaN", "1e3",
     "12:30:00", "<<", "=", "title", "Direct Preference", "hep-th/9901001", "2305.18290", "v1"],
)
def test_fast_resolver_types_plain_scalars_like_pyyaml(value: str) -> None:
    fast, stock = yamlsafe._FastResolver(), Resolver()
    for implicit in ((True, False), (False, True)):
        assert fast.resolve(ScalarNode, value, implicit) == stock.resolve(ScalarNode, value, implicit)


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("year: 2023", "'<<': {year: 2023}", "yaml-merge-key"),
    ("year: 2023", "[year]: 2023", "invalid-key"),
])
def test_merge_keys_and_keys_that_are_not_words_are_refused(root: Path, cli, old: str, new: str, rule: str) -> None:
    edit(root, DPO, old, new)
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, f"{DPO}:7:1:") == rule


def test_a_dangling_symlink_is_an_unreadable_file(root: Path, cli) -> None:
    (root / "entries" / "methods" / "gone.yaml").symlink_to(root / "nowhere.yaml")
    code, out = cli("validate", "--root", str(root))
    assert code == 1
    assert rule_of(out, "entries/methods/gone.yaml: cannot read the file:") == "unreadable-file"
