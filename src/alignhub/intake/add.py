"""`alignhub add`: a new entry file from an arXiv or OpenReview id, ready for its summary.

The file gets what the source knows (title, authors, year, venue, links) plus the editor's schema
comment, and empty ``summary.en`` / ``summary.zh`` that `alignhub validate` rejects until the
contributor writes them. A paper already in the catalog (same id or same title) is refused, naming
the entry that has it. This is the only place alignhub creates an entry file; it never edits one.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from alignhub import fsutil
from alignhub.catalog import Catalog, normalized_title
from alignhub.errors import UsageError
from alignhub.loader import ENTRIES_DIR, ID_PATTERN, MAX_ENTRY_BYTES
from alignhub.metadata.ids import openreview_id, split_arxiv
from alignhub.metadata.records import ArxivRecord, OpenReviewRecord
from alignhub.metadata.store import Store
from alignhub.problems import display_path
from alignhub.sources.arxiv import ArxivSource
from alignhub.sources.http import HostUnreachable
from alignhub.sources.openreview import OpenReviewSource
from alignhub.sources.outcomes import Failed, Fetched, NotFound, SourceUnavailable
from alignhub.sources.settings import Settings
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import TopicElsewhere
from alignhub.yamlsafe import parse_document

if TYPE_CHECKING:
    import argparse

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/entry.schema.json\n"
# The type a new entry starts with when --type is not given; the contributor checks it.
DEFAULT_TYPES = {"methods": "method", "datasets": "dataset", "evaluation": "benchmark"}
FALLBACK_TYPE = "analysis"
_SLUG_WORDS = 6


class AddError(Exception):
    """The paper cannot be added: already listed, not found, or the source failed (exit 1)."""


@dataclass
class AddRequest:
    paper: str  # arXiv id (any form) or OpenReview forum id / URL
    section: str
    topic: str
    entry_id: str | None = None
    type: str | None = None
    tags: list[str] = field(default_factory=list)

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> AddRequest:
        return cls(args.paper, args.section, args.topic, args.entry_id, args.type, list(args.tags))


@dataclass
class Added:
    path: Path
    shown: str  # relative to the root
    entry_id: str
    type_guessed: bool


def check_request(request: AddRequest, catalog: Catalog) -> str:
    """The entry type to use; UsageError for anything the taxonomy does not know."""
    taxonomy = catalog.taxonomy
    section = taxonomy.section_by_id.get(request.section)
    if section is None:
        raise UsageError(f"unknown section '{request.section}' ({did_you_mean(request.section, taxonomy.section_ids)})")
    kind = request.type or DEFAULT_TYPES.get(section.id, FALLBACK_TYPE)
    try:
        taxonomy.check_topic(section.id, request.topic)
        taxonomy.check_type(kind)
        for tag in request.tags:
            taxonomy.check_tag(tag)
    except TopicElsewhere as err:
        raise UsageError(f"{err}, not '{section.id}'") from None
    except ValueError as err:
        raise UsageError(str(err)) from None
    if request.entry_id is not None and not ID_PATTERN.match(request.entry_id):
        raise UsageError(f"'{request.entry_id}' is not a valid entry id (lowercase letters, digits and single hyphens)")
    return kind


def _paper(text: str) -> tuple[str, str]:
    """("arxiv", base id) or ("openreview", forum id)."""
    try:
        return "arxiv", split_arxiv(text)[0]
    except ValueError as err:
        forum = openreview_id(text)
        if forum:
            return "openreview", forum
        raise UsageError(f"'{text}' is neither an arXiv id ({err}) nor an OpenReview forum id") from None


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", plain)


def short_name(title: str) -> str | None:
    """ "KTO: Model Alignment as …" → "KTO": a one-word name before a colon, with a capital or digit."""
    head, colon, _ = title.partition(":")
    head = head.strip()
    if colon and " " not in head and len(head) <= 20 and re.search(r"[A-Z0-9]", head[1:] or head):
        return head
    return None


def slug(title: str, short: str | None) -> str:
    """An entry id from the paper: its short name, else the words before a colon, else the first words."""
    head, colon, _ = title.partition(":")
    source = short or (head if colon and len(head.split()) <= _SLUG_WORDS else title)
    words = _ascii_words(source)
    if len(words) > 1 and words[0] in ("a", "an", "the"):
        words = words[1:]
    return "-".join(words[:_SLUG_WORDS]) or "paper"


class Listed(NamedTuple):
    """A paper the catalog already holds: its file and the keys a duplicate is recognised by."""

    path: str
    arxiv: str | None
    openreview: str | None
    doi: str | None
    title: str  # normalized


def listed(root: Path, catalog: Catalog) -> list[Listed]:
    """Every entry file, valid or not, with its arXiv, OpenReview and DOI ids and normalized title.

    Files that do not validate yet (an entry just added and not yet summarised) are not in the
    catalog, but they still hold the paper: they are read raw, with the safe parser.
    """
    found = [Listed(e.path, e.entry.links.arxiv, e.entry.links.openreview, e.entry.links.doi,
                    normalized_title(e.entry.title)) for e in catalog.entries]
    known = {e.path for e in catalog.entries}
    for path in sorted((root / ENTRIES_DIR).glob("*/*.yaml")):
        shown = display_path(path, root)
        if shown in known:
            continue
        try:
            data, _ = parse_document(fsutil.read_regular(path, MAX_ENTRY_BYTES))  # a FIFO must not hang `add`
        except OSError:
            continue
        if not isinstance(data, dict):
            continue
        raw_links = data.get("links")
        links = raw_links if isinstance(raw_links, dict) else {}
        arxiv_id = str(links.get("arxiv") or "").strip() or None
        with contextlib.suppress(ValueError):  # a malformed id stays as written
            arxiv_id = split_arxiv(arxiv_id)[0] if arxiv_id else None
        forum = str(links.get("openreview") or "").strip() or None
        doi = str(links.get("doi") or "").strip() or None
        found.append(Listed(shown, arxiv_id, forum, doi, normalized_title(str(data.get("title") or ""))))
    return found


def already_listed(found: list[Listed], *, arxiv: str | None = None, openreview: str | None = None,
                   doi: str | None = None, title: str | None = None) -> Listed | None:
    """The entry that already holds this paper (same arXiv, OpenReview or DOI id, or same title), if any."""
    wanted_title = normalized_title(title) if title else None
    wanted_doi = doi.casefold() if doi else None
    for item in found:
        if ((arxiv and item.arxiv == arxiv) or (openreview and item.openreview == openreview)
                or (wanted_doi and item.doi and item.doi.casefold() == wanted_doi)
                or (wanted_title and item.title == wanted_title)):
            return item
    return None


def unique_id(wanted: str, catalog: Catalog, root: Path, explicit: bool, also_taken: set[str] | None = None) -> str:
    """`wanted`, or `wanted-2`, `-3` … when an entry (or one about to be written) already has it."""
    taken = set(catalog.by_id) | {p.stem for p in (root / ENTRIES_DIR).glob("*/*.yaml")} | (also_taken or set())
    if wanted not in taken:
        return wanted
    if explicit:
        raise AddError(f"an entry with id '{wanted}' already exists; choose another --id")
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


class _Flow(list):  # type: ignore[type-arg]
    """A list written on one line, as entries write authors and tags."""


class _FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written on one line, as entries write their venue."""


