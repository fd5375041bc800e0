"""What the committed metadata cache adds to each entry, for every view of the catalog — files only.

`lookup(root, catalog)` is the one merge step: the README, the site and the exports all call it and
show what it returns, and nothing else of the cache. It holds only what the entry's YAML cannot say
and some view shows: the abstract, the month of the first public version, the citation count, the
code repository's status, and OpenReview's decision. Entry facts (title, authors, venue) stay the
YAML's; a cached record that disagrees is `validate`'s business (consistency.py), not a view's.

The same ``metadata/`` gives the same values; no ``metadata/`` gives an empty `EntryMetadata` for
every entry, which every view renders exactly as before the cache existed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from alignhub.catalog import Catalog, CatalogEntry
from alignhub.metadata.ids import s2_key_of, source_keys
from alignhub.metadata.records import ArxivRecord, GitHubRecord, OpenReviewRecord, Record, S2Record
from alignhub.metadata.store import Store
from alignhub.models import Venue
from alignhub.taxonomy import Taxonomy

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class RepoStatus:
    """The entry's code repository (``links.code``) as GitHub last described it."""

    stars: int
    archived: bool
    pushed: str | None  # last push, YYYY-MM-DD


@dataclass(frozen=True)
class Decision:
    """OpenReview's decision on the submission: its status, and for an accepted paper the venue's label."""

    status: str  # accepted, rejected, withdrawn, desk-rejected, submitted, unknown
    venue: str | None = None  # e.g. "ICLR 2024 Spotlight" (taxonomy names), only when accepted


@dataclass(frozen=True)
class EntryMetadata:
    """What the cache adds to one entry; every field None when the cache knows nothing of it."""

    abstract: str | None = None
    first_version: str | None = None  # YYYY-MM of the first public version (arXiv, else OpenReview)
    citations: int | None = None  # Semantic Scholar's count
    repo: RepoStatus | None = None
    decision: Decision | None = None
    cites: tuple[str, ...] = ()  # ids of the catalog entries this paper cites (Semantic Scholar)
    cited_by: tuple[str, ...] = ()  # ids of the catalog entries that cite it

    @property
    def empty(self) -> bool:
        return self == NOTHING


NOTHING = EntryMetadata()


def read_records(root: Path, catalog: Catalog) -> dict[str, dict[str, Record]]:
    """Cached records by source and key, for the entries of `catalog`; unreadable files are left out.

    `alignhub validate` reports unreadable files (see consistency.py); readers of the cache just skip them.
    """
    store = Store(root)
    wanted: dict[str, set[str]] = {}
    for item in catalog.entries:
        for source, key in _keys(item).items():
            wanted.setdefault(source, set()).add(key)
    return {source: store.read_many(source, keys)[0] for source, keys in wanted.items()}


def _keys(item: CatalogEntry) -> dict[str, str]:
    """The entry's keys in each source, from its facts (`ids.entry_keys` without building its model)."""
    facts = item.facts
    return source_keys(facts.arxiv, facts.openreview, facts.doi, facts.code)


def _s2_key(item: CatalogEntry) -> str | None:
    return s2_key_of(item.facts.arxiv, item.facts.doi)


def _pick(found: dict[str, Record], source: str, kind: type[R]) -> R | None:
    """The source's record when it describes a paper (a `Missing` record adds nothing)."""
    record = found.get(source)
    return record if isinstance(record, kind) else None


def _decision(review: OpenReviewRecord, taxonomy: Taxonomy) -> Decision:
    fetched = review.venue
    name = taxonomy.canonical_venue(fetched.name) if fetched and review.status == "accepted" else None
    if not (fetched and name):
        return Decision(review.status)
    return Decision(review.status, Venue(name=name, year=fetched.year, track=fetched.track,
                                         workshop=fetched.workshop, presentation=fetched.presentation).label)


def merge(item: CatalogEntry, found: dict[str, Record], taxonomy: Taxonomy) -> EntryMetadata:
    """One entry's metadata from its cached records (`found` maps a source name to its record)."""
    arxiv = _pick(found, "arxiv", ArxivRecord)
    review = _pick(found, "openreview", OpenReviewRecord)
    s2 = _pick(found, "s2", S2Record)
    github = _pick(found, "github", GitHubRecord)
    first = arxiv.published.date() if arxiv else (review.published if review else None)
    return EntryMetadata(
        abstract=(arxiv.abstract if arxiv else None) or (review.abstract if review else None),
        first_version=f"{first.year:04d}-{first.month:02d}" if first else None,
        citations=s2.citations if s2 else None,
        repo=RepoStatus(github.stars, github.archived, github.pushed_at.date().isoformat() if github.pushed_at
                        else None) if github and item.facts.code else None,
        decision=_decision(review, taxonomy) if review else None,
    )


def lookup(root: Path, catalog: Catalog) -> dict[str, EntryMetadata]:
    """Every entry of `catalog` by entry id, with what the committed cache under `root/metadata` adds.

    Reads files only (no network). An entry the cache knows nothing of gets an empty EntryMetadata,
    so callers can index the result by any entry id.
    """
    if not Store(root).base.is_dir():  # no metadata/: nothing to add, and nothing to read
        return dict.fromkeys((item.id for item in catalog.entries), NOTHING)
    records = read_records(root, catalog)
    result: dict[str, EntryMetadata] = {}
    for item in catalog.entries:
        found = {}
        for source, key in _keys(item).items():
            record = records.get(source, {}).get(key)
            if record is not None:
                found[source] = record
        result[item.id] = merge(item, found, catalog.taxonomy) if found else NOTHING
    return _with_citations(result, catalog, records.get("s2", {}))


def _with_citations(result: dict[str, EntryMetadata], catalog: Catalog,
                    s2: dict[str, Record]) -> dict[str, EntryMetadata]:
    """Which catalog entries each entry cites and is cited by, from Semantic Scholar's references."""
    by_key = {key: item.id for item in catalog.entries if (key := _s2_key(item))}
    cites: dict[str, set[str]] = {}
    for item in catalog.entries:
        record = s2.get(_s2_key(item) or "")
        if isinstance(record, S2Record):
            cites[item.id] = {by_key[k] for k in record.references if k in by_key and by_key[k] != item.id}
    cited_by: dict[str, set[str]] = {}
    for citing, cited in cites.items():
        for entry_id in cited:
            cited_by.setdefault(entry_id, set()).add(citing)
    for entry_id in set(cites) | set(cited_by):
        result[entry_id] = replace(result[entry_id], cites=tuple(sorted(cites.get(entry_id, ()))),
                                   cited_by=tuple(sorted(cited_by.get(entry_id, ()))))
    return result
