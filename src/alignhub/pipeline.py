"""The shared pipeline behind the CLI and the MkDocs plugin: taxonomy → catalog → generated files."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.buildcache import BuildCache
from alignhub.catalog import CatalogEntry, EntryFacts, LoadedCatalog, assemble, catalog_policy
from alignhub.config import ConfigError, load_config
from alignhub.gcpause import gc_paused
from alignhub.loader import SourceFile, read_tree
from alignhub.metadata.lookup import lookup
from alignhub.metadata.store import Store
from alignhub.problems import Problem, display_path
from alignhub.render import render_markdown
from alignhub.resources import taxonomy_file, templates_dir
from alignhub.schema import entry_json_schema_text
from alignhub.taxonomy import Taxonomy, load_taxonomy
from alignhub.validate import check_files

SCHEMA_OUTPUT = "schema/entry.schema.json"


def _quiet_jieba(record: logging.LogRecord) -> bool:
    """jieba (the Chinese search index's word splitter) logs four lines on every site build at DEBUG
    level, to its own stderr handler. A filter on its logger drops them and keeps its warnings; unlike
    a level it survives jieba's import, which sets the level itself (whenever that import happens)."""
    return record.levelno >= logging.WARNING


logging.getLogger("jieba").addFilter(_quiet_jieba)


@dataclass
class Build(LoadedCatalog):
    """A loaded catalog and the build cache this run reads and extends: the pipeline's own, opened
    once per run and handed to each step that keeps results in it (reading, checking, rendering).
    `workers`: how many processes the run's big cold steps may fork (see `load`)."""

    cache: BuildCache | None = None
    workers: int = 1


def open_cache(root: Path, taxonomy: Taxonomy, use_cache: bool = True) -> BuildCache:
    """The catalog's build cache: its records hold for this taxonomy (and this alignhub, see BuildCache)."""
    return BuildCache(root, taxonomy.model_dump_json().encode(), enabled=use_cache)


def checked_entries(
    files: list[SourceFile], taxonomy: Taxonomy, cache: BuildCache, workers: int = 1
) -> tuple[list[CatalogEntry], list[Problem], int]:
    """Parse and check each file against the schema and the taxonomy; also returns how many were parsed.

    A valid entry is kept in `cache` under its content digest and section (the taxonomy is part of
    the cache's fingerprint), as its facts and its JSON: an unchanged file is neither parsed nor
    validated again, and its `Entry` model is only built if something reads more than its facts.
    Files to check are spread over `workers` processes when there are many (a cold run on a big catalog).
    """
    keys = [f"{source.digest}/{source.section}" for source in files]
    stored = [cache.get("entry", key) for key in keys]
    todo = [i for i, record in enumerate(stored) if record is None]
    checked = dict(zip(todo, check_files([files[i] for i in todo], taxonomy, workers), strict=True))
    entries: list[CatalogEntry] = []
    problems: list[Problem] = []
    for i, source in enumerate(files):
        cache_key = f"{keys[i]}/{source.id}"
        if i in checked:
            entry, as_json, facts, found = checked[i]
            problems.extend(found)
            if entry is None or as_json is None or facts is None:
                continue
            cache.put("entry", keys[i], (facts.as_tuple(), as_json))
            entries.append(CatalogEntry(source.id, source.section, source.path, entry, cache_key, facts))
        else:
            # Valid when stored, under the same taxonomy and code (the cache's fingerprint).
            record = stored[i]
            assert record is not None  # `todo` holds every file without a stored record
            facts_tuple, as_json = record
            entries.append(CatalogEntry(source.id, source.section, source.path, as_json, cache_key,
                                        EntryFacts(*facts_tuple)))
    return entries, problems, len(todo)


def build_catalog(
    root: Path, taxonomy: Taxonomy, use_cache: bool = True, workers: int = 1, required: frozenset[str] = frozenset()
) -> Build:
    """Load, validate and cross-check the tree; the catalog holds every entry that passed.

    `required`: optional fields the catalog's policy requires (see `catalog.catalog_policy`)."""
    cache = open_cache(root, taxonomy, use_cache)
    files, problems = read_tree(root, taxonomy.section_ids, cache.records("stat"))
    entries, invalid, parsed = checked_entries(files, taxonomy, cache, workers)
    loaded = assemble(taxonomy, files, entries, problems + invalid, parsed, required)
    return Build(loaded.catalog, loaded.problems, loaded.parsed, loaded.advisories, cache, workers)


def load(root: Path, use_cache: bool = True, workers: int = 1) -> Build:
    """Read the taxonomy and the entries under `root`. Raises TaxonomyError for a broken taxonomy.

    `workers` > 1 lets a big cold run check files, and `generate` render blocks, in forked processes:
    only for a caller that runs no other threads (the command line), since forking a threaded process
    is unsafe.
    """
    try:
        required = catalog_policy(load_config(root))
    except ValueError as err:
        raise ConfigError(f"pyproject.toml: {err}") from None
    path = taxonomy_file(root)
    with gc_paused():
        taxonomy: Taxonomy = load_taxonomy(path, display_path(path, root))
        return build_catalog(root, taxonomy, use_cache=use_cache, workers=workers, required=required)


def generate(loaded: Build, root: Path, commands: Sequence[Any] = (), cli_help: str = "") -> dict[str, str]:
    """Every generated file's text, keyed by its path relative to the catalog root (metadata/ merged in);
    `commands` is the CLI's command reference (`alignhub.cli.command_reference`) and `cli_help` what
    `alignhub --help` prints: docs/cli.md is written from them, the README's settings tables too."""
    with gc_paused():
        outputs = render_markdown(loaded.catalog, templates_dir(root), loaded.cache, lookup(root, loaded.catalog),
                                  Store(root).refreshed(), commands, cli_help, loaded.workers)
        outputs[SCHEMA_OUTPUT] = entry_json_schema_text(loaded.catalog.taxonomy)
    return outputs


def save_cache(loaded: Build) -> None:
    """Keep what this run parsed, validated and rendered for the next one (once, at the end)."""
    if loaded.cache:
        with gc_paused():
            loaded.cache.save()


def stale_outputs(outputs: dict[str, str], root: Path) -> list[str]:
    """Generated files whose committed copy differs from what the data gives (or is missing)."""
    stale = []
    for name, text in sorted(outputs.items()):
        try:
            current = (root / name).read_bytes()
        except OSError:
            current = None
        if current != text.encode("utf-8"):
            stale.append(name)
    return stale


def write_outputs(outputs: dict[str, str], root: Path) -> list[str]:
    """Write the files that changed, each atomically; returns the names written."""
    written = []
    for name in stale_outputs(outputs, root):
        fsutil.atomic_write_text(root / name, outputs[name])
        written.append(name)
    return written
