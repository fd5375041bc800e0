"""The `links` flow: gather URLs → filter → take fresh results from the cache → check the rest → judge."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from alignhub.links.cache import LinkCache
from alignhub.links.check import run_checks
from alignhub.links.collect import EntryLocator, Occurrence, entry_links, group_by_url, markdown_links
from alignhub.links.observation import Observation
from alignhub.links.report import Report, judge
from alignhub.links.settings import LinkSettings
from alignhub.problems import display_path


@dataclass
class Gathered:
    occurrences: list[Occurrence]
    skipped_entries: int = 0  # entry files with problems: their links are not known


def gather_catalog(root: Path, with_outputs: bool = True) -> Gathered:
    """The links of every valid entry, and of every generated markdown file (README.md …)."""
    from alignhub import pipeline  # the catalog's machinery: not needed to check given markdown files

    loaded = pipeline.load(root)
    found = list(entry_links(loaded.catalog))
    if with_outputs:
        for name, text in sorted(pipeline.generate(loaded, root).items()):
            if name.endswith(".md"):
                found.extend(markdown_links(name, text))
    return Gathered(found, len({p.path for p in loaded.problems}))


def gather_files(files: Iterable[Path], root: Path) -> Gathered:
    """The links of the given markdown files (OSError when one cannot be read)."""
    found: list[Occurrence] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")  # a stray byte must not hide the links
        found.extend(markdown_links(display_path(path.resolve(), root), text))
    return Gathered(found)


def check_links(
    occurrences: Iterable[Occurrence],
    settings: LinkSettings,
    root: Path,
    started: Callable[[int], None] = lambda total: None,
    done: Callable[[Observation], None] | None = None,
) -> Report:
    """Check each distinct wanted URL once (or take it from the cache) and judge it.

    `started` is told how many URLs will really be requested; `done` hears each one finish.
    """
    grouped = group_by_url(occurrences)
    wanted = [url for url in grouped if settings.wants(url)]
    cache = LinkCache(root, settings.cache_ttl, enabled=settings.use_cache)
    now = time.time()
    observations: dict[str, Observation] = {}
    todo = []
    for url in wanted:
        fresh = cache.fresh(url, now)
        if fresh is None:
            todo.append(url)
        else:
            observations[url] = fresh
    started(len(todo))
    checked = run_checks(todo, settings, done) if todo else {}
    cache.store(checked)
    cache.save()
    observations.update(checked)

    locator = EntryLocator(root)
    results = []
    for url in wanted:
        result = judge(observations[url], settings, grouped[url])
        if result.status != "ok":  # only reported places need their line looked up
            located = sorted((locator.locate(o) for o in result.found_in), key=lambda o: o.order)
            result = replace(result, found_in=located)
        results.append(result)
    return Report(results, excluded=len(grouped) - len(wanted))
