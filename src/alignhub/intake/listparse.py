"""Papers out of an awesome-list markdown file or a BibTeX file, for `alignhub import`.

Markdown lists are hand-edited and each uses its own shape, so the file is cut into items (a
top-level bullet or numbered line with its indented sub-bullets, a table row, a bold title line
with the lines under it, up to a blank line, a rule or a heading) and each item is read the same
way: the paper's ids from every link in it (arxiv.org abs/pdf/html, shields.io arXiv badges,
huggingface.co/papers, OpenReview forums, DOIs, known proceedings pages), the title from its first
bold or linked text, authors from an italic or "Authors:" part, the venue from a taxonomy venue
name followed by a year. An item with no paper link is not guessed at: each of its lines is
reported as unparsed, with its line number. BibTeX goes through bibtexparser.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from alignhub.metadata.ids import github_repo, openreview_id, split_arxiv
from alignhub.models import DOI
from alignhub.taxonomy import Taxonomy

# An awesome list is a few hundred kilobytes; anything this big is not one (and would be slow to scan).
MAX_INPUT_BYTES = 10 * 1024 * 1024
FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown", ".bib": "bibtex", ".bibtex": "bibtex"}


class InputError(Exception):
    """The file cannot be imported at all (binary, empty, too big, broken BibTeX): one line, exit 1."""


@dataclass
class Paper:
    title: str
    line: int
    arxiv: str | None = None
    openreview: str | None = None
    doi: str | None = None
    paper: str | None = None  # the paper's page when it has none of the ids above
    code: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None  # canonical taxonomy name
    venue_year: int | None = None
    presentation: str | None = None  # oral, spotlight or poster
    headings: tuple[str, ...] = ()  # enclosing headings, outermost first
    key: str | None = None  # the BibTeX key


@dataclass(frozen=True)
class Unparsed:
    line: int
    text: str
    reason: str


@dataclass
class Parsed:
    papers: list[Paper] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)


def read_text(path: Path) -> str:
    """The file as text; InputError for what no list can be: too big, empty, binary, not UTF-8."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: {size / 1e6:.1f} MB is more than the {MAX_INPUT_BYTES // 2**20} MB an import reads "
                         "(awesome lists are well under 1 MB)")
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{path}: binary data (a NUL byte at offset {nul}), not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start} cannot be decoded)") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return text


def detect_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


# -- identifiers ---------------------------------------------------------------------------------
_ARXIV_LINK = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|alphaxiv\.org/abs/|img\.shields\.io/badge/arxiv-)"
    r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_OPENREVIEW_LINK = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:[^\s)\]]*&)?id=([A-Za-z0-9_-]+)")
_DOI_LINK = re.compile(r"doi\.org/(10\.\d{4,9}/[^\s)\]>\"'<]+)", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s)\]>\"'<]+")
# Proceedings and publisher pages that are a paper's own page.
_PAPER_HOSTS = re.compile(
    r"^https?://(?:www\.)?(?:aclanthology\.org|proceedings\.neurips\.cc|papers\.nips\.cc|proceedings\.mlr\.press"
    r"|openaccess\.thecvf\.com|dl\.acm\.org/doi|ieeexplore\.ieee\.org/document|link\.springer\.com"
    r"|ojs\.aaai\.org|www\.ijcai\.org/proceedings|jmlr\.org/papers|www\.nature\.com/articles"
    r"|www\.science\.org/doi|arxiv\.org/abs)/", re.IGNORECASE)


_REPO = re.compile(r"^(https?://(?:www\.)?github\.com/[A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?:\.git)?(?:[/?#].*)?$")
_NOT_CODE = {"sindresorhus/awesome"}  # the awesome badge's link


def _arxiv(text: str) -> str | None:
    for match in _ARXIV_LINK.finditer(text):
        try:
            return split_arxiv(match.group(1))[0]
        except ValueError:
            continue
    return None


def _doi(text: str) -> str | None:
    for match in _DOI_LINK.finditer(text):
        value = match.group(1).rstrip(".,;")
        if DOI.match(value):
            return value
    return None


