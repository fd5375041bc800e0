"""Every generated page and file of the site, rendered from the catalog through templates/site/.

`render_site` is the one entry point: the MkDocs plugin hands its result to MkDocs, the tests and
the benchmark call it directly. Pages are small markdown files (front matter, headings); what shows
entries is HTML rendered here, escaped by the templates, and left in the markdown as a *slot*: a
placeholder `<div data-ah-slot="N"></div>` that the plugin replaces with `Site.fragments[N]` after
Python-Markdown has run. Markdown never parses entry text (its backslash escapes do not cover `<`,
so it could not keep a title from becoming markup), and its raw-HTML handling, quadratic in the
size of an HTML block, never sees a list that grows with the catalog.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from alignhub import exports
from alignhub.catalog import Catalog, CatalogEntry
from alignhub.exportformats import FORMATS
from alignhub.metadata.lookup import EntryMetadata
from alignhub.similarity import related_entries
from alignhub.site import charts, frames, listings, scholar, urls
from alignhub.site.index import filter_index_json
from alignhub.site.listings import Addresses
from alignhub.site.search import entry_document
from alignhub.site.views import EntryView, SectionView, name_in, section_views
from alignhub.templating import make_environment, template_file
from alignhub.words import Words, interface_words

NEWEST = 10
STATIC_ASSETS = ("alignhub.css", "filter.js")
# A hidden ("shadow") tag on every Chinese page, so the English tags index can leave them out.
ZH_TAG = "alignhub-zh"
SLOT = re.compile(r'<div data-ah-slot="(\d+)"></div>')


@dataclass(frozen=True)
class SiteOptions:
    use_directory_urls: bool = True
    site_url: str | None = None
    newest: int = NEWEST
    feed_size: int = exports.FEED_SIZE


@dataclass
class Site:
    """Generated pages (markdown, by source path), the HTML of their slots, other files (by path),
    the nav per language, the entry pages (kept out of the nav: there is one per entry), the author,
    venue and year pages (`listings`, by source path: written from `frame_pages`, see
    alignhub.site.frames), and what some pages add to their <head> (`heads`, by source path: an entry
    page's citation data, a section page's feed)."""

    pages: dict[str, str] = field(default_factory=dict)
    fragments: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    nav: dict[str, list[Any]] = field(default_factory=dict)
    entry_pages: set[str] = field(default_factory=set)
    listings: dict[str, frames.Listing] = field(default_factory=dict)
    frame_pages: set[str] = field(default_factory=set)
    heads: dict[str, str] = field(default_factory=dict)
    search_docs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def slot(self, html: str) -> Markup:
        """Keep `html` for after Python-Markdown and return the placeholder that marks its place."""
        key = str(len(self.fragments))
        self.fragments[key] = str(html)
        return Markup(f'\n<div data-ah-slot="{key}"></div>\n')

    def fill_slots(self, html: str) -> str:
        """A page's HTML with each placeholder replaced by the HTML kept for it."""
        return SLOT.sub(lambda match: self.fragments[match.group(1)], html)


def _options_for(catalog: Catalog, lang: str) -> dict[str, Any]:
    """The choices of the filter form, in the language of the page (only values in use)."""
    taxonomy = catalog.taxonomy
    entries = [item.entry for item in catalog.entries]
    used_topics = {e.topic for e in entries}
    used_types = {e.type for e in entries}
    used_tags = {tag for e in entries for tag in e.tags}
    return {
        "sections": [(s.id, name_in(s, lang)) for s in taxonomy.sections],
        "topics": [
            (name_in(s, lang), [(t.id, name_in(t, lang)) for t in s.topics if t.id in used_topics])
            for s in taxonomy.sections
        ],
        "types": [(k, name_in(v, lang)) for k, v in taxonomy.types.items() if k in used_types],
        "tags": sorted(
            ((tag, name_in(taxonomy.tag_labels[tag], lang)) for tag in used_tags if tag in taxonomy.tag_labels),
            key=lambda pair: pair[1].casefold(),
        ),
        "years": sorted({e.year for e in entries}, reverse=True),
        "venues": sorted({e.venue.name for e in entries if e.venue}, key=str.casefold),
    }


