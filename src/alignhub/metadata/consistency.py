"""What the metadata cache says about the entries: wrong ids, and venues that can be updated.

Read by `alignhub validate` from the committed cache only. A fetched title that does not match the
entry's means the id points at another paper; with ``--strict`` (CI) that is an error whose hint
quotes the fetched title. A title at least 85% similar is the same paper retitled a little: a
warning naming both titles. A venue decision OpenReview (or Semantic Scholar) knows and the entry
lacks is only ever a suggestion naming the field to set. Each problem's rule says which it is: its
severity (`alignhub.rules`) is ``warning`` when ``--strict`` makes it an error, ``notice`` when it stays
a warning, ``suggestion`` for a field to set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Protocol

from alignhub.catalog import Catalog, CatalogEntry, normalized_title
from alignhub.metadata.ids import entry_keys
from alignhub.metadata.records import (
    ArxivRecord,
    FetchedVenue,
    Missing,
    OpenReviewRecord,
    Record,
    S2Record,
)
from alignhub.metadata.store import Store
from alignhub.metadata.venues import s2_venue
from alignhub.models import Venue
from alignhub.problems import Problem
from alignhub.rules import severity
from alignhub.taxonomy import Taxonomy
from alignhub.yamlsafe import SourceMap, source_map

# Normalized titles at least this similar are the same paper retitled a little (a changed subtitle,
# a typo fixed between versions): worth a warning, never an error.
NEAR_TITLE = 0.85
_NAMES = {"arxiv": "arXiv", "openreview": "OpenReview", "s2": "Semantic Scholar", "github": "GitHub"}


class At(Protocol):
    """Makes a Problem located at an entry's field (the file is parsed for positions only when called)."""

    def __call__(self, *path: str, message: str, hint: str = "", rule: str) -> Problem: ...


def as_warning(p: Problem) -> str:
    """The line printed when it is not an error: ``path:line:col: warning: field: message (hint) [rule]``
    (``suggestion:`` for a field the entry could set)."""
    label = "suggestion" if p.severity == "suggestion" else "warning"
    message = f"{label}: {p.field + ': ' if p.field else ''}{p.message}"
    return replace(p, field="", message=message).format()


def _title_findings(entry_title: str, fetched_title: str, at: At, id_path: tuple[str, ...],
                    what: str) -> list[Problem]:
    ours, theirs = normalized_title(entry_title), normalized_title(fetched_title)
    if not theirs or ours == theirs:
        return []
    if SequenceMatcher(None, ours, theirs).ratio() >= NEAR_TITLE:
        return [at("title", message=f'"{entry_title}" differs slightly from the title on {what}: '
                                    f'"{fetched_title}"', hint="copy the exact title", rule="title-differs-slightly")]
    return [at(*id_path, message=f"the entry's title does not match {what}",
               hint=f'{what} is "{fetched_title}": is the id right? if the paper was renamed, copy that title',
               rule="title-mismatch")]


def _is_preprint(venue: Venue | None, taxonomy: Taxonomy) -> bool:
    if venue is None:
        return True
    info = taxonomy.venues.get(venue.name)
    return bool(info and info.preprint)


def _venue_hint(venue: FetchedVenue | Venue) -> str:
    parts = [f"name: {venue.name}"]
    if venue.year:
        parts.append(f"year: {venue.year}")
    if venue.track and venue.track != "main":
        parts.append(f"track: {venue.track}")
    if venue.presentation:
        parts.append(f"presentation: {venue.presentation}")
    return "set venue: {" + ", ".join(parts) + "}"


def _venue_findings(item: CatalogEntry, review: OpenReviewRecord | None, s2: S2Record | None,
                    taxonomy: Taxonomy, at: At) -> list[Problem]:
    entry = item.entry
    if review and review.status == "accepted" and review.venue:
        fetched = review.venue
        name = taxonomy.canonical_venue(fetched.name)
        if name:
            label = Venue(name=name, year=fetched.year, track=fetched.track, workshop=fetched.workshop,
                          presentation=fetched.presentation).label
            if _is_preprint(entry.venue, taxonomy):
                return [at("venue", message=f"venue can be updated: OpenReview lists it at {label}",
                           hint=_venue_hint(fetched), rule="venue-update")]
            current = entry.venue
            if (current and current.name == name and current.year == fetched.year and not current.presentation
                    and fetched.presentation):
                return [at("venue", "presentation", message=f"not set: OpenReview lists it at {label}",
                           hint=f"set venue.presentation: {fetched.presentation}", rule="presentation-update")]
    if s2 and _is_preprint(entry.venue, taxonomy):
        name = s2_venue(s2.venue)
        if name and taxonomy.canonical_venue(name):
            # Semantic Scholar's `year` is the paper's, often its arXiv year: the conference year is not claimed.
            return [at("venue", message=f"venue can be updated: Semantic Scholar lists it at {name}",
                       hint=f"set venue: {{name: {name}, year: <the conference year>}}", rule="venue-update")]
    return []


