"""What a page shows of the catalog, in one language: plain view objects for the templates.

Views hold text, never markup; the templates escape every value they print. Chinese views use the
taxonomy's Chinese names and fall back to English where an entry has no Chinese summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from alignhub.catalog import Catalog, CatalogEntry
from alignhub.metadata.lookup import NOTHING, EntryMetadata, RepoStatus
from alignhub.models import Entry
from alignhub.site.listings import Addresses, release_year, venue_year, year_anchor
from alignhub.site.urls import localized, paper_page, section_page
from alignhub.taxonomy import Label, Taxonomy
from alignhub.words import Words


def name_in(label: Label, lang: str) -> str:
    return label.zh if lang == "zh" else label.en


def heading(title: str, short_name: str | None) -> str:
    """Short name and title, without repeating a short name the title already starts with."""
    if not short_name or title.casefold().startswith(short_name.casefold()):
        return title
    return f"{short_name}: {title}"


@dataclass(frozen=True)
class LinkView:
    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class TagView:
    id: str
    label: str


@dataclass(frozen=True)
class RelatedView:
    """Another entry, linked from this one's page."""

    id: str
    short_name: str | None
    title: str
    page: str

    @property
    def heading(self) -> str:
        return heading(self.title, self.short_name)


@dataclass(frozen=True)
class AuthorLink:
    name: str  # as the entry spells it
    page: str  # the person's page


@dataclass(frozen=True)
class DatasetView:
    """A data set's facts as its page shows them: the exact size, language codes, the licence linked."""

    size: str
    languages: list[str]
    license: str
    license_url: str


def dataset_view(e: Entry, taxonomy: Taxonomy, lang: str) -> DatasetView | None:
    facts = e.dataset
    if facts is None:
        return None
    name, url = taxonomy.license_label(facts.license, lang)
    return DatasetView(f"{facts.size.count:,} {facts.size.unit}", list(facts.languages), name, url)


@dataclass(frozen=True)
class EntryView:
    """One entry as a page shows it."""

    id: str
    section: str
    section_name: str
    section_page: str
    topic: str
    topic_name: str
    page: str
    title: str
    short_name: str | None
    authors: list[str]
    author_links: list[AuthorLink]
    year: int
    when: str  # YYYY-MM of the first public release (Entry.release_month)
    year_page: str  # the page of the year of `when`
    venue: str | None
    venue_page: str | None  # the venue's page, at the group of this entry's year
    venue_anchor: str | None
    type_label: str
    dataset: DatasetView | None
    links: list[LinkView]
    summary: str
    summary_lang: str
    abstract: str | None
    citations: int | None
    repo: RepoStatus | None
    bibtex: str
    tags: list[TagView]
    related: list[RelatedView]
    similar: list[RelatedView]
    cites: list[RelatedView]  # catalog entries this paper cites (from metadata/)
    cited_by: list[RelatedView]  # catalog entries that cite it
    added: date

    @property
    def heading(self) -> str:
        return heading(self.title, self.short_name)


@dataclass(frozen=True)
class TopicView:
    id: str
    name: str
    description: str | None
    entries: list[EntryView]


@dataclass(frozen=True)
class SectionView:
    id: str
    name: str
    description: str
    page: str
    topics: list[TopicView]
    tags: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(t.entries) for t in self.topics)


def entry_view(
    item: CatalogEntry,
    catalog: Catalog,
    lang: str,
    words: Words,
    bibtex: Mapping[str, str],
    metadata: Mapping[str, EntryMetadata],
    similar: Mapping[str, list[str]],
    addresses: Addresses,
) -> EntryView:
    e = item.entry
    meta = metadata.get(item.id, NOTHING)
    taxonomy = catalog.taxonomy
    section = taxonomy.section_by_id[item.section]
    topic = taxonomy.topic_by_id[e.topic][1]
    type_label = taxonomy.types.get(e.type)
    summary_lang = "zh" if lang == "zh" and e.summary.zh else "en"
    return EntryView(
        id=item.id,
        section=item.section,
        section_name=name_in(section, lang),
        section_page=localized(section_page(item.section), lang),
        topic=e.topic,
        topic_name=name_in(topic, lang),
        page=localized(paper_page(item.id), lang),
        title=e.title,
        short_name=e.short_name,
        authors=list(e.authors),
        author_links=[AuthorLink(name, localized(addresses.author(name), lang)) for name in e.authors],
        year=e.year,
        when=e.release_month,
        year_page=localized(addresses.year(release_year(e)), lang),
        venue=e.venue.label if e.venue else None,
        venue_page=localized(addresses.venue(e.venue.name), lang) if e.venue else None,
        venue_anchor=year_anchor(venue_year(e)) if e.venue else None,
        type_label=name_in(type_label, lang) if type_label else e.type,
        dataset=dataset_view(e, taxonomy, lang),
        links=[LinkView(kind, words["link_labels"].get(kind, kind), url) for kind, url in e.links.urls],
        summary=e.summary.zh if summary_lang == "zh" and e.summary.zh else e.summary.en,
        summary_lang=summary_lang,
        abstract=meta.abstract or None,
        citations=meta.citations,
        repo=meta.repo,
        bibtex=bibtex[item.id],
        tags=[TagView(tag, name_in(taxonomy.tag_labels[tag], lang)) for tag in e.tags if tag in taxonomy.tag_labels],
        related=_linked(catalog, e.related, lang),
        similar=_linked(catalog, similar.get(item.id, []), lang),
        cites=_linked(catalog, list(meta.cites), lang),
        cited_by=_linked(catalog, list(meta.cited_by), lang),
        added=e.added,
    )


def _linked(catalog: Catalog, ids: list[str], lang: str) -> list[RelatedView]:
    """Other entries by id, as links to their pages (ids not in the catalog are left out)."""
    views = []
    for other_id in ids:
        other = catalog.by_id.get(other_id)
        if other is not None:
            views.append(RelatedView(other_id, other.entry.short_name, other.entry.title,
                                     localized(paper_page(other_id), lang)))
    return views


def section_views(
    catalog: Catalog,
    lang: str,
    words: Words,
    bibtex: Mapping[str, str],
    metadata: Mapping[str, EntryMetadata],
    similar: Mapping[str, list[str]],
    addresses: Addresses,
) -> list[SectionView]:
    """Every section of the taxonomy with its topics and entries, in reading order."""
    views = []
    for group in catalog.sections:
        topics = [
            TopicView(
                t.topic.id,
                name_in(t.topic, lang),
                t.topic.description if lang == "en" else None,
                [entry_view(item, catalog, lang, words, bibtex, metadata, similar, addresses) for item in t.entries],
            )
            for t in group.topics
        ]
        tags = sorted({tag.label for t in topics for e in t.entries for tag in e.tags})
        views.append(SectionView(
            group.section.id,
            name_in(group.section, lang),
            name_in(group.section.description, lang),
            localized(section_page(group.section.id), lang),
            topics,
            tags,
        ))
    return views