def _render_page(
    site: Site, env: jinja2.Environment, common: dict[str, Any], options: SiteOptions, src: str, template: str,
    **context: Any,
) -> urls.Linker:
    """Render one page in the language of `common`, with links relative to that page; returns its linker."""
    page = urls.localized(src, common["lang"])
    linker = urls.Linker(page, options.use_directory_urls)
    site.pages[page] = env.get_template(template).render(
        **common, **context, href=linker, page=page, slot=site.slot
    )
    return linker


def absolute(options: SiteOptions, src: str) -> str | None:
    """A page's or file's absolute URL, when the site's URL is known."""
    if not options.site_url:
        return None
    return options.site_url.rstrip("/") + "/" + urls.page_url(src, options.use_directory_urls)


def render_site(
    catalog: Catalog,
    templates: Path,
    metadata: Mapping[str, EntryMetadata] | None = None,
    options: SiteOptions | None = None,
    aliases: Mapping[str, list[str]] | None = None,
) -> Site:
    """Render every page in English and Chinese, the filter index, the downloads and the assets.

    `metadata` is `alignhub.metadata.lookup(root, catalog)`: what the committed cache adds (abstracts,
    first-version months, citations, repository status); without it the pages show the entries alone.
    `aliases` is the authors' override table (`alignhub.site.people.read_aliases`).
    """
    options = options or SiteOptions()
    metadata = metadata or {}
    bibtex = exports.bibtex_records(catalog, templates, metadata)
    site = Site()
    render = functools.partial(
        _render_language, site, make_environment(templates, html=True), catalog, metadata, options, bibtex,
        related_entries(catalog, {key: meta.abstract for key, meta in metadata.items() if meta.abstract}),
        listings.addresses(catalog, aliases),
    )
    for lang, words in interface_words(templates).items():
        render(lang, words)
    _add_files(site, catalog, templates, metadata, options, bibtex)
    return site


def _render_language(
    site: Site, env: jinja2.Environment, catalog: Catalog, metadata: Mapping[str, EntryMetadata],
    options: SiteOptions, bibtex: Mapping[str, str], similar: Mapping[str, list[str]], addresses: Addresses,
    lang: str, t: Words,
) -> None:
    """Every page of one language, its entry pages' search documents and its nav."""
    sections = section_views(catalog, lang, t, bibtex, metadata, similar, addresses)
    by_id = {e.id: e for s in sections for topic in s.topics for e in topic.entries}
    topics_total = sum(len(s.topics) for s in catalog.taxonomy.sections)
    common = {
        "lang": lang,
        "t": t,
        "catalog": catalog,
        "sections": sections,
        "urls": urls,
        "zh_tag": ZH_TAG,
        "counts": {"entries": len(catalog.entries), "sections": len(sections), "topics": topics_total},
    }
    render = functools.partial(_render_page, site, env, common, options)
    render(urls.HOME, "home.md.j2", newest=[by_id[item.id] for item in exports.newest(catalog, options.newest)])
    render(urls.ALL, "all.md.j2", choices=_options_for(catalog, lang),
           cited=any(meta.citations is not None for meta in metadata.values()),
           words_json=json.dumps({k: t[k] for k in ("shown", "no_match", "any")}, ensure_ascii=False))
    head = env.get_template("_head.html.j2")
    for section in sections:
        linker = render(urls.section_page(section.id), "section.md.j2", section=section)
        site.heads[section.page] = head.render(feeds=[(f"alignhub — {section.name}",
                                                      linker(urls.section_feed(section.id)))])
    site.search_docs[lang] = []
    for entry_id in sorted(by_id):
        render(urls.paper_page(entry_id), "paper.md.j2", e=by_id[entry_id])
        site.entry_pages.add(by_id[entry_id].page)
        site.heads[by_id[entry_id].page] = _entry_head(head, catalog, catalog.by_id[entry_id], by_id[entry_id],
                                                       options, lang, t)
        site.search_docs[lang].append(entry_document(by_id[entry_id], t, lang, options.use_directory_urls))
    _render_listings(site, env, render, catalog, addresses, by_id, sections, lang, t, options)
    render(urls.STATS, "stats.md.j2", years=charts.year_chart(catalog, lang), grid=charts.topic_chart(catalog, lang))
    render(urls.TAGS, "tags.md.j2")
    render(urls.DOWNLOADS, "downloads.md.j2", feed_size=min(options.feed_size, len(catalog.entries)))
    site.nav[lang] = [
        urls.localized(urls.HOME, lang),
        urls.localized(urls.ALL, lang),
        {t["sections"]: [s.page for s in sections]},
        urls.localized(urls.STATS, lang),
        urls.localized(urls.TAGS, lang),
        urls.localized(urls.DOWNLOADS, lang),
    ]


