"""The catalog as downloads: BibTeX, JSON, CSV and an Atom feed of the newest additions.

Each export is one function over the catalog returning text; the same input gives byte-identical
output. BibTeX and Atom are presentation and live in templates (`templates/site/export/`); JSON and
CSV are plain data written by the standard library.

`metadata` (what `alignhub.metadata.lookup` merges from the committed cache) adds the abstract and
the fetched figures: a ``metadata`` object per JSON record, extra CSV columns, an ``abstract`` field
in BibTeX. Without it, or with an empty cache, every export is exactly what the entries alone give.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from alignhub.catalog import Catalog, CatalogEntry, listing_order
from alignhub.exportformats import FORMATS
from alignhub.metadata.lookup import NOTHING, EntryMetadata
from alignhub.models import Entry
from alignhub.taxonomy import Taxonomy
from alignhub.templating import make_environment

FEED_SIZE = 50


CSV_COLUMNS = (
    "id", "section", "topic", "type", "title", "short_name", "authors", "year", "venue",
    "arxiv", "openreview", "doi", "paper", "code", "data", "project", "huggingface",
    "tags", "related", "summary_en", "summary_zh", "added", "released",
    "dataset_size", "dataset_unit", "dataset_languages", "dataset_license",
)
# Appended when the metadata cache knows something of at least one entry.
CSV_METADATA_COLUMNS = ("abstract", "first_version", "citations", "code_stars", "code_archived", "code_pushed",
                        "openreview_decision")
Metadata = Mapping[str, EntryMetadata]
# A cell a spreadsheet would read as a formula is written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def catalog_order(catalog: Catalog) -> Iterator[CatalogEntry]:
    """Every entry in reading order: taxonomy sections and topics, `listing_order` within a topic."""
    for group in catalog.sections:
        for topic in group.topics:
            yield from topic.entries


def bibtex_kind(entry: Entry, taxonomy: Taxonomy) -> str:
    """@misc for preprints and unpublished work, @article in a journal, @inproceedings otherwise."""
    venue = entry.venue
    info = taxonomy.venues.get(venue.name) if venue else None
    if venue is None or (info and info.preprint):
        return "misc"
    return "article" if info and info.journal else "inproceedings"


def _with_abstract(record: str, abstract: str | None, tex: Callable[[str], str]) -> str:
    """The record with an ``abstract`` field before its closing brace (the record template has none)."""
    if not abstract:
        return record
    body, closing = record.rstrip("\n").rsplit("\n", 1)
    return f"{body}\n  abstract = {{{tex(abstract)}}},\n{closing}\n"


def bibtex_records(catalog: Catalog, templates: Path, metadata: Metadata | None = None) -> dict[str, str]:
    """One BibTeX record per entry id; the key is the entry id, which never changes."""
    env = make_environment(templates, html=True)
    template = env.get_template("export/record.bib.j2")
    metadata = metadata or {}
    return {
        item.id: _with_abstract(
            template.render(item=item, e=item.entry, kind=bibtex_kind(item.entry, catalog.taxonomy)).strip() + "\n",
            metadata.get(item.id, NOTHING).abstract, env.filters["tex"])
        for item in catalog_order(catalog)
    }


def to_bibtex(catalog: Catalog, templates: Path, metadata: Metadata | None = None,
              records: Mapping[str, str] | None = None) -> str:
    """The BibTeX file: `records` (`bibtex_records`' answer) when the caller has them already."""
    return "\n".join((records if records is not None else bibtex_records(catalog, templates, metadata)).values())


def metadata_record(meta: EntryMetadata) -> dict[str, Any]:
    """The fetched fields that are known, as JSON data (an empty dict when the cache knows nothing)."""
    data = {k: v for k, v in dataclasses.asdict(meta).items() if v is not None and v != ()}
    for nested in ("repo", "decision"):
        if nested in data:
            data[nested] = {k: v for k, v in data[nested].items() if v is not None}
    return data


def entry_record(item: CatalogEntry, meta: EntryMetadata = NOTHING) -> dict[str, Any]:
    """An entry as plain JSON data: its own fields plus id, section, venue label and primary URL,
    and under ``metadata`` what the cache adds (only when it adds something)."""
    data: dict[str, Any] = {"id": item.id, "section": item.section}
    data.update(item.entry.model_dump(mode="json", exclude_none=True))
    if item.entry.venue is not None:
        data["venue"]["label"] = item.entry.venue.label
    data["released"] = item.entry.release_month
    data["url"] = item.entry.links.primary
    if not meta.empty:
        data["metadata"] = metadata_record(meta)
    return data


def to_json(catalog: Catalog, metadata: Metadata | None = None) -> str:
    metadata = metadata or {}
    records = [entry_record(item, metadata.get(item.id, NOTHING)) for item in catalog_order(catalog)]
    return json.dumps({"count": len(records), "entries": records}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _metadata_cells(meta: EntryMetadata) -> list[str]:
    repo, decision = meta.repo, meta.decision
    values = [
        meta.abstract or "", meta.first_version or "", "" if meta.citations is None else str(meta.citations),
        str(repo.stars) if repo else "", ("yes" if repo.archived else "no") if repo else "",
        (repo.pushed or "") if repo else "",
        (decision.venue or decision.status) if decision else "",
    ]
    return [_cell(v) for v in values]


def csv_row(item: CatalogEntry) -> list[str]:
    e = item.entry
    links = e.links
    facts = e.dataset
    values = {
        "id": item.id, "section": item.section, "topic": e.topic, "type": e.type, "title": e.title,
        "short_name": e.short_name or "", "authors": "; ".join(e.authors), "year": str(e.year),
        "venue": e.venue.label if e.venue else "",
        **{kind: getattr(links, kind) or "" for kind in type(links).model_fields},
        "tags": "; ".join(e.tags), "related": "; ".join(e.related),
        "summary_en": e.summary.en, "summary_zh": e.summary.zh or "", "added": e.added.isoformat(),
        "released": e.release_month,
        "dataset_size": str(facts.size.count) if facts else "",
        "dataset_unit": facts.size.unit if facts else "",
        "dataset_languages": "; ".join(facts.languages) if facts else "",
        "dataset_license": facts.license if facts else "",
    }
    return [_cell(values[column]) for column in CSV_COLUMNS]


def to_csv(catalog: Catalog, metadata: Metadata | None = None) -> str:
    """One row per entry; the metadata columns only when the cache knows something of some entry."""
    metadata = metadata or {}
    extra = any(not metadata.get(item.id, NOTHING).empty for item in catalog.entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + CSV_METADATA_COLUMNS if extra else CSV_COLUMNS)
    for item in catalog_order(catalog):
        row = csv_row(item)
        writer.writerow(row + _metadata_cells(metadata.get(item.id, NOTHING)) if extra else row)
    return buffer.getvalue()


def newest(catalog: Catalog, size: int) -> list[CatalogEntry]:
    """The `size` most recently released entries, in `listing_order` (by release month, not by the day
    a file was added: a batch of older papers added today does not push this month's work out)."""
    return sorted(catalog.entries, key=listing_order)[:size]


def to_atom(catalog: Catalog, templates: Path, site_url: str | None = None, size: int = FEED_SIZE,
            entry_page: Callable[[CatalogEntry], str] | None = None, section: str | None = None,
            feed_path: str = "feed.xml", home_path: str = "") -> str:
    """An Atom feed of the `size` newest works (`newest`), or of one section's with `section`.

    When the site's URL is known, each item links the entry's page on the site as its alternate
    (`entry_page` gives it relative to the site: the site's layout, alignhub.site.urls.entry_url)
    and the paper as related; the feed names itself at `feed_path` and its page (the home page, or
    the section's) at `home_path`, both relative to the site. Without it, the paper is the alternate."""
    items = [item for item in sorted(catalog.entries, key=listing_order) if section in (None, item.section)][:size]
    base = (site_url.rstrip("/") + "/") if site_url else None
    pages = {item.id: base + entry_page(item) for item in items} if base and entry_page else {}
    # The feed changed when its latest item was added; each item is dated by its release month.
    updated = max(item.entry.added for item in items).isoformat() if items else "1970-01-01"
    template = make_environment(templates, html=True).get_template("export/feed.atom.j2")
    return template.render(items=items, taxonomy=catalog.taxonomy, site_url=base, pages=pages, updated=updated,
                           section=catalog.taxonomy.section_by_id[section] if section else None,
                           feed_url=base + feed_path if base else None,
                           home_url=base + home_path if base else None)


def export(name: str, catalog: Catalog, templates: Path, site_url: str | None = None,
           metadata: Metadata | None = None, entry_page: Callable[[CatalogEntry], str] | None = None,
           feed_size: int = FEED_SIZE, bibtex: Mapping[str, str] | None = None) -> str:
    """The text of one export format (a key of FORMATS).

    `metadata` is `alignhub.metadata.lookup(root, catalog)`: the abstract and fetched figures it adds.
    `bibtex` is `bibtex_records`' answer when the caller has it already (the site shows each entry's).
    """
    writers: dict[str, Callable[[], str]] = {
        "bibtex": lambda: to_bibtex(catalog, templates, metadata, bibtex),
        "json": lambda: to_json(catalog, metadata),
        "csv": lambda: to_csv(catalog, metadata),
        "atom": lambda: to_atom(catalog, templates, site_url, feed_size, entry_page),
    }
    assert writers.keys() == FORMATS.keys(), "each format of FORMATS has a writer here"
    return writers[name]()
