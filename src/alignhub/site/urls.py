"""Where each generated page lives, and links between pages as MkDocs will serve them.

Links inside generated HTML are not rewritten by MkDocs (it only rewrites markdown links), so the
pages carry relative URLs computed here, exactly as MkDocs lays pages out.
"""

from __future__ import annotations

import posixpath

from mkdocs.utils import get_relative_url

from alignhub.catalog import CatalogEntry

ZH_PREFIX = "zh/"
HOME = "index.md"
ALL = "all.md"
STATS = "stats.md"
TAGS = "tags.md"
DOWNLOADS = "downloads.md"
ASSETS = "assets/alignhub/"
FILTER_INDEX = ASSETS + "index.json"
# Beside Material's own worker, whose relative look-ups (../lunr/) it inherits; main.html names it too.
SEARCH_WORKER = "assets/javascripts/workers/alignhub-search.js"


PAPERS = "papers/"


def section_page(section: str) -> str:
    return f"sections/{section}.md"


def paper_page(entry_id: str) -> str:
    """Every entry has a page of its own, named by its id (the entry's file name)."""
    return f"{PAPERS}{entry_id}.md"


def localized(src_uri: str, lang: str) -> str:
    """The same page in another language: English at the root, Chinese under zh/."""
    return ZH_PREFIX + src_uri if lang == "zh" else src_uri


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a source file (relative to the site root, '' for the home page)."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[: -len(".md")]
    directory, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{directory}/" if directory else ""
    if use_directory_urls:
        return f"{stem}/"
    return f"{stem}.html"


def entry_url(item: CatalogEntry, lang: str = "en", use_directory_urls: bool = True) -> str:
    """Where an entry is shown: its own page."""
    return page_url(localized(paper_page(item.id), lang), use_directory_urls)


class Linker:
    """Relative links from one page to other pages and files of the site."""

    def __init__(self, src_uri: str, use_directory_urls: bool = True) -> None:
        self.use_directory_urls = use_directory_urls
        self.here = page_url(src_uri, use_directory_urls)

    def __call__(self, target: str, anchor: str | None = None) -> str:
        url = page_url(target, self.use_directory_urls)
        if url == self.here and anchor:
            return "#" + anchor
        relative = get_relative_url(url or ".", self.here or ".")
        if (url == "" or url.endswith("/")) and not relative.endswith("/"):
            relative += "/"
        return relative + ("#" + anchor if anchor else "")
