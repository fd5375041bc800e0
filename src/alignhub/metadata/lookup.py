"""Fetched metadata merged with the entries, for the site and the exports — from the committed cache only.

`lookup(root, catalog)` reads ``metadata/`` and never the network. What an entry's YAML says wins:
its title, authors and venue replace the fetched ones; the cache fills in what the YAML does not say
(abstract, dates, affiliations, PDF, citations, repository status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from alignhub.catalog import Catalog, CatalogEntry
from alignhub.metadata.ids import entry_keys
from alignhub.metadata.records import ArxivRecord, GitHubRecord, OpenReviewRecord, Record, S2Record
from alignhub.metadata.store import Store
from alignhub.models import Venue

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepoStatus:
    """The entry's code repository as GitHub last described it."""

    url: str
    full_name: str
    stars: int
    pushed_at: datetime | None
    archived: bool
    license: str | None


@dataclass(frozen=True)
class EntryMetadata:
    """Everything known about one entry: its YAML first, then the cached arXiv/OpenReview/S2/GitHub records."""

    id: str
    title: str
    authors: tuple[Author, ...]
    abstract: str | None = None
    published: date | None = None  # first public version
    updated: date | None = None  # latest version arXiv knows
    version: int | None = None
    venue: Venue | None = None  # the entry's venue, else the accepted venue OpenReview lists
    venue_status: str | None = None  # OpenReview's decision: accepted, rejected, withdrawn …
    pdf_url: str | None = None
    citations: int | None = None
    repo: RepoStatus | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    tldr: str | None = None
    sources: tuple[str, ...] = ()  # the caches that contributed, e.g. ("arxiv", "s2")


def read_records(root: Path, catalog: Catalog) -> dict[str, dict[str, Record]]:
    """Cached records by source and key, for the entries of `catalog`; unreadable files are left out.

    `alignhub validate` reports unreadable files (see consistency.py); readers of the cache just skip them.
    """
    store = Store(root)
    wanted: dict[str, set[str]] = {}
    for item in catalog.entries:
        for source, key in entry_keys(item.entry).items():
            wanted.setdefault(source, set()).add(key)
    return {source: store.read_many(source, keys)[0] for source, keys in wanted.items()}


def _pick(found: dict[str, Record], source: str, kind: type[R]) -> R | None:
    """The source's record when it describes a paper (a `Missing` record adds nothing)."""
    record = found.get(source)
    return record if isinstance(record, kind) else None


def merge(item: CatalogEntry, found: dict[str, Record]) -> EntryMetadata:
    """One entry's view: its YAML wins, the records fill in. `found` maps a source name to its record."""
    entry = item.entry
    arxiv = _pick(found, "arxiv", ArxivRecord)
    review = _pick(found, "openreview", OpenReviewRecord)
    s2 = _pick(found, "s2", S2Record)
    github = _pick(found, "github", GitHubRecord)

    affiliations = {a.name: tuple(a.affiliations) for a in arxiv.authors} if arxiv else {}
    if entry.authors:
        authors = tuple(Author(name, affiliations.get(name, ())) for name in entry.authors)
    elif arxiv:
        authors = tuple(Author(a.name, tuple(a.affiliations)) for a in arxiv.authors)
    elif review:
        authors = tuple(Author(name) for name in review.authors)
    else:
        authors = ()

    venue = entry.venue
    if venue is None and review and review.status == "accepted" and review.venue:
        fetched = review.venue
        venue = Venue(name=fetched.name, year=fetched.year, track=fetched.track, workshop=fetched.workshop,
                      presentation=fetched.presentation)

    repo = None
    if github and entry.links.code:
        repo = RepoStatus(entry.links.code, github.full_name, github.stars, github.pushed_at, github.archived,
                          github.license)

    return EntryMetadata(
        id=item.id,
        title=entry.title,
        authors=authors,
        abstract=(arxiv.abstract if arxiv else None) or (review.abstract if review else None),
        published=arxiv.published.date() if arxiv else (review.published if review else None),
        updated=arxiv.updated.date() if arxiv else None,
        version=arxiv.version if arxiv else None,
        venue=venue,
        venue_status=review.status if review else None,
        pdf_url=(arxiv.pdf_url if arxiv else None) or (review.pdf_url if review else None),
        citations=s2.citations if s2 else None,
        repo=repo,
        primary_category=arxiv.primary_category if arxiv else None,
        categories=tuple(arxiv.categories) if arxiv else (),
        doi=entry.links.doi or (arxiv.doi if arxiv else None),
        journal_ref=arxiv.journal_ref if arxiv else None,
        comment=arxiv.comment if arxiv else None,
        tldr=review.tldr if review else None,
        sources=tuple(s for s, r in (("arxiv", arxiv), ("openreview", review), ("s2", s2), ("github", github)) if r),
    )


def lookup(root: Path, catalog: Catalog) -> dict[str, EntryMetadata]:
    """Every entry of `catalog` by entry id, with what the committed cache under `root/metadata` adds.

    Reads files only (no network). Entries without cached records still get an EntryMetadata built
    from their YAML, so callers can index it by any entry id.
    """
    records = read_records(root, catalog)
    result: dict[str, EntryMetadata] = {}
    for item in catalog.entries:
        found = {}
        for source, key in entry_keys(item.entry).items():
            record = records.get(source, {}).get(key)
            if record is not None:
                found[source] = record
        result[item.id] = merge(item, found)
    return result
