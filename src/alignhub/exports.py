"""The catalog as downloads: BibTeX, JSON, CSV and an Atom feed of the newest additions.

Each export is one function over the catalog returning text; the same input gives byte-identical
output. BibTeX and Atom are presentation and live in templates (`templates/site/export/`); JSON and
CSV are plain data written by the standard library.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from alignhub.catalog import Catalog, CatalogEntry
from alignhub.models import Entry
from alignhub.site.templating import make_site_environment
from alignhub.site.urls import entry_url
from alignhub.taxonomy import Taxonomy

FEED_SIZE = 50

# The taxonomy has no venue kinds yet; these venues are journals, cited as @article.
JOURNALS = frozenset({"TMLR", "JMLR", "TACL", "Nature Machine Intelligence", "ACM Computing Surveys"})

CSV_COLUMNS = (
    "id", "section", "topic", "type", "title", "short_name", "authors", "year", "venue",
    "arxiv", "openreview", "doi", "paper", "code", "data", "project", "huggingface",
    "tags", "related", "summary_en", "summary_zh", "added",
)
# A cell a spreadsheet would read as a formula is written with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def catalog_order(catalog: Catalog) -> Iterator[CatalogEntry]:
    """Every entry in reading order: taxonomy sections and topics, newest first within a topic."""
    for group in catalog.sections:
        for topic in group.topics:
            yield from topic.entries


def bibtex_kind(entry: Entry, taxonomy: Taxonomy) -> str:
    """@misc for preprints and unpublished work, @article in a journal, @inproceedings otherwise."""
    venue = entry.venue
    if venue is None or (venue.name in taxonomy.venues and taxonomy.venues[venue.name].preprint):
        return "misc"
    return "article" if venue.name in JOURNALS else "inproceedings"


def bibtex_records(catalog: Catalog, templates: Path) -> dict[str, str]:
    """One BibTeX record per entry id; the key is the entry id, which never changes."""
    template = make_site_environment(templates).get_template("export/record.bib.j2")
    return {
        item.id: template.render(item=item, e=item.entry, kind=bibtex_kind(item.entry, catalog.taxonomy)).strip() + "\n"
        for item in catalog_order(catalog)
    }


def to_bibtex(catalog: Catalog, templates: Path) -> str:
    return "\n".join(bibtex_records(catalog, templates).values())


def entry_record(item: CatalogEntry) -> dict[str, Any]:
    """An entry as plain JSON data: its own fields plus id, section, venue label and primary URL."""
    data: dict[str, Any] = {"id": item.id, "section": item.section}
    data.update(item.entry.model_dump(mode="json", exclude_none=True))
    if item.entry.venue is not None:
        data["venue"]["label"] = item.entry.venue.label
    data["url"] = item.entry.links.primary
    return data


def to_json(catalog: Catalog) -> str:
    records = [entry_record(item) for item in catalog_order(catalog)]
    return json.dumps({"count": len(records), "entries": records}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(item: CatalogEntry) -> list[str]:
    e = item.entry
    links = e.links
    values = {
        "id": item.id, "section": item.section, "topic": e.topic, "type": e.type, "title": e.title,
        "short_name": e.short_name or "", "authors": "; ".join(e.authors), "year": str(e.year),
        "venue": e.venue.label if e.venue else "",
        **{kind: getattr(links, kind) or "" for kind in type(links).model_fields},
        "tags": "; ".join(e.tags), "related": "; ".join(e.related),
        "summary_en": e.summary.en, "summary_zh": e.summary.zh or "", "added": e.added.isoformat(),
    }
    return [_cell(values[column]) for column in CSV_COLUMNS]


def to_csv(catalog: Catalog) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(item) for item in catalog_order(catalog))
    return buffer.getvalue()


def newest(catalog: Catalog, size: int) -> list[CatalogEntry]:
    """The `size` most recently added entries, newest first (ties by title, then id)."""
    return sorted(
        catalog.entries,
        key=lambda i: (-i.entry.added.toordinal(), i.entry.title.casefold(), i.id),
    )[:size]


def to_atom(catalog: Catalog, templates: Path, site_url: str | None = None, size: int = FEED_SIZE) -> str:
    """An Atom feed of the newest additions; entry pages are linked when the site's URL is known."""
    items = newest(catalog, size)
    base = (site_url.rstrip("/") + "/") if site_url else None
    pages = {item.id: base + entry_url(item) for item in items} if base else {}
    updated = items[0].entry.added.isoformat() if items else "1970-01-01"
    template = make_site_environment(templates).get_template("export/feed.atom.j2")
    return template.render(items=items, taxonomy=catalog.taxonomy, site_url=base, pages=pages, updated=updated)


def export(name: str, catalog: Catalog, templates: Path, site_url: str | None = None) -> str:
    """The text of one export format: "bibtex", "json", "csv" or "atom" (a key of FORMATS)."""
    writers: dict[str, Callable[[], str]] = {
        "bibtex": lambda: to_bibtex(catalog, templates),
        "json": lambda: to_json(catalog),
        "csv": lambda: to_csv(catalog),
        "atom": lambda: to_atom(catalog, templates, site_url),
    }
    return writers[name]()


# Each format and the file name it is published under with the site.
FORMATS: dict[str, str] = {"bibtex": "alignhub.bib", "json": "alignhub.json", "csv": "alignhub.csv", "atom": "feed.xml"}
