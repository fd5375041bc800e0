"""The shared pipeline behind the CLI and the MkDocs plugin: taxonomy → catalog → generated files."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.catalog import LoadedCatalog, build_catalog, catalog_policy
from alignhub.config import ConfigError, load_config
from alignhub.gcpause import gc_paused
from alignhub.metadata.lookup import lookup
from alignhub.metadata.store import Store
from alignhub.problems import display_path
from alignhub.render import render_markdown
from alignhub.resources import taxonomy_file, templates_dir
from alignhub.schema import entry_json_schema_text
from alignhub.taxonomy import Taxonomy, load_taxonomy

SCHEMA_OUTPUT = "schema/entry.schema.json"


def _quiet_jieba(record: logging.LogRecord) -> bool:
    """jieba (the Chinese search index's word splitter) logs four lines on every site build at DEBUG
    level, to its own stderr handler. A filter on its logger drops them and keeps its warnings; unlike
    a level it survives jieba's import, which sets the level itself (whenever that import happens)."""
    return record.levelno >= logging.WARNING


logging.getLogger("jieba").addFilter(_quiet_jieba)




def load(root: Path, use_cache: bool = True, workers: int = 1) -> LoadedCatalog:
    """Read the taxonomy and the entries under `root`. Raises TaxonomyError for a broken taxonomy.

    `workers` > 1 lets a big cold run check files in forked processes: only for a caller that
    runs no other threads (the command line), since forking a threaded process is unsafe.
    """
    try:
        required = catalog_policy(load_config(root))
    except ValueError as err:
        raise ConfigError(f"pyproject.toml: {err}") from None
    path = taxonomy_file(root)
    with gc_paused():
        taxonomy: Taxonomy = load_taxonomy(path, display_path(path, root))
        return build_catalog(root, taxonomy, use_cache=use_cache, workers=workers, required=required)


def generate(loaded: LoadedCatalog, root: Path, commands: Sequence[Any] = (), cli_help: str = "") -> dict[str, str]:
    """Every generated file's text, keyed by its path relative to the catalog root (metadata/ merged in);
    `commands` is the CLI's command reference (`alignhub.cli.command_reference`) and `cli_help` what
    `alignhub --help` prints: docs/cli.md is written from them, the README's settings tables too."""
    with gc_paused():
        outputs = render_markdown(loaded.catalog, templates_dir(root), loaded.cache, lookup(root, loaded.catalog),
                                  Store(root).refreshed(), commands, cli_help)
        outputs[SCHEMA_OUTPUT] = entry_json_schema_text(loaded.catalog.taxonomy)
    return outputs


def save_cache(loaded: LoadedCatalog) -> None:
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
