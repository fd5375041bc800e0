"""What reference managers, scholarly search engines and link previews read off an entry's page.

- Highwire Press `citation_*` meta tags: Google Scholar's inclusion guidelines and Zotero's
  "Embedded Metadata" translator read these (title, each author in order, date, venue, arXiv id,
  PDF, DOI).
- schema.org JSON-LD: a `ScholarlyArticle`, or a `Dataset` (with its licence, downloads and size)
  for an entry of type dataset, as Google's rich results and data-set search read it.
- Open Graph and a Twitter card: the title, summary and address a link preview shows.

This module gathers the values only, as plain text; templates/site/_head.html.j2 prints them
(autoescaped) into the page's <head>, through Material's `extrahead` block (theme/main.html).
The JSON-LD text is made safe to sit inside <script>: `<`, `>` and `&` are written as \\u003c,
\\u003e and \\u0026, so no title can close the element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from alignhub.catalog import CatalogEntry
from alignhub.models import Entry
from alignhub.taxonomy import Taxonomy

ARXIV_PDF = "https://arxiv.org/pdf/{}"
OG_LOCALES = {"en": "en_US", "zh": "zh_CN"}
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})


@dataclass(frozen=True)
class PageFacts:
    """What the head of one entry page says besides the entry: its address and language."""

    url: str | None  # the page's absolute URL (None when the site's URL is not known)
    lang: str
    title: str  # the page's heading: short name and title
    description: str  # the summary in the page's language
    site_name: str
    author_urls: list[str | None]  # each author's page, absolute (None without the site's URL)


def venue_kind(entry: Entry, taxonomy: Taxonomy) -> str | None:
    """"conference" (a workshop counts as one), "journal", or None: no venue, or a preprint server."""
    if entry.venue is None:
        return None
    info = taxonomy.venues.get(entry.venue.name)
    kind = info.kind if info else "conference"
    return {"conference": "conference", "workshop": "conference", "journal": "journal"}.get(kind)


def venue_title(entry: Entry) -> str:
    """The venue as a citation names it: "NeurIPS", or "NeurIPS Workshop (SoLaR)" for a workshop paper."""
    venue = entry.venue
    assert venue is not None
    if venue.track != "workshop":
        return venue.name
    return f"{venue.name} Workshop" + (f" ({venue.workshop})" if venue.workshop else "")


def citation_tags(item: CatalogEntry, taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """The Highwire Press tags as (name, content) pairs, in the order Google Scholar documents them."""
    e = item.entry
    tags = [("citation_title", e.title)]
    tags += [("citation_author", name) for name in e.authors]
    tags.append(("citation_publication_date", e.release_month.replace("-", "/")))
    kind = venue_kind(e, taxonomy)
    if kind is not None:
        tags.append((f"citation_{kind}_title", venue_title(e)))
    if e.links.arxiv:
        tags.append(("citation_arxiv_id", e.links.arxiv))
        tags.append(("citation_pdf_url", ARXIV_PDF.format(e.links.arxiv)))
    if e.links.doi:
        tags.append(("citation_doi", e.links.doi))
    return tags


def open_graph(page: PageFacts) -> list[tuple[str, str]]:
    """Open Graph properties as (property, content) pairs."""
    tags = [("og:type", "article"), ("og:title", page.title), ("og:description", page.description),
            ("og:site_name", page.site_name), ("og:locale", OG_LOCALES.get(page.lang, page.lang))]
    if page.url:
        tags.append(("og:url", page.url))
    return tags


def twitter_card(page: PageFacts) -> list[tuple[str, str]]:
    return [("twitter:card", "summary"), ("twitter:title", page.title), ("twitter:description", page.description)]


def _paper_urls(e: Entry) -> list[str]:
    """The work's own pages (arXiv, OpenReview, DOI, the paper's page), not code or data."""
    return [url for kind, url in e.links.urls if kind in ("arxiv", "openreview", "doi", "paper")]


def linked_data(item: CatalogEntry, taxonomy: Taxonomy, page: PageFacts) -> dict[str, Any]:
    """The schema.org description of the work: a ScholarlyArticle, or a Dataset for a data set."""
    e = item.entry
    people = []
    for name, url in zip(e.authors, page.author_urls, strict=True):
        person: dict[str, Any] = {"@type": "Person", "name": name}
        if url:
            person["url"] = url
        people.append(person)
    data: dict[str, Any] = {"@context": "https://schema.org"}
    facts = e.dataset if e.type == "dataset" else None
    data["@type"] = "Dataset" if facts else "ScholarlyArticle"
    if page.url:
        data["@id"] = data["url"] = page.url
    data["name"] = e.title
    if e.short_name:
        data["alternateName"] = e.short_name
    data["description"] = page.description
    data["datePublished"] = e.release_month
    data["inLanguage"] = list(facts.languages) if facts else "en"
    keywords = [taxonomy.tag_labels[tag].en for tag in e.tags if tag in taxonomy.tag_labels]
    if keywords:
        data["keywords"] = keywords
    if facts is not None:
        if people:
            data["creator"] = people
        name, url = taxonomy.license_label(facts.license, page.lang)
        data["license"] = url or name
        data["variableMeasured"] = f"{facts.size.count} {facts.size.unit}"
        data["distribution"] = [{"@type": "DataDownload", "contentUrl": url}
                                for url in (e.links.huggingface, e.links.data) if url]
        data["citation"] = _paper_urls(e)
        return data
    if people:
        data["author"] = people
    if e.venue is not None and venue_kind(e, taxonomy) is not None:
        journal = venue_kind(e, taxonomy) == "journal"
        data["isPartOf"] = {"@type": "Periodical" if journal else "CreativeWork", "name": venue_title(e)}
    identifiers = [{"@type": "PropertyValue", "propertyID": kind, "value": value}
                   for kind, value in (("arXiv", e.links.arxiv), ("DOI", e.links.doi)) if value]
    if identifiers:
        data["identifier"] = identifiers
    data["sameAs"] = _paper_urls(e)
    if e.links.arxiv:
        data["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf",
                            "contentUrl": ARXIV_PDF.format(e.links.arxiv)}
    return data


def script_json(data: Any) -> str:
    """JSON for a <script type="application/ld+json"> element: no `<`, `>` or `&` left in it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
