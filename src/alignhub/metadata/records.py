"""What the metadata cache holds: one record per paper (or repository) per source.

These pydantic models are the cache's file format: `store.py` writes them as sorted JSON and reads
them back through the same models, so a hand-edited or truncated record is reported, not trusted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from alignhub.models import Presentation, Track

Status = Literal["accepted", "rejected", "withdrawn", "desk-rejected", "submitted", "unknown"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str


class Missing(_Record):
    """The source answered, and it has no such paper: kept so the next run does not ask again."""

    missing: Literal[True] = True
    reason: str


class ArxivAuthor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    affiliations: list[str] = []


class ArxivRecord(_Record):
    """An arXiv paper as the API describes its latest (or requested) version."""

    version: int
    title: str
    authors: list[ArxivAuthor]
    abstract: str
    published: datetime  # first version
    updated: datetime  # the returned version
    primary_category: str | None
    categories: list[str]
    doi: str | None
    journal_ref: str | None
    comment: str | None
    pdf_url: str | None


class FetchedVenue(BaseModel):
    """A venue decoded from OpenReview's venue string and venue id (name as in the taxonomy)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    year: int | None
    track: Track | None = None
    workshop: str | None = None
    presentation: Presentation | None = None


class OpenReviewRecord(_Record):
    """An OpenReview submission (the forum's root note), from API v2 or v1."""

    api: Literal["v1", "v2"]
    title: str
    authors: list[str]
    abstract: str | None
    venue_text: str | None  # the raw `venue` string, e.g. "ICLR 2024 poster"
    venueid: str | None
    status: Status
    venue: FetchedVenue | None  # only for accepted papers
    published: date | None
    pdf_url: str | None
    forum_url: str
    tldr: str | None
    keywords: list[str] = []


class S2Record(_Record):
    """Citation figures from Semantic Scholar; `id` is the arXiv id or `doi:<DOI>`."""

    paper_id: str
    title: str | None
    venue: str | None
    year: int | None
    citations: int | None
    # What the paper cites, as our cache keys (arXiv id, else doi:<DOI>), sorted: which of them are
    # catalog entries is the views' business (lookup's `cites` / `cited_by`).
    references: list[str] = []


class GitHubRecord(_Record):
    """A code repository's status; `id` is `owner/name` in lower case, as linked from entries."""

    full_name: str
    url: str
    stars: int
    pushed_at: datetime | None
    archived: bool
    license: str | None


Record = ArxivRecord | OpenReviewRecord | S2Record | GitHubRecord | Missing

MODELS: dict[str, type[_Record]] = {
    "arxiv": ArxivRecord,
    "openreview": OpenReviewRecord,
    "s2": S2Record,
    "github": GitHubRecord,
}
