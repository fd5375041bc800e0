"""Exit codes, help, stats, schema and the parse cache, through the real command line."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from alignhub import buildcache, loader, pipeline
from alignhub import validate as validate_module
from alignhub.catalog import LoadedCatalog
from alignhub.loader import read_tree
from alignhub.pipeline import build_catalog, open_cache, save_cache
from alignhub.pipeline import load as load_only
from conftest import REPO, edit

DPO = "entries/methods/dpo.yaml"


def load(root: Path) -> LoadedCatalog:
    """Load the catalog the way a command does: the build cache is saved at the end."""
    loaded = load_only(root)
    save_cache(loaded)
    return loaded


@pytest.mark.parametrize("command", [[], ["validate"], ["build"], ["stats"], ["schema"]])
def test_help_everywhere(cli, command: list[str]) -> None:
    code, out = cli(*command, "--help")
    assert code == 0
    assert "usage: alignhub" in out and "--root DIR" in out


def test_misuse_exits_2(cli, tmp_path: Path) -> None:
    assert cli()[0] == 2
    assert cli("frobnicate")[0] == 2
    assert cli("build", "--chek")[0] == 2
    code, out = cli("validate", "--root", str(tmp_path))
    assert code == 2 and "no entries/ folder" in out


def test_stats_counts_and_missing_chinese(root: Path, cli) -> None:
    code, out = cli("stats", "--root", str(root))
    assert code == 0
    assert "7 entries" in out
    assert "missing Chinese summary: 1\n  entries/methods/odpo.yaml" in out
    code, out = cli("stats", "--json", "--root", str(root))
    data = json.loads(out)
    assert data["sections"]["methods"]["count"] == 3
    assert data["sections"]["methods"]["topics"]["offline-preference-optimization"] == 3
    assert data["missing_zh_summary"] == ["entries/methods/odpo.yaml"]


def test_schema_lists_the_vocabularies(root: Path, cli) -> None:
    code, out = cli("schema", "--root", str(root))
    assert code == 0
    schema = json.loads(out)
    assert schema["additionalProperties"] is False
    assert "offline-preference-optimization" in schema["properties"]["topic"]["enum"]
    assert "benevolence" in schema["properties"]["tags"]["items"]["enum"]
    assert set(schema["required"]) >= {"title", "type", "topic", "year", "links", "summary", "added"}


def test_build_writes_the_schema_file(root: Path, cli) -> None:
    assert cli("build", "--root", str(root))[0] == 0
    on_disk = json.loads((root / "schema" / "entry.schema.json").read_text())
    assert json.loads(cli("schema", "--root", str(root))[1]) == on_disk


def test_parse_cache_reparses_only_changed_files(root: Path) -> None:
    assert load(root).parsed == 7
    assert load(root).parsed == 0
    edit(root, DPO, "  en: Rewrites", "  en: Recasts")
    again = load(root)
    assert again.parsed == 1
    assert again.catalog.by_id["dpo"].entry.summary.en.startswith("Recasts")


def test_corrupt_parse_cache_is_ignored(root: Path) -> None:
    load(root)
    cache = next((root / ".alignhub-cache").glob("build-*.pickle"))
    cache.write_bytes(b"not a pickle")
    assert load(root).parsed == 7
    assert (root / ".alignhub-cache" / ".gitignore").read_text() == "*\n"


def test_cache_serves_same_problems_as_a_fresh_parse(root: Path) -> None:
    edit(root, DPO, "year: 2023\n", "year: 2023\nyear: 2024\n")
    taxonomy = load(root).catalog.taxonomy
    cold = build_catalog(root, taxonomy, use_cache=False).problems
    warm = build_catalog(root, taxonomy).problems
    assert cold == warm and len(cold) == 1


def test_one_edit_appends_to_the_delta_instead_of_rewriting_the_cache(root: Path) -> None:
    load(root)
    folder = root / ".alignhub-cache"
    base = next(folder.glob("build-v*[0-9].pickle"))
    before = base.read_bytes()
    edit(root, DPO, "  en: Rewrites", "  en: Recasts")
    assert load(root).parsed == 1
    assert base.read_bytes() == before
    assert any(folder.glob("build-v*.delta.pickle"))
    assert load(root).parsed == 0  # served from base + delta


def test_a_rebuild_after_one_edit_builds_the_model_of_that_entry_only(root: Path) -> None:
    """Entries served from the cache keep their facts and JSON; the build reads facts and cached
    blocks and listings, so no other entry's model is built, and the READMEs are what a cold build gives."""
    load(root)
    save_cache(build(root))
    edit(root, DPO, "  en: Rewrites", "  en: Recasts")
    again = build(root)
    served = [item for item in again.catalog.entries if isinstance(item.source, str)]
    assert len(served) == len(again.catalog.entries) - 1 == 6
    assert [item.id for item in served if "entry" in item.__dict__] == []
    cold = pipeline.generate(pipeline.load(root, use_cache=False), root)
    assert pipeline.generate(again, root) == cold
    assert again.catalog.by_id["kto"].entry == pipeline.load(root, use_cache=False).catalog.by_id["kto"].entry