class _Quoted(str):
    """A string always written in double quotes (titles, arXiv ids that would otherwise read as numbers)."""


class _EntryDumper(yaml.SafeDumper):
    pass


_EntryDumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_EntryDumper.add_representer(
    _FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", list(v.items()), flow_style=True))
_EntryDumper.add_representer(
    _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_EntryDumper.add_representer(  # empty summaries as "" — plainly a blank to fill in
    str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"' if v == "" else None))


def entry_text(data: Mapping[str, Any]) -> str:
    """The entry file: the schema comment, then the fields in the schema's order."""
    body = yaml.dump(dict(data), Dumper=_EntryDumper, sort_keys=False, allow_unicode=True, width=10**6,
                     default_flow_style=False)
    return SCHEMA_COMMENT + body


def draft_data(*, title: str, kind: str, topic: str, authors: list[str], year: int | None,
               links: Mapping[str, str], venue: Mapping[str, Any] | None = None, tags: list[str] | None = None,
               today: date) -> dict[str, Any]:
    """A new entry's fields in the schema's order, with the empty summaries a contributor must write.

    `alignhub add` and `alignhub import` both write entries through here; a missing year is left
    out so that `alignhub validate` asks for it.
    """
    short = short_name(title)
    data: dict[str, Any] = {"title": _Quoted(title)}
    if short:
        data["short_name"] = short
    data["type"] = kind
    data["topic"] = topic
    data["authors"] = _Flow(authors)
    if year is not None:
        data["year"] = year
    if venue:
        data["venue"] = _FlowMap((k, v) for k, v in venue.items() if v is not None)
    data["links"] = {k: _Quoted(v) if k == "arxiv" else v for k, v in links.items()}
    data["tags"] = _Flow(tags or [])
    data["summary"] = {"en": "", "zh": ""}
    data["added"] = today
    return data


def entry_data(record: ArxivRecord | OpenReviewRecord, source: str, kind: str, request: AddRequest,
               catalog: Catalog, today: date) -> dict[str, Any]:
    if isinstance(record, ArxivRecord):
        links: dict[str, str] = {"arxiv": record.id}
        if record.doi:
            links["doi"] = record.doi
        return draft_data(title=record.title, kind=kind, topic=request.topic, authors=[a.name for a in record.authors],
                          year=record.published.year, links=links, tags=request.tags, today=today)
    venue = record.venue if record.status == "accepted" else None
    year = (record.published.year if record.published else None) or (venue.year if venue else None)
    name = catalog.taxonomy.canonical_venue(venue.name) if venue else None
    fields = None
    if venue and name:
        fields = {"name": name, "year": venue.year, "track": venue.track, "workshop": venue.workshop,
                  "presentation": venue.presentation}
    return draft_data(title=record.title, kind=kind, topic=request.topic, authors=list(record.authors),
                      year=year or today.year, links={"openreview": record.id}, venue=fields, tags=request.tags,
                      today=today)


def add(root: Path, catalog: Catalog, request: AddRequest, settings: Settings, env: Mapping[str, str],
        today: date | None = None) -> Added:
    """Fetch the paper, refuse a duplicate, write ``entries/<section>/<id>.yaml`` and cache the record."""
    kind = check_request(request, catalog)
    source, key = _paper(request.paper)
    found = listed(root, catalog)
    same = already_listed(found, arxiv=key) if source == "arxiv" else already_listed(found, openreview=key)
    if same:
        raise AddError(f"{key} is already in the catalog: {same.path}")

    client = ArxivSource(settings) if source == "arxiv" else OpenReviewSource(settings, env)
    try:
        outcome = client.fetch_batch([key])[key]
    except HostUnreachable as err:
        raise AddError(f"{err.notice} — offline? copy an existing entry by hand (e.g. entries/methods/dpo.yaml) "
                       "and fill in the fields from the paper") from None
    except SourceUnavailable as err:
        raise AddError(err.notice) from None
    if isinstance(outcome, NotFound):
        raise AddError(f"{key}: {outcome.reason}")
    if isinstance(outcome, Failed):
        raise AddError(f"{key}: {outcome.message}")
    assert isinstance(outcome, Fetched)
    record = outcome.record
    assert isinstance(record, ArxivRecord | OpenReviewRecord)

    same = already_listed(found, title=record.title)
    if same:
        raise AddError(f'"{record.title}" is already in the catalog: {same.path}')

    entry_id = unique_id(request.entry_id or slug(record.title, short_name(record.title)), catalog, root,
                          explicit=request.entry_id is not None)
    shown = f"{ENTRIES_DIR}/{request.section}/{entry_id}.yaml"
    path = root / shown
    data = entry_data(record, source, kind, request, catalog, today or date.today())
    fsutil.atomic_write_text(path, entry_text(data))
    Store(root).write(source, record)
    return Added(path, shown, entry_id, type_guessed=request.type is None)