def _entry_head(head: jinja2.Template, catalog: Catalog, item: CatalogEntry, e: EntryView, options: SiteOptions,
                lang: str, t: Words) -> str:
    """What an entry page adds to its <head>: citation tags, JSON-LD, Open Graph and a Twitter card."""
    facts = scholar.PageFacts(
        url=absolute(options, e.page), lang=lang, title=e.heading, description=e.summary, site_name=t["site_title"],
        author_urls=[absolute(options, link.page) for link in e.author_links],
    )
    return head.render(
        citation=scholar.citation_tags(item, catalog.taxonomy), og=scholar.open_graph(facts),
        twitter=scholar.twitter_card(facts),
        # script_json leaves no <, > or & in the text: safe inside <script> as it is
        json_ld=Markup(scholar.script_json(scholar.linked_data(item, catalog.taxonomy, facts))),
    )


def _render_listings(site: Site, env: jinja2.Environment, render: Any, catalog: Catalog, addresses: Addresses,
                     by_id: Mapping[str, EntryView], sections: list[SectionView], lang: str, t: Words,
                     options: SiteOptions) -> None:
    """One page per author, per venue and per year (alignhub.site.listings), and the frame they are
    written from (alignhub.site.frames)."""
    template = env.get_template("listing.html.j2")

    def add(src: str, title: str, intro: str, groups: list[tuple[str, str, list[EntryView]]],
            also: list[str] | None = None) -> None:
        page = urls.localized(src, lang)
        html = template.render(title=title, intro=intro, also=also or [], groups=groups, t=t, lang=lang,
                               href=urls.Linker(page, options.use_directory_urls))
        site.listings[page] = frames.Listing(title, html)

    for person in addresses.people.people:
        entries = [by_id[entry_id] for entry_id in person.entries]
        add(urls.author_page(person.slug), person.name, t["author_intro"].format(count=len(entries)),
            [("", "", entries)], [spelling for spelling in person.spellings if spelling != person.name])
    for venue, years in listings.by_venue(catalog).items():
        count = sum(len(ids) for _, ids in years)
        add(addresses.venue(venue), venue, t["venue_intro"].format(count=count, venue=venue),
            [(listings.year_anchor(year), str(year), [by_id[i] for i in ids]) for year, ids in years])
    names = {s.id: s.name for s in sections}
    for year, groups in listings.by_year(catalog).items():
        count = sum(len(ids) for _, ids in groups)
        add(addresses.year(year), t["year_title"].format(year=year), t["year_intro"].format(count=count, year=year),
            [(f"section-{section}", names[section], [by_id[i] for i in ids]) for section, ids in groups])
    render(urls.LISTING_FRAME, "listing-frame.md.j2", title=frames.TITLE, content=frames.CONTENT)
    site.frame_pages.add(urls.localized(urls.LISTING_FRAME, lang))


def _add_files(site: Site, catalog: Catalog, templates: Path, metadata: Mapping[str, EntryMetadata],
               options: SiteOptions, bibtex: Mapping[str, str]) -> None:
    """The downloads, the filter index of "All entries" and the static assets."""
    for name, file_name in FORMATS.items():
        site.files[file_name] = exports.export(name, catalog, templates, options.site_url, metadata, urls.entry_url,
                                               options.feed_size, bibtex)
    for section in catalog.taxonomy.sections:  # one feed per section, linked from its page's <head>
        feed = urls.section_feed(section.id)
        site.files[feed] = exports.to_atom(catalog, templates, options.site_url, options.feed_size, urls.entry_url,
                                           section=section.id, feed_path=feed,
                                           home_path=urls.page_url(urls.section_page(section.id),
                                                                   options.use_directory_urls))
    site.files[urls.FILTER_INDEX] = filter_index_json(catalog, options.use_directory_urls, metadata)
    assets = {urls.ASSETS + name: name for name in STATIC_ASSETS} | {urls.SEARCH_WORKER: "search-worker.js"}
    for path, name in assets.items():
        site.files[path] = template_file(templates, f"site/assets/{name}").read_text(encoding="utf-8")