def build(root: Path) -> pipeline.Build:
    """What `alignhub build` does with the catalog: load it and generate every file."""
    loaded = load_only(root)
    pipeline.generate(loaded, root)
    return loaded


def test_a_taxonomy_change_invalidates_cached_results(root: Path) -> None:
    load(root)
    edit(root, "entries/taxonomy.yaml", "  dpo: {en: DPO,", "  dpo: {en: Direct preference optimization,")
    assert load(root).parsed == 7


def test_editing_any_file_of_the_package_invalidates_cached_results(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint is read off the installed package, here a copy of it: no list of modules to keep."""
    package = tmp_path / "alignhub"
    shutil.copytree(buildcache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(buildcache, "PACKAGE_DIR", package)
    assert load(root).parsed == 7
    assert load(root).parsed == 0
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "words.cpython.pyc").write_bytes(b"bytecode is not source")
    assert load(root).parsed == 0
    for name in ("words.py", "site/search.py", "new_module.py"):  # modules no record seems to depend on
        path = package / name
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n" if path.exists() else "", encoding="utf-8")
        assert load(root).parsed == 7, name
        assert load(root).parsed == 0


def test_checking_in_worker_processes_gives_the_same_catalog(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(root, "entries/methods/kto.yaml", "year: 2024", "year: soon")
    serial = load_only(root, use_cache=False)
    monkeypatch.setattr(validate_module, "PARALLEL_MIN_FILES", 1)
    parallel = load_only(root, use_cache=False, workers=2)
    assert parallel.problems == serial.problems and len(parallel.problems) == 1
    assert [(e.id, e.entry) for e in parallel.catalog.entries] == [(e.id, e.entry) for e in serial.catalog.entries]


def test_unchanged_settled_files_are_not_read_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settled means unchanged for a while by ctime too, which only the clock moves: a short while here.
    monkeypatch.setattr(loader, "_SETTLED_NS", 100_000_000)
    hour_ago = time.time() - 3600
    for path in (root / "entries").rglob("*.yaml"):
        os.utime(path, (hour_ago, hour_ago))
    time.sleep(0.2)
    load(root)
    edit(root, DPO, "  en: Rewrites", "  en: Recasts")  # a fresh edit: its stat is not trusted yet
    loaded = load_only(root)
    taxonomy = loaded.catalog.taxonomy
    cache = open_cache(root, taxonomy)
    files, _ = read_tree(root, taxonomy.section_ids, cache.records("stat"))
    read = sorted(f.path for f in files if f.content is not None)
    assert read == [DPO]
    assert loaded.catalog.by_id["dpo"].entry.summary.en.startswith("Recasts")


def test_the_command_reference_documents_every_command_and_option() -> None:
    """docs/cli.md is written from each command's `--help`: every command and every option the CLI
    accepts is in the committed page (a stale one also fails `alignhub build --check`), and the README
    links it."""
    import argparse

    from alignhub.cli import build_parser, help_text

    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(subcommands.choices) >= 10
    for name, sub in subcommands.choices.items():
        assert f"## alignhub {name}\n" in reference and help_text(sub).strip() in reference, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in ("--help", "--root"):
                    assert flag in reference, (name, flag)
    assert "`--root DIR`" in reference and "`--help`" in reference
    assert "[docs/cli.md](docs/cli.md)" in (REPO / "README.md").read_text(encoding="utf-8")
