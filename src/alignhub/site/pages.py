"""Every generated page and file of the site, rendered from the catalog through templates/site/.

`render_site` is the one entry point: the MkDocs plugin hands its result to MkDocs, the tests and
the benchmark call it directly. Pages are markdown with the entry blocks written as escaped HTML
(Python-Markdown passes raw HTML blocks through untouched, and its backslash escapes do not cover
`<`, so markdown escaping alone could not keep a title from becoming markup).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from alignhub import exports
from alignhub.catalog import Catalog
from alignhub.site import charts, urls
from alignhub.site.index import filter_index_json
from alignhub.site.templating import LANGUAGES, interface_words, make_site_environment
from alignhub.site.views import name_in, section_views

NEWEST = 10
STATIC_ASSETS = ("alignhub.css", "filter.js")
# A hidden ("shadow") tag on every Chinese page, so the English tags index can leave them out.
ZH_TAG = "alignhub-zh"


@dataclass(frozen=True)
class SiteOptions:
    use_directory_urls: bool = True
    site_url: str | None = None
    newest: int = NEWEST
    feed_size: int = exports.FEED_SIZE


@dataclass
class Site:
    """Generated pages (markdown, by source path) and other files (by path), plus the nav per language."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    nav: dict[str, list[Any]] = field(default_factory=dict)


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
) -> None:
    """Render one page in the language of `common`, with links relative to that page."""
    page = urls.localized(src, common["lang"])
    linker = urls.Linker(page, options.use_directory_urls)
    site.pages[page] = env.get_template(template).render(**common, **context, href=linker, page=page)


def render_site(
    catalog: Catalog,
    templates: Path,
    abstracts: Mapping[str, str] | None = None,
    options: SiteOptions | None = None,
) -> Site:
    """Render every page in English and Chinese, the filter index, the downloads and the assets."""
    options = options or SiteOptions()
    abstracts = abstracts or {}
    env = make_site_environment(templates)
    words = interface_words(templates)
    bibtex = exports.bibtex_records(catalog, templates)
    newest = exports.newest(catalog, options.newest)
    site = Site()
    topics_total = sum(len(s.topics) for s in catalog.taxonomy.sections)

    for lang in LANGUAGES:
        t = words[lang]
        sections = section_views(catalog, lang, t, bibtex, abstracts)
        by_id = {e.id: e for s in sections for topic in s.topics for e in topic.entries}
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
        render(urls.HOME, "home.md.j2", newest=[by_id[item.id] for item in newest])
        render(urls.ALL, "all.md.j2", choices=_options_for(catalog, lang),
               words_json=json.dumps({k: t[k] for k in ("shown", "no_match", "any")}, ensure_ascii=False))
        for section in sections:
            render(urls.section_page(section.id), "section.md.j2", section=section)
        render(urls.STATS, "stats.md.j2", years=charts.year_chart(catalog, lang),
               grid=charts.topic_chart(catalog, lang))
        render(urls.TAGS, "tags.md.j2")
        render(urls.DOWNLOADS, "downloads.md.j2")
        site.nav[lang] = [
            urls.localized(urls.HOME, lang),
            urls.localized(urls.ALL, lang),
            {t["sections"]: [s.page for s in sections]},
            urls.localized(urls.STATS, lang),
            urls.localized(urls.TAGS, lang),
            urls.localized(urls.DOWNLOADS, lang),
        ]

    site.files[exports.FORMATS["bibtex"]] = "\n".join(bibtex.values())
    site.files[exports.FORMATS["json"]] = exports.to_json(catalog)
    site.files[exports.FORMATS["csv"]] = exports.to_csv(catalog)
    site.files[exports.FORMATS["atom"]] = exports.to_atom(catalog, templates, options.site_url, options.feed_size)
    site.files[urls.FILTER_INDEX] = filter_index_json(catalog, options.use_directory_urls)
    for asset in STATIC_ASSETS:
        site.files[urls.ASSETS + asset] = (templates / "site" / "assets" / asset).read_text(encoding="utf-8")
    return site
