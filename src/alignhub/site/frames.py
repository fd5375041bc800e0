"""Thousands of author, venue and year pages, written from one page that Material rendered.

Those pages (alignhub.site.listings) all sit at the same depth (authors/<slug>/, venues/<slug>/,
years/<year>/), are kept out of the nav and out of search, and differ from one another only in
their title, their content and their address. Built as MkDocs pages, each cost ~2.8 ms (Python-
Markdown set up again, Material's whole template, one file), and with ~5 authors per entry they
were five times the rest of the site. So MkDocs renders one *frame* per language instead
(`urls.LISTING_FRAME`, whose title and content are the placeholders below, kept out of the
sitemap), and the plugin writes each listing page from the frame of its language: the frame's
address (in its canonical link and its language selector) replaced by the page's, the title
placeholder by the page's title escaped as Material prints a generated page's title, the content
placeholder by the page's HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

from alignhub.site import urls

TITLE = "ah-frame-title-6d1e0c"
CONTENT = "ah-frame-content-6d1e0c"


@dataclass(frozen=True)
class Listing:
    """One listing page: its title (text) and its content (HTML, escaped by its template)."""

    title: str
    html: str


def frame_of(src_uri: str) -> str:
    """The frame a listing page is written from: the one of its language."""
    return urls.localized(urls.LISTING_FRAME, "zh" if src_uri.startswith(urls.ZH_PREFIX) else "en")


def fill(frame: str, frame_src: str, src_uri: str, listing: Listing, use_directory_urls: bool = True) -> str:
    """The HTML of a listing page from its language's frame."""
    english = frame_src.removeprefix(urls.ZH_PREFIX)  # the address as both languages' links spell it
    page = src_uri.removeprefix(urls.ZH_PREFIX)
    html = frame.replace(urls.page_url(english, use_directory_urls), urls.page_url(page, use_directory_urls))
    return html.replace(TITLE, str(escape(listing.title))).replace(CONTENT, listing.html)


def output_path(src_uri: str, use_directory_urls: bool = True) -> str:
    """Where the page's HTML file goes, relative to the site folder."""
    url = urls.page_url(src_uri, use_directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url
