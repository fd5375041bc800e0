"""Where the URLs are: entry files (field by field) and generated or given markdown files (line by line)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.token import Token

if TYPE_CHECKING:
    from alignhub.catalog import Catalog
    from alignhub.yamlsafe import SourceMap

WEB_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class Occurrence:
    """One place a URL is written: a file, and a line (0 until located) and field within it."""

    path: str
    line: int
    field: str
    url: str

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def order(self) -> tuple[bool, str, int, str]:
        """Entry files first (that is where a link is fixed), then generated files, by position."""
        return (not self.field, self.path, self.line, self.field)

    @property
    def label(self) -> str:
        """How a report names the place: ``entries/methods/dpo.yaml:9 links.code`` or ``README.md:45``."""
        return f"{self.where()} {self.field}" if self.field else self.where()


def entry_links(catalog: Catalog) -> Iterator[Occurrence]:
    """Every link of every entry; ids (arXiv, OpenReview, DOI) as their canonical pages."""
    for item in catalog.entries:
        for kind, url in item.entry.links.urls:
            yield Occurrence(item.path, 0, f"links.{kind}", url)


class EntryLocator:
    """Fills in the line of entry links, reading each entry file once and only when asked."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._maps: dict[str, SourceMap | None] = {}

    def locate(self, occurrence: Occurrence) -> Occurrence:
        if occurrence.line or not occurrence.field.startswith("links."):
            return occurrence
        if occurrence.path not in self._maps:
            from alignhub.yamlsafe import source_map  # only when a broken entry link needs its line

            try:
                self._maps[occurrence.path] = source_map((self.root / occurrence.path).read_bytes())
            except OSError:
                self._maps[occurrence.path] = None
        found = self._maps[occurrence.path]
        if found is None:
            return occurrence
        line, _ = found.locate(tuple(occurrence.field.split(".")))
        return Occurrence(occurrence.path, line, occurrence.field, occurrence.url)


class _HtmlLinks(HTMLParser):
    """href and src attributes of raw HTML in markdown (badges, <a> and <img> tags)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(value for name, value in attrs if name in ("href", "src") and value)


def _markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # Keep destinations as written: markdown-it would percent-encode them, and the same URL in an
    # entry and in the README would then be checked (and reported) twice.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    return md


def _line_of(url: str, lines: list[str], start: int, end: int) -> int:
    """The first line of the block [start, end) that holds `url` (1-based), else the block's first."""
    for number in range(start, min(end, len(lines))):
        if url in lines[number]:
            return number + 1
    return start + 1


def _urls_in(token: Token) -> Iterator[str]:
    if token.type in ("html_block", "html_inline"):
        parser = _HtmlLinks()
        parser.feed(token.content)
        yield from parser.found
    elif token.type == "link_open":
        yield str(token.attrGet("href") or "")
    elif token.type == "image":
        yield str(token.attrGet("src") or "")
    for child in token.children or ():
        yield from _urls_in(child)


def markdown_links(path: str, text: str) -> Iterator[Occurrence]:
    """Every http(s) link, image and HTML href/src of a markdown text, with its line."""
    lines = text.splitlines()
    for token in _markdown_parser().parse(text):
        if token.map is None:
            continue
        start, end = token.map
        for url in _urls_in(token):
            if url.startswith(WEB_SCHEMES):
                yield Occurrence(path, _line_of(url, lines, start, end), "", url)


def group_by_url(occurrences: Iterable[Occurrence]) -> dict[str, list[Occurrence]]:
    """Each distinct URL with the places it is written, places sorted, URLs in sorted order."""
    grouped: dict[str, set[Occurrence]] = {}
    for occurrence in occurrences:
        grouped.setdefault(occurrence.url, set()).add(occurrence)
    return {url: sorted(grouped[url], key=lambda o: o.order) for url in sorted(grouped)}
