"""Where each generated page lives, and links between pages as MkDocs will serve them.

Links inside generated HTML are not rewritten by MkDocs (it only rewrites markdown links), so the
pages carry relative URLs computed here, exactly as MkDocs lays pages out.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Iterable

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
FEED = "feed.xml"
Key = tuple[str, ...]


def section_page(section: str) -> str:
    return f"sections/{section}.md"


def section_feed(section: str) -> str:
    """The Atom feed of one section, at the site's root like feed.xml: Material fetches sitemap.xml
    beside every <link rel="alternate"> of a page, and only the root has one."""
    return f"feed-{section}.xml"


def author_page(slug: str) -> str:
    return f"authors/{slug}.md"


def venue_page(slug: str) -> str:
    return f"venues/{slug}.md"


def year_page(year: int) -> str:
    return f"years/{year}.md"


# The page every author, venue and year page is written from (alignhub.site.frames); no slug starts with _.
LISTING_FRAME = "authors/_frame.md"


# Letters that NFKD does not decompose into a base letter and an accent.
_ASCII_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                                "ı": "i", "ŋ": "ng", "ħ": "h"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_SEPARATORS = re.compile(r"[\W_]+")
_SLUG_WORD = re.compile(r"^[a-z0-9]+$")


def words(text: str) -> Key:
    """A name's words as pages compare and address them: accents dropped (NFKD), case-folded,
    apostrophes dropped, split at punctuation and spaces: "Rémi  O'Munos" → ("remi", "omunos")."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    folded = _APOSTROPHES.sub("", folded.casefold().translate(_ASCII_LETTERS))
    return tuple(word for word in _SEPARATORS.split(folded) if word)


def slug(key: Key) -> str:
    """A path segment for a name's words: joined by hyphens when they are plain ASCII; else the ASCII
    part (or "n") and a digest of the whole key, so two different keys do not share a slug."""
    if key and all(_SLUG_WORD.match(word) for word in key):
        return "-".join(key)
    ascii_words = [w for w in ("".join(ch for ch in word if ch.isascii()) for word in key) if w]
    digest = hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()[:10]
    return "-".join([*(ascii_words or ["n"]), digest])


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


def unique_slugs(keys: Iterable[Key]) -> dict[Key, str]:
    """Each key's slug; should two ever meet (a digest collision), the later keys in sorted order get
    -2, -3… so every page has its own address."""
    slugs: dict[Key, str] = {}
    taken: set[str] = set()
    for key in sorted(keys):
        candidate, n = slug(key), 1
        while candidate in taken:
            n += 1
            candidate = f"{slug(key)}-{n}"
        slugs[key] = candidate
        taken.add(candidate)
    return slugs


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
