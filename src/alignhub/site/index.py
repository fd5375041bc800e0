"""The JSON index behind the "All entries" page: every entry's filterable facts, both languages.

Labels (sections, topics, types, tags) are stored once and entries refer to them by id, which keeps
the file small; keys are short because the file is downloaded by every reader of the page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from alignhub.catalog import Catalog, listing_order
from alignhub.metadata.lookup import NOTHING, EntryMetadata
from alignhub.site.urls import localized, page_url, paper_page, section_page
from alignhub.taxonomy import Label

INDEX_VERSION = 2


def _label(label: Label) -> dict[str, str]:
    return {"en": label.en, "zh": label.zh}


def filter_index(
    catalog: Catalog, use_directory_urls: bool = True, metadata: Mapping[str, EntryMetadata] | None = None
) -> dict[str, Any]:
    """The index as data: labels once, then one compact record per entry, newest first; `c` is the
    citation count when the metadata cache has one (a sort key of the page)."""
    metadata = metadata or {}
    taxonomy = catalog.taxonomy
    used_tags = sorted({tag for item in catalog.entries for tag in item.entry.tags})
    entries = []
    for item in sorted(catalog.entries, key=listing_order):
        e = item.entry
        record: dict[str, Any] = {
            "id": item.id,
            "t": e.title,
            "a": list(e.authors),
            "y": e.year,
            "sec": item.section,
            "top": e.topic,
            "ty": e.type,
            "tg": list(e.tags),
            "en": e.summary.en,
            "ad": e.added.isoformat(),
        }
        if e.short_name:
            record["s"] = e.short_name
        if e.summary.zh:
            record["zh"] = e.summary.zh
        if e.venue:
            record["v"] = e.venue.label
            record["vn"] = e.venue.name
        citations = metadata.get(item.id, NOTHING).citations
        if citations is not None:
            record["c"] = citations
        entries.append(record)
    return {
        "version": INDEX_VERSION,
        # Where an entry's page is, per language: "{id}" stands for the entry's id.
        "paper": {lang: page_url(localized(paper_page("{id}"), lang), use_directory_urls) for lang in ("en", "zh")},
        "sections": {
            s.id: {
                **_label(s),
                "page": {
                    lang: page_url(localized(section_page(s.id), lang), use_directory_urls) for lang in ("en", "zh")
                },
            }
            for s in taxonomy.sections
        },
        "topics": {t.id: {**_label(t), "section": s.id} for s in taxonomy.sections for t in s.topics},
        "types": {k: _label(v) for k, v in taxonomy.types.items()},
        "tags": {tag: _label(taxonomy.tag_labels[tag]) for tag in used_tags if tag in taxonomy.tag_labels},
        "entries": entries,
    }


def filter_index_json(
    catalog: Catalog, use_directory_urls: bool = True, metadata: Mapping[str, EntryMetadata] | None = None
) -> str:
    return json.dumps(
        filter_index(catalog, use_directory_urls, metadata), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ) + "\n"
