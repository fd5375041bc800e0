"""What a page shows of the catalog, in one language: plain view objects for the templates.

Views hold text, never markup; the templates escape every value they print. Chinese views use the
taxonomy's Chinese names and fall back to English where an entry has no Chinese summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from alignhub.catalog import Catalog, CatalogEntry
from alignhub.site.templating import Words
from alignhub.site.urls import localized, section_page
from alignhub.taxonomy import Label


def name_in(label: Label, lang: str) -> str:
    return label.zh if lang == "zh" else label.en


@dataclass(frozen=True)
class LinkView:
    label: str
    url: str


@dataclass(frozen=True)
class TagView:
    id: str
    label: str


@dataclass(frozen=True)
class RelatedView:
    id: str
    label: str
    page: str


@dataclass(frozen=True)
class EntryView:
    """One entry as a page shows it."""

    id: str
    section: str
    section_name: str
    topic: str
    topic_name: str
    page: str
    title: str
    short_name: str | None
    authors: list[str]
    year: int
    venue: str | None
    type_label: str
    links: list[LinkView]
    summary: str
    summary_lang: str
    abstract: str | None
    bibtex: str
    tags: list[TagView]
    related: list[RelatedView]
    added: date


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
    abstracts: Mapping[str, str],
) -> EntryView:
    e = item.entry
    taxonomy = catalog.taxonomy
    section = taxonomy.section_by_id[item.section]
    topic = taxonomy.topic_by_id[e.topic][1]
    type_label = taxonomy.types.get(e.type)
    summary_lang = "zh" if lang == "zh" and e.summary.zh else "en"
    related = []
    for other_id in e.related:
        other = catalog.by_id.get(other_id)
        if other is not None:
            related.append(RelatedView(
                other_id, other.entry.short_name or other.entry.title,
                localized(section_page(other.section), lang),
            ))
    return EntryView(
        id=item.id,
        section=item.section,
        section_name=name_in(section, lang),
        topic=e.topic,
        topic_name=name_in(topic, lang),
        page=localized(section_page(item.section), lang),
        title=e.title,
        short_name=e.short_name,
        authors=list(e.authors),
        year=e.year,
        venue=e.venue.label if e.venue else None,
        type_label=name_in(type_label, lang) if type_label else e.type,
        links=[LinkView(words["link_labels"].get(kind, kind), url) for kind, url in e.links.urls],
        summary=e.summary.zh if summary_lang == "zh" and e.summary.zh else e.summary.en,
        summary_lang=summary_lang,
        abstract=abstracts.get(item.id) or None,
        bibtex=bibtex[item.id],
        tags=[TagView(tag, name_in(taxonomy.tag_labels[tag], lang)) for tag in e.tags if tag in taxonomy.tag_labels],
        related=related,
        added=e.added,
    )


def section_views(
    catalog: Catalog,
    lang: str,
    words: Words,
    bibtex: Mapping[str, str],
    abstracts: Mapping[str, str],
) -> list[SectionView]:
    """Every section of the taxonomy with its topics and entries, in reading order."""
    views = []
    for group in catalog.sections:
        topics = [
            TopicView(
                t.topic.id,
                name_in(t.topic, lang),
                t.topic.description if lang == "en" else None,
                [entry_view(item, catalog, lang, words, bibtex, abstracts) for item in t.entries],
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
