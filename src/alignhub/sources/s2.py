"""Semantic Scholar citation counts and references: one ``POST /paper/batch`` for up to 500 papers.

The answer is a list in the order of the ids sent, with ``null`` for a paper Semantic Scholar does
not know. Papers are asked for by arXiv id (without version), else by DOI.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from alignhub.metadata.records import S2Record
from alignhub.sources.http import FetchError, Session, json_body
from alignhub.sources.outcomes import Failed, Fetched, NotFound, Outcome
from alignhub.sources.settings import Settings

FIELDS = "title,venue,year,citationCount,externalIds,references.externalIds"


def s2_id(key: str) -> str:
    """Our cache key → the id Semantic Scholar takes: ``ARXIV:2305.18290`` or ``DOI:10.…``."""
    return f"DOI:{key[len('doi:'):]}" if key.startswith("doi:") else f"ARXIV:{key}"


def _reference_keys(paper: Mapping[str, Any]) -> list[str]:
    """The cited papers our cache can name (an arXiv id, else a DOI), sorted and without repeats."""
    keys = set()
    for cited in paper.get("references") or []:
        ids = (cited or {}).get("externalIds") or {}
        if ids.get("ArXiv"):
            keys.add(str(ids["ArXiv"]))
        elif ids.get("DOI"):
            keys.add(f"doi:{str(ids['DOI']).lower()}")
    return sorted(keys)


def to_record(key: str, paper: Mapping[str, Any]) -> S2Record:
    return S2Record(
        id=key,
        paper_id=str(paper["paperId"]),
        title=" ".join(str(paper["title"]).split()) if paper.get("title") else None,
        venue=(str(paper["venue"]).strip() or None) if paper.get("venue") else None,
        year=paper.get("year"),
        citations=paper.get("citationCount"),
        references=_reference_keys(paper),
    )


class S2Source:
    name = "s2"

    def __init__(self, settings: Settings, env: Mapping[str, str]) -> None:
        self.batch_size = settings.s2_batch
        self.url = f"{settings.s2_api}/paper/batch"
        self.session = Session(settings, min_interval=settings.s2_delay)
        key = env.get("S2_API_KEY", "").strip()
        if key:
            self.session.headers["x-api-key"] = key

    @property
    def requests_sent(self) -> int:
        return self.session.sent

    def fetch_batch(self, keys: list[str]) -> dict[str, Outcome]:
        try:
            response = self.session.post(self.url, params={"fields": FIELDS}, json={"ids": [s2_id(k) for k in keys]})
            if response.status_code != 200:
                data = json_body(response) if "json" in response.headers.get("Content-Type", "") else {}
                message = (data.get("error") or data.get("message")) if isinstance(data, dict) else None
                raise FetchError(response.url, f"HTTP {response.status_code}: {message or response.reason}",
                                 status=response.status_code)
            papers = json_body(response)
            if not isinstance(papers, list) or len(papers) != len(keys):
                raise FetchError(response.url, f"expected a list of {len(keys)} papers, got "
                                               f"{len(papers) if isinstance(papers, list) else type(papers).__name__}")
        except FetchError as err:
            return {key: Failed(str(err)) for key in keys}
        outcomes: dict[str, Outcome] = {}
        for key, paper in zip(keys, papers, strict=True):
            if paper is None:
                outcomes[key] = NotFound("Semantic Scholar does not know this paper")
                continue
            try:
                outcomes[key] = Fetched(to_record(key, paper))
            except (KeyError, TypeError, ValidationError) as err:
                outcomes[key] = Failed(f"unexpected paper shape from Semantic Scholar: {err}")
        return outcomes