def entry_findings(item: CatalogEntry, keys: dict[str, str], found: dict[str, Record], taxonomy: Taxonomy,
                   positions: Callable[[], SourceMap]) -> list[Problem]:
    """Findings for one entry, given its cache keys and the cached records for them (by source).

    `positions` gives the file's source map; it is only called for an entry with a finding.
    """
    findings: list[Problem] = []

    def at(*path: str, message: str, hint: str = "", rule: str) -> Problem:
        """A problem at the field, else at the nearest field holding it (venue for venue.presentation), else
        line 0 (the whole file) for a field the entry does not have yet, like venue."""
        where = positions()
        line, col = next((found for n in range(len(path), 0, -1)
                          if (found := where.positions.get(path[:n]) or where.key_positions.get(path[:n]))), (0, 0))
        return Problem(item.path, line, col, ".".join(path), message, hint, rule)

    for source, field_path in (("arxiv", ("links", "arxiv")), ("openreview", ("links", "openreview"))):
        record = found.get(source)
        if isinstance(record, Missing):
            findings.append(at(*field_path, message=f"{_NAMES[source]} has no paper {keys[source]} ({record.reason})",
                               hint="check the id", rule="paper-not-found"))
        elif isinstance(record, ArxivRecord | OpenReviewRecord):
            findings += _title_findings(item.entry.title, record.title, at, field_path,
                                        f"{_NAMES[source]} {keys[source]}")
    # An archived repository is still the right link (the site shows it as archived); a vanished one is not.
    if isinstance(found.get("github"), Missing):
        findings.append(at("links", "code", message=f"GitHub has no repository {keys['github']}",
                           hint="deleted, renamed or private? update the link", rule="repository-not-found"))
    review = found.get("openreview")
    s2 = found.get("s2")
    findings += _venue_findings(item, review if isinstance(review, OpenReviewRecord) else None,
                                s2 if isinstance(s2, S2Record) else None, taxonomy, at)
    return findings


def _source_map_of(path: Path) -> Callable[[], SourceMap]:
    """The file's positions, parsed on first use: most entries agree with the cache and need none."""
    cache: list[SourceMap] = []

    def get() -> SourceMap:
        if not cache:
            try:
                cache.append(source_map(path.read_bytes()))
            except OSError:
                cache.append(SourceMap())
        return cache[0]

    return get


def findings(root: Path, catalog: Catalog) -> list[Problem]:
    """Every finding the committed cache gives for the catalog (files only, no network), sorted."""
    store = Store(root)
    keys_of = {item.id: entry_keys(item.entry) for item in catalog.entries}
    wanted: dict[str, set[str]] = {}
    for keys in keys_of.values():
        for source, key in keys.items():
            wanted.setdefault(source, set()).add(key)
    records: dict[str, dict[str, Record]] = {}
    found_all: list[Problem] = []
    for source, asked in wanted.items():
        records[source], problems = store.read_many(source, asked)
        found_all += problems
    for item in catalog.entries:
        keys = keys_of[item.id]
        found = {s: records[s][k] for s, k in keys.items() if k in records.get(s, {})}
        if found:
            found_all += entry_findings(item, keys, found, catalog.taxonomy, _source_map_of(root / item.path))
    return sorted(found_all)


def split(found: list[Problem], strict: bool) -> tuple[list[Problem], list[str]]:
    """(errors, warning lines): the findings whose rule is an error in this run (`strict` raises the
    warning-severity rules), and the lines printing the others as warnings or suggestions."""
    errors = [p for p in found if severity(p.rule, strict) == "error"]
    warnings = [as_warning(p) for p in found if severity(p.rule, strict) != "error"]
    return errors, warnings
