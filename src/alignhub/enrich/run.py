"""`alignhub enrich`: ask each source about the catalog's papers and keep the answers in the cache.

A run is planned first (which keys each source still lacks), then each source is asked batch by
batch; every batch's records are written before the next request, so an interrupted run keeps what
it fetched and the next run asks only for the rest. Papers a source has no record of are asked
again on every run (arXiv sometimes answers a good id with an empty feed); `--refresh` asks again
for everything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from alignhub.catalog import Catalog, CatalogEntry, file_order
from alignhub.metadata.ids import entry_keys, openreview_id, split_arxiv
from alignhub.metadata.records import Missing
from alignhub.metadata.store import Store
from alignhub.sources.arxiv import ArxivSource
from alignhub.sources.github import GitHubSource
from alignhub.sources.http import FetchError, HostUnreachable
from alignhub.sources.names import SOURCES
from alignhub.sources.openreview import OpenReviewSource
from alignhub.sources.outcomes import Failed, Fetched, NotFound, Outcome, Source, SourceUnavailable
from alignhub.sources.s2 import S2Source
from alignhub.sources.settings import Settings
from alignhub.suggest import did_you_mean

# A source is given up for the run after this many batches in a row failed entirely (network gone).
FAILED_BATCHES_LIMIT = 2


class UnknownEntry(Exception):
    """An id on the command line names no entry of the catalog."""


class Progress(Protocol):
    def update(self, n: int) -> object: ...

    def close(self) -> None: ...


@dataclass
class Job:
    source: str
    keys: list[str]  # to ask for, sorted
    cached: int  # already in the cache, not asked again
    entries: dict[str, list[str]]  # key → paths of the entries that use it, for messages


@dataclass
class Tally:
    fetched: int = 0  # new or changed records written
    unchanged: int = 0  # already in the cache, or fetched again and identical
    not_found: int = 0
    failed: int = 0
    skipped: int = 0  # not asked: the source was unavailable (no credentials, browser challenge)
    requests: int = 0
    reports: list[tuple[str, str, str]] = field(default_factory=list)  # (key, "not found"/"failed"/…, why)
    # Ids counted as failed without being asked, because the source gave up (one line, not one per id).
    not_asked: list[str] = field(default_factory=list)
    gave_up: str = ""


def select(catalog: Catalog, names: Iterable[str]) -> list[CatalogEntry]:
    """Entries named on the command line by entry id, arXiv id (any version) or OpenReview id."""
    names = list(names)
    if not names:
        return list(catalog.entries)
    by_external: dict[str, CatalogEntry] = {}
    for item in catalog.entries:
        for key in (item.entry.links.arxiv, item.entry.links.openreview):
            if key:
                by_external[key] = item
    chosen: dict[str, CatalogEntry] = {}
    for name in names:
        found = catalog.by_id.get(name) or by_external.get(name)
        if found is None:
            try:
                found = by_external.get(split_arxiv(name)[0])
            except ValueError:
                found = by_external.get(openreview_id(name) or "")
        if found is None:
            raise UnknownEntry(f"no entry with id, arXiv id or OpenReview id '{name}' "
                               f"({did_you_mean(name, catalog.by_id)})")
        chosen[found.id] = found
    return sorted(chosen.values(), key=file_order)


def plan(store: Store, entries: list[CatalogEntry], sources: Iterable[str], refresh: bool) -> list[Job]:
    jobs = []
    for source in sources:
        users: dict[str, list[str]] = {}
        for item in entries:
            key = entry_keys(item.entry).get(source)
            if key:
                users.setdefault(key, []).append(item.path)
        have = set() if refresh else store.keys(source)
        todo, cached = [], 0
        for key in sorted(users):
            if key in have:
                record, problem = store.read(source, key)
                if problem is None and record is not None and not isinstance(record, Missing):
                    cached += 1
                    continue
            todo.append(key)
        jobs.append(Job(source, todo, cached, users))
    return jobs


def make_source(name: str, settings: Settings, env: Mapping[str, str]) -> Source:
    if name == "arxiv":
        return ArxivSource(settings)
    if name == "openreview":
        return OpenReviewSource(settings, env)
    if name == "s2":
        return S2Source(settings, env)
    if name == "github":
        return GitHubSource(settings, env)
    raise ValueError(f"unknown source {name!r} (known: {', '.join(SOURCES)})")


def _record_outcome(store: Store, source: str, key: str, outcome: Outcome, tally: Tally) -> None:
    if isinstance(outcome, Fetched):
        if store.write(source, outcome.record):
            tally.fetched += 1
        else:
            tally.unchanged += 1
    elif isinstance(outcome, NotFound):
        store.write(source, Missing(id=key, reason=outcome.reason))
        tally.not_found += 1
        tally.reports.append((key, "not found", outcome.reason))
    else:
        tally.failed += 1
        tally.reports.append((key, "failed", outcome.message))


def run_job(store: Store, job: Job, source: Source, tally: Tally, *,
            progress: Progress | None = None, notice: Callable[[str], None] = print) -> None:
    """Ask `source` for the job's keys batch by batch, writing each batch's records before going on."""
    tally.unchanged += job.cached
    failed_in_a_row = 0
    before = source.requests_sent
    try:
        for start in range(0, len(job.keys), source.batch_size):
            batch = job.keys[start: start + source.batch_size]
            try:
                outcomes = source.fetch_batch(batch)
            except SourceUnavailable as err:
                left = job.keys[start:]
                why = err.notice.removeprefix(f"{job.source}: ")
                if isinstance(err, HostUnreachable):
                    why += " — run again once the network is back (or check the ALIGNHUB_*_API setting)"
                notice(f"{job.source}: {why}")
                if err.failed:
                    tally.failed += len(left)
                    tally.not_asked += left
                    tally.gave_up = why
                else:
                    tally.skipped += len(left)
                return
            except FetchError as err:
                outcomes = {key: Failed(str(err)) for key in batch}
            for key in batch:  # every key gets an outcome: nothing is dropped silently
                _record_outcome(store, job.source, key, outcomes.get(key) or Failed("no answer for this id"), tally)
            if progress is not None:
                progress.update(len(batch))
            all_failed = all(isinstance(outcomes.get(k), Failed) or k not in outcomes for k in batch)
            failed_in_a_row = failed_in_a_row + 1 if all_failed else 0
            left = job.keys[start + len(batch):]
            if failed_in_a_row >= FAILED_BATCHES_LIMIT and left:
                why = f"{FAILED_BATCHES_LIMIT} batches in a row failed; run again later to resume"
                notice(f"{job.source}: {why}")
                tally.failed += len(left)
                tally.not_asked += left
                tally.gave_up = why
                return
    finally:
        tally.requests += source.requests_sent - before


@dataclass
class Enrichment:
    """A whole run's figures, filled in as it goes (so an interrupted run can still report them)."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(t.failed for t in self.tallies.values())


def enrich(root: Path, entries: list[CatalogEntry], sources: Iterable[str], settings: Settings, *,
           refresh: bool = False, env: Mapping[str, str] | None = None,
           progress: Callable[[str, int], Progress] | None = None,
           notice: Callable[[str], None] = print, result: Enrichment | None = None,
           today: date | None = None) -> Enrichment:
    """Run every source over `entries`; pass `result` to keep the figures when the run is interrupted.

    A run that changed a record stamps ``metadata/refreshed.json`` with `today` (the README says when
    metadata was last refreshed); a run that changed nothing leaves every file as it was.
    """
    env = os.environ if env is None else env
    result = result if result is not None else Enrichment()
    store = Store(root)
    for job in plan(store, entries, sources, refresh):
        result.jobs[job.source] = job
        tally = result.tallies[job.source] = Tally()
        if not job.keys:
            tally.unchanged += job.cached
            continue
        bar = progress(job.source, len(job.keys)) if progress else None
        try:
            run_job(store, job, make_source(job.source, settings, env), tally, progress=bar, notice=notice)
        finally:
            if bar is not None:
                bar.close()
    if store.written:
        store.stamp(today or date.today())
    return result
