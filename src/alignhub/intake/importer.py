"""`alignhub import`: an entry file for every paper of an awesome list or a BibTeX file.

The papers come from `listparse`; each one the catalog already holds (same arXiv, OpenReview or
DOI id, or same normalised title — drafts included) is skipped and reported, so a second import of
the same file adds nothing. The rest are written the way `alignhub add` writes an entry, with its
empty summaries and a comment naming where the paper came from: `alignhub validate` reports them
as drafts until someone writes the summaries. Where an entry goes comes from the headings above
it, through a small mapping file, or from `--section/--topic`. Nothing is written when any paper
has no place, when the input is unusable, or with `--dry-run`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from alignhub import fsutil
from alignhub.catalog import Catalog, normalized_title
from alignhub.errors import UsageError
from alignhub.intake.add import (
    DEFAULT_TYPES,
    FALLBACK_TYPE,
    SCHEMA_COMMENT,
    AddRequest,
    Listed,
    already_listed,
    check_request,
    draft_data,
    entry_text,
    listed,
    short_name,
    slug,
    unique_id,
)
from alignhub.intake.listparse import (
    InputError,
    Paper,
    Parsed,
    Unparsed,
    detect_format,
    parse_bibtex,
    parse_markdown,
    read_text,
)
from alignhub.loader import ENTRIES_DIR, ID_PATTERN
from alignhub.taxonomy import Taxonomy, TopicElsewhere


@dataclass
class ImportRequest:
    path: Path
    format: str | None = None  # markdown | bibtex; None: from the extension
    section: str | None = None
    topic: str | None = None
    mapping: Path | None = None
    dry_run: bool = False


@dataclass
class Imported:
    imported: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    format: str = ""

    def report(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "unparsed": [{"line": u.line, "text": u.text, "reason": u.reason} for u in self.unparsed],
        }


def heading_key(text: str) -> str:
    """Headings match whatever their case, emoji and punctuation: "🧠 RLHF & DPO" ~ "rlhf dpo"."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def load_mapping(path: Path, taxonomy: Taxonomy) -> dict[str, tuple[str, str]]:
    """heading → (section, topic) from a YAML file of ``heading: section/topic`` lines."""
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{path}{where}: not YAML ({getattr(err, 'problem', None) or err})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected lines of 'heading: section/topic'")
    mapping: dict[str, tuple[str, str]] = {}
    for heading, target in data.items():
        section, _, topic = str(target).partition("/")
        if section not in taxonomy.section_by_id or not topic:
            raise InputError(f"{path}: '{heading}': '{target}' is not section/topic "
                             f"(sections: {', '.join(taxonomy.section_ids)})")
        try:
            taxonomy.check_topic(section, topic)
        except TopicElsewhere as err:
            raise InputError(f"{path}: '{heading}': {err}") from None
        except ValueError as err:
            raise InputError(f"{path}: '{heading}': {err}") from None
        mapping[heading_key(str(heading))] = (section, topic)
    return mapping


Place = tuple[str, str]  # (section, topic)


def _place(paper: Paper, mapping: dict[str, Place], default: Place | None) -> Place | None:
    for heading in reversed(paper.headings):  # the nearest heading first
        found = mapping.get(heading_key(heading))
        if found:
            return found
    return default


def _parse(request: ImportRequest, taxonomy: Taxonomy) -> tuple[str, Parsed]:
    kind = request.format or detect_format(request.path)
    if kind is None:
        raise UsageError(f"cannot tell the format of {request.path} from its extension: pass --format markdown|bibtex")
    text = read_text(request.path)
    if kind == "bibtex":
        return kind, parse_bibtex(text, taxonomy, str(request.path))
    return kind, parse_markdown(text, taxonomy)


def _links(paper: Paper) -> dict[str, str]:
    links = {k: v for k, v in (("arxiv", paper.arxiv), ("openreview", paper.openreview), ("doi", paper.doi)) if v}
    if not links and paper.paper:
        links["paper"] = paper.paper
    if paper.code:
        links["code"] = paper.code
    return links


def _draft_comment(request: ImportRequest, paper: Paper) -> str:
    return (f"# draft imported from {request.path.name} line {paper.line}: write summary.en and summary.zh, "
            "check type, topic and tags\n")


def import_papers(root: Path, catalog: Catalog, request: ImportRequest, today: date | None = None) -> Imported:
    """Parse the file, skip what the catalog holds, write the rest (unless `dry_run`)."""
    taxonomy = catalog.taxonomy
    default = None
    if request.section or request.topic:
        if not (request.section and request.topic):
            raise UsageError("--section and --topic go together")
        check_request(AddRequest("", request.section, request.topic), catalog)
        default = (request.section, request.topic)
    mapping = load_mapping(request.mapping, taxonomy) if request.mapping else {}
    kind, parsed = _parse(request, taxonomy)
    result = Imported(unparsed=parsed.unparsed, format=kind)
    found: list[Listed] = listed(root, catalog)
    taken: set[str] = set()
    writes: list[tuple[Path, str]] = []
    unplaced: list[Paper] = []
    for paper in parsed.papers:
        ids = {"arxiv": paper.arxiv, "openreview": paper.openreview, "doi": paper.doi}
        same = already_listed(found, **ids, title=paper.title)
        if same:
            result.duplicates.append({"title": paper.title, **ids, "line": paper.line, "file": same.path})
            continue
        place = _place(paper, mapping, default)
        if place is None:
            unplaced.append(paper)
            continue
        section, topic = place
        wanted = paper.key if paper.key and ID_PATTERN.match(paper.key) else slug(paper.title, short_name(paper.title))
        entry_id = unique_id(wanted, catalog, root, explicit=False, also_taken=taken)
        taken.add(entry_id)
        shown = f"{ENTRIES_DIR}/{section}/{entry_id}.yaml"
        venue = None
        if paper.venue:
            venue = {"name": paper.venue, "year": paper.venue_year, "presentation": paper.presentation}
        data = draft_data(title=paper.title, kind=DEFAULT_TYPES.get(section, FALLBACK_TYPE), topic=topic,
                          authors=paper.authors, year=paper.year, links=_links(paper), venue=venue, today=today
                          or date.today())
        text = entry_text(data).replace(SCHEMA_COMMENT, SCHEMA_COMMENT + _draft_comment(request, paper), 1)
        writes.append((root / shown, text))
        found.append(Listed(shown, paper.arxiv, paper.openreview, paper.doi, normalized_title(paper.title)))
        result.imported.append({"title": paper.title, **ids, "line": paper.line, "file": shown,
                                "section": section, "topic": topic})
    if unplaced:
        headings = list(dict.fromkeys(p.headings[-1] if p.headings else "(no heading)" for p in unplaced))
        shown_headings = ", ".join(f"'{h}'" for h in headings[:5]) + (" …" if len(headings) > 5 else "")
        raise InputError(f"{request.path}: {len(unplaced)} papers have no section/topic (under {shown_headings}): "
                         "map their headings in a --map file or pass --section and --topic; nothing was written")
    if not request.dry_run:
        for path, text in writes:
            fsutil.atomic_write_text(path, text)
    return result