def _ids(paper: Paper, text: str) -> None:
    """Fill the paper's ids, code and page link from every URL in the text."""
    paper.arxiv = paper.arxiv or _arxiv(text)
    forum = _OPENREVIEW_LINK.search(text)
    if forum and not paper.openreview:
        paper.openreview = openreview_id(forum.group(1))
    paper.doi = paper.doi or _doi(text)
    for url in _URL.findall(text):
        url = url.rstrip(".,;")
        repo = _REPO.match(url)
        if not paper.code and repo and github_repo(url) not in _NOT_CODE:
            paper.code = repo.group(1)
        if not paper.paper and (_PAPER_HOSTS.match(url) or url.lower().endswith(".pdf")) and "arxiv.org" not in url:
            paper.paper = url


def _has_paper_link(paper: Paper) -> bool:
    return bool(paper.arxiv or paper.openreview or paper.doi or paper.paper)


# -- venue and year ------------------------------------------------------------------------------
def _venue_pattern(taxonomy: Taxonomy, year: bool = True) -> re.Pattern[str]:
    """A taxonomy venue name or alias (preprint servers aside), followed by a year unless `year` is False."""
    names = sorted((n for n, canonical in taxonomy.venue_names.items()
                    if not taxonomy.venues[canonical].preprint), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    after = r"(?:[\s-]*'?(\d{4}|\d{2}))(?!\d)(?:\s+(oral|spotlight|poster)\b)?" if year else r"(?![\w-])"
    return re.compile(rf"(?<![\w-])({alternatives}){after}", re.IGNORECASE)


def _venue(paper: Paper, text: str, pattern: re.Pattern[str], taxonomy: Taxonomy) -> None:
    match = pattern.search(text)
    if match:
        paper.venue = taxonomy.canonical_venue(match.group(1))
        year = int(match.group(2))
        paper.venue_year = year + 2000 if year < 100 else year
        paper.presentation = match.group(3).lower() if match.group(3) else None


def _year(paper: Paper, text: str) -> None:
    """Year of first release: the arXiv id's, else a venue or date year written in the item."""
    if paper.arxiv and re.match(r"^\d{4}\.", paper.arxiv):
        paper.year = 2000 + int(paper.arxiv[:2])
        return
    if paper.venue_year:
        paper.year = paper.venue_year
        return
    years = [int(y) for y in re.findall(r"(?<![\d.])((?:19[5-9]|20[0-9])\d)(?![\d.])", text)]
    if years:
        paper.year = min(years)


# -- markdown ------------------------------------------------------------------------------------
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+]\s+|\d+[.)]\s*(?=\S))")
_TABLE = re.compile(r"^\s*\|")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MARKUP_ONLY = re.compile(r"^\s*(<[^>]*>\s*)+$|^\s*<!--.*-->\s*$|^\s*```")
_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]*)\)")
_GENERIC = re.compile(
    r"^(paper|pdf|arxiv|code|github|link|链接|论文|代码|project|project page|website|homepage|openreview|"
    r"huggingface|hf|blog|slides?|video|data|dataset|model|abstract|demo|repo|official|url|html|doi|page|"
    r"\d{4}\.\d{4,5}|here)$", re.IGNORECASE)
_AUTHORS_LABEL = re.compile(r"(?:\*\*)?(?:authors?|作者)(?:\*\*)?\s*[:：]\s*(?:\*\*)?(.+)", re.IGNORECASE)
_VENUE_PREFIX = re.compile(r"^[(\[]([^()\[\]]{2,40})[)\]]\s*")


def _plain(text: str) -> str:
    """Markdown inline markup removed: links become their text, emphasis and code marks go."""
    text = _LINK.sub(lambda m: "" if m.group(1) else m.group(2), text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = text.replace("\\&", "&").replace("\\", "")
    return " ".join(text.split())


def _clean_title(text: str) -> str:
    title = _plain(text).strip(" .:-–—|")
    prefix = _VENUE_PREFIX.match(title)
    if prefix and re.search(r"\d{2}", prefix.group(1)):
        title = title[prefix.end():]
    return title.strip(" .:-–—")


def _title(first: str, table: bool) -> str:
    """The paper's title, read off the item's first line."""
    if table:
        for cell in [c for c in first.strip().strip("|").split("|") if c.strip()]:
            for bang, text, _ in _LINK.findall(cell):
                if not bang and not _GENERIC.match(_plain(text)):
                    return _clean_title(text)
            plain = _plain(cell)
            if plain and not _GENERIC.match(plain):
                return _clean_title(cell)
        return ""
    body = _BULLET.sub("", first, count=1).strip()
    bold = re.match(r"^(?:\*\*|__)(.+?)(?:\*\*|__)", body)
    if bold:
        inner = bold.group(1)
        link = _LINK.search(inner)
        return _clean_title(link.group(2) if link and not _GENERIC.match(_plain(link.group(2))) else inner)
    for bang, text, _ in _LINK.findall(body):
        if not bang and _plain(text) and not _GENERIC.match(_plain(text)):
            return _clean_title(text)
        break  # the first link names a kind of resource (or is a badge): the title is the text before it
    before = re.split(r"\[|https?://", body, maxsplit=1)[0]
    before = re.split(r"\s[-–—|]\s|\.\s", before, maxsplit=1)[0]  # what follows is venue or notes
    return _clean_title(before)


def _authors(lines: list[str], title: str) -> list[str]:
    for line in lines:
        labelled = _AUTHORS_LABEL.search(_BULLET.sub("", line, count=1).strip())
        if labelled:
            return _split_authors(_plain(labelled.group(1)))
        italic = re.search(r"(?<![*\w])\*([^*\n]{3,}?)\*(?!\*)|(?<![_\w])_([^_\n]{3,}?)_(?!_)", line)
        if italic:
            text = _plain(italic.group(1) or italic.group(2))
            if text != title and ("," in text or " and " in text):
                return _split_authors(text)
    return []


def _split_authors(text: str) -> list[str]:
    text = re.sub(r",?\s*(et al\.?|等)\s*$", "", text.strip())
    names = [n.strip(" .") for n in re.split(r",|;|、|\band\b|&", text)]
    names = [n for n in names if n and len(n) <= 80 and not re.fullmatch(r"author\d*", n, re.IGNORECASE)]
    return list(dict.fromkeys(names))


def _items(lines: list[str]) -> list[tuple[list[int], tuple[str, ...], bool]]:
    """The list cut into items: (line numbers, enclosing headings, is a table row)."""
    items: list[tuple[list[int], tuple[str, ...], bool]] = []
    headings: list[tuple[int, str]] = []
    current: list[int] | None = None

    def path() -> tuple[str, ...]:
        return tuple(text for _, text in headings)

    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if not line.strip() or _RULE.match(line) or heading:
            current = None
            if heading:
                level = len(heading.group(1))
                headings = [(lv, t) for lv, t in headings if lv < level] + [(level, _plain(heading.group(2)))]
            continue
        if _TABLE.match(line):
            current = None
            if _TABLE_SEPARATOR.match(line):
                if items and items[-1][2] and items[-1][0] == [number - 1]:
                    items.pop()  # the row above was the table's header
                continue
            items.append(([number], path(), True))
            continue
        bullet = _BULLET.match(line)
        indent = len(line) - len(line.lstrip())
        if (bullet and indent < 2) or current is None:
            current = [number]
            items.append((current, path(), False))
        else:
            assert current is not None
            current.append(number)
    return items


def parse_markdown(text: str, taxonomy: Taxonomy) -> Parsed:
    lines = text.splitlines()
    venue_pattern = _venue_pattern(taxonomy)
    parsed = Parsed()
    for numbers, headings, table in _items(lines):
        item_lines = [lines[n - 1] for n in numbers]
        # An abstract folded into <details> describes the paper; it does not name its links or venue.
        meta = re.sub(r"<details>.*?(</details>|$)", " ", "\n".join(item_lines), flags=re.DOTALL | re.IGNORECASE)
        paper = Paper(title="", line=numbers[0], headings=headings)
        _ids(paper, meta)
        if not _has_paper_link(paper):
            for n, line in zip(numbers, item_lines, strict=True):
                if not _MARKUP_ONLY.match(line):
                    parsed.unparsed.append(Unparsed(n, line.strip(), "no paper link (arXiv, OpenReview, DOI)"))
            continue
        first = next((ln for ln in item_lines if _plain(ln)), item_lines[0])
        paper.title = _title(first, table)
        if not paper.title or _GENERIC.match(paper.title):
            parsed.unparsed.append(Unparsed(numbers[0], item_lines[0].strip(), "no title"))
            continue
        paper.authors = _authors(item_lines[1:] + item_lines[:1] if not table else [], paper.title)
        _venue(paper, _plain(meta), venue_pattern, taxonomy)
        _year(paper, _plain(meta))
        parsed.papers.append(paper)
    return parsed


# -- BibTeX --------------------------------------------------------------------------------------
def _name(parts: object) -> str:
    words = [*getattr(parts, "first", []), *getattr(parts, "von", []), *getattr(parts, "last", [])]
    name = " ".join(words)
    jr = getattr(parts, "jr", [])
    return f"{name}, {' '.join(jr)}" if jr else name


def _unbalanced(text: str) -> int | None:
    """The first line of the record whose braces do not balance (one closed too early, or never), if any.

    bibtexparser reads a record closed one brace too early as a shorter record followed by a
    comment, so the count is checked here first.
    """
    depth, line, record_line = 0, 1, 1
    escaped = False
    for ch in text:
        if ch == "\n":
            line += 1
        elif escaped:
            escaped = False
            continue
        elif ch == "\\":
            escaped = True
        elif ch == "@" and depth == 0:
            record_line = line
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return record_line
    return record_line if depth > 0 else None


def parse_bibtex(text: str, taxonomy: Taxonomy, shown: str) -> Parsed:
    """Papers from BibTeX; InputError naming the line of the first record that does not parse."""
    unbalanced = _unbalanced(text)
    if unbalanced is not None:
        raise InputError(f"{shown}:{unbalanced}: the braces of the BibTeX record starting here do not balance")
    import bibtexparser
    from bibtexparser import middlewares

    bib_logger = logging.getLogger("bibtexparser")
    level = bib_logger.level
    bib_logger.setLevel(logging.CRITICAL)  # its warnings repeat what the failed blocks say
    try:
        library = bibtexparser.parse_string(text, append_middleware=[
            middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    finally:
        bib_logger.setLevel(level)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise InputError(f"{shown}:{(block.start_line or 0) + 1}: the BibTeX record starting here does not parse")
    if not library.entries:
        raise InputError(f"{shown}: no BibTeX records (@article, @inproceedings, @misc …) in the file")
    venue_pattern = _venue_pattern(taxonomy, year=False)
    parsed = Parsed()
    for entry in library.entries:
        fields = {k.lower(): v for k, v in ((f.key, f.value) for f in entry.fields)}
        line = (entry.start_line or 0) + 1
        title = " ".join(str(fields.get("title", "")).replace("{", "").replace("}", "").split())
        paper = Paper(title=title, line=line, key=entry.key)
        eprint = str(fields.get("eprint", "")).strip()
        prefix = str(fields.get("archiveprefix", fields.get("eprinttype", "arxiv"))).lower()
        if eprint and prefix == "arxiv":
            with contextlib.suppress(ValueError):
                paper.arxiv = split_arxiv(eprint)[0]
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", str(fields.get("doi", "")).strip(), flags=re.IGNORECASE)
        if DOI.match(doi):
            paper.doi = doi
        url = str(fields.get("url", "")).strip()
        _ids(paper, url)
        if url.startswith("http") and not _has_paper_link(paper) and not github_repo(url):
            paper.paper = url
        if not title or not _has_paper_link(paper):
            why = "no title" if not title else "no paper link (eprint, doi or url)"
            parsed.unparsed.append(Unparsed(line, f"@{entry.entry_type}{{{entry.key},", why))
            continue
        authors = fields.get("author", [])
        paper.authors = [_name(a) for a in authors] if isinstance(authors, list) else _split_authors(str(authors))
        place = str(fields.get("booktitle") or fields.get("journal") or "")
        if place:
            paper.venue = taxonomy.canonical_venue(place) or (
                taxonomy.canonical_venue(m.group(1)) if (m := venue_pattern.search(place)) else None)
            if paper.venue and taxonomy.venues[paper.venue].preprint:
                paper.venue = None
        year = str(fields.get("year", "")).strip()
        if year.isdigit():
            paper.year = int(year)
            paper.venue_year = paper.year if paper.venue else None
        elif paper.arxiv and re.match(r"^\d{4}\.", paper.arxiv):
            paper.year = 2000 + int(paper.arxiv[:2])
        parsed.papers.append(paper)
    return parsed
