"""The assembled catalog: validated entries, cross-entry checks, and the section ▸ topic ordering."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from alignhub.buildcache import BuildCache
from alignhub.loader import SourceFile, read_tree
from alignhub.models import Entry
from alignhub.problems import Problem
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import Section, Taxonomy, Topic
from alignhub.validate import check_files


@dataclass(frozen=True)
class CatalogEntry:
    """An entry with the facts that come from where its file lives."""

    id: str
    section: str
    path: str
    entry: Entry
    cache_key: str = ""  # content digest/section/id: what the entry's cached renderings are keyed by


# The orders entries are put in: every sort of entries uses one of these two keys.

def listing_order(item: CatalogEntry) -> tuple[int, int, str, str]:
    """The order entries are listed in everywhere a reader sees them (a topic of the READMEs and of the
    site, "All entries", the site's newest work and the Atom feed, the BibTeX, JSON and CSV exports):
    the most recently released work first (`Entry.release_month`), then the most recently added
    (`added`), then by title ignoring case, then by id."""
    e = item.entry
    year, month = e.release_month.split("-")
    return (-(int(year) * 12 + int(month)), -e.added.toordinal(), e.title.casefold(), item.id)


def file_order(item: CatalogEntry) -> tuple[str, str]:
    """The order of `Catalog.entries` and of work done entry by entry (`alignhub enrich`): by section
    folder, then by id; stable across runs and independent of the entries' content."""
    return (item.section, item.id)


@dataclass(frozen=True)
class TopicGroup:
    topic: Topic
    entries: list[CatalogEntry]


@dataclass(frozen=True)
class SectionGroup:
    section: Section
    topics: list[TopicGroup]

    @property
    def count(self) -> int:
        return sum(len(t.entries) for t in self.topics)


@dataclass(frozen=True)
class Catalog:
    taxonomy: Taxonomy
    entries: list[CatalogEntry] = field(default_factory=list)
    # Optional fields this catalog requires (its policy, from [tool.alignhub]), e.g. "summary.zh".
    required: frozenset[str] = frozenset()

    @cached_property
    def sections(self) -> list[SectionGroup]:
        """Every section and topic of the taxonomy, in taxonomy order, entries in `listing_order`."""
        by_topic: dict[str, list[CatalogEntry]] = {}
        for item in self.entries:
            by_topic.setdefault(item.entry.topic, []).append(item)
        return [
            SectionGroup(
                section,
                [TopicGroup(topic, sorted(by_topic.get(topic.id, []), key=listing_order))
                 for topic in section.topics],
            )
            for section in self.taxonomy.sections
        ]

    @cached_property
    def by_id(self) -> dict[str, CatalogEntry]:
        return {e.id: e for e in self.entries}


def validate_files(
    files: Iterable[SourceFile], taxonomy: Taxonomy, cache: BuildCache, workers: int = 1
) -> tuple[list[CatalogEntry], list[Problem], int]:
    """Parse and check each file against the schema and the taxonomy; also returns how many were parsed.

    A valid entry is kept in `cache` under its content digest and section (the taxonomy is part of
    the cache's fingerprint), so an unchanged file is neither parsed nor validated again. Files to
    check are spread over `workers` processes when there are many (a cold run on a big catalog).
    """
    files = list(files)
    keys = [f"{source.digest}/{source.section}" for source in files]
    stored = [cache.get("entry", key) for key in keys]
    todo = [i for i, record in enumerate(stored) if record is None]
    checked = dict(zip(todo, check_files([files[i] for i in todo], taxonomy, workers), strict=True))
    entries: list[CatalogEntry] = []
    problems: list[Problem] = []
    for i, source in enumerate(files):
        if i in checked:
            entry, as_json, found = checked[i]
            problems.extend(found)
            if entry is None or as_json is None:
                continue
            cache.put("entry", keys[i], as_json)
        else:
            # Valid when stored, under the same taxonomy and code (the cache's fingerprint): read it
            # back from JSON without the taxonomy checks. JSON, not pickled models: a fifth the cost.
            record = stored[i]
            assert record is not None  # `todo` holds every file without a stored record
            entry = Entry.model_validate_json(record)
        entries.append(CatalogEntry(source.id, source.section, source.path, entry, f"{keys[i]}/{source.id}"))
    return entries, problems, len(todo)


_NOT_WORD = re.compile(r"[\W_]+")


def normalized_title(title: str) -> str:
    """Titles that differ only in case, accents, punctuation or spacing count as the same."""
    text = title.casefold()
    if not text.isascii():  # drop accents: "Rémi" and "Remi" are the same author's name
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", text)


# What no two entries may share: a description, how to read it off an entry, the field holding it, the rule.
_UNIQUE: tuple[tuple[str, Any, tuple[str, ...], str], ...] = (
    ("entry id", lambda e: e.id, (), "duplicate-entry-id"),
    ("arXiv id", lambda e: e.entry.links.arxiv, ("links", "arxiv"), "duplicate-arxiv-id"),
    ("OpenReview id", lambda e: e.entry.links.openreview, ("links", "openreview"), "duplicate-openreview-id"),
    ("DOI", lambda e: (e.entry.links.doi or "").lower(), ("links", "doi"), "duplicate-doi"),
    ("a near-identical title", lambda e: normalized_title(e.entry.title), ("title",), "duplicate-title"),
)


def cross_check(entries: list[CatalogEntry], files: dict[str, SourceFile]) -> list[Problem]:
    """Problems that only show across entries: shared ids, shared external ids, twin titles."""
    problems: list[Problem] = []
    first: list[dict[str, CatalogEntry]] = [{} for _ in _UNIQUE]
    for item in entries:
        for seen, (what, key_of, field_path, rule) in zip(first, _UNIQUE, strict=True):
            key = key_of(item)
            if not key:
                continue
            if key not in seen:
                seen[key] = item
                continue
            line, col = files[item.path].locate(field_path) if field_path else (0, 0)
            problems.append(Problem(
                item.path, line, col, ".".join(field_path),
                f"{what} is also used by {seen[key].path}", "each work is listed once; merge the two entries", rule,
            ))

    known = {e.id for e in entries}
    for item in entries:
        for index, other in enumerate(item.entry.related):
            if other not in known:
                line, col = files[item.path].locate(("related", index))
                problems.append(Problem(item.path, line, col, f"related.{index}",
                                        f"no entry with id '{other}'", did_you_mean(other, known - {item.id}),
                                        "unknown-related-id"))
    return problems


def release_problems(entries: list[CatalogEntry], files: dict[str, SourceFile]) -> list[Problem]:
    """Entries whose `year` is not the year of their release month (a venue's year written instead of
    the arXiv year, usually): a notice, since the month, not the year, is what listings sort by."""
    problems: list[Problem] = []
    for item in entries:
        entry = item.entry
        month = entry.release_month
        if int(month[:4]) != entry.year:
            source = "`released`" if entry.released else "the arXiv id"
            line, col = files[item.path].locate(("year",))
            problems.append(Problem(item.path, line, col, "year",
                                    f"year {entry.year} is not the year of first release ({source} says {month})",
                                    f"write year: {month[:4]}", "year-differs-from-release"))
    return problems


# Optional fields a catalog may require through [tool.alignhub] in its pyproject.toml: key → field.
POLICY_FIELDS = {"summary_zh": ("summary", "zh")}


def policy_problems(
    entries: list[CatalogEntry], files: dict[str, SourceFile], required: frozenset[str]
) -> list[Problem]:
    """Entries missing a field that this catalog requires though the schema leaves it optional."""
    problems: list[Problem] = []
    for key, path in POLICY_FIELDS.items():
        dotted = ".".join(path)
        if dotted not in required:
            continue
        for item in entries:
            value: Any = item.entry
            for step in path:
                value = getattr(value, step, None)
            if not value:
                line, col = files[item.path].locate(path[:-1])
                problems.append(Problem(
                    item.path, line, col, dotted, "required by this catalog",
                    f"add '{path[-1]}:' — pyproject.toml sets [tool.alignhub] {key} = \"required\"",
                    "required-by-catalog",
                ))
    return problems


def catalog_policy(settings: dict[str, Any]) -> frozenset[str]:
    """The fields `[tool.alignhub]` requires; ValueError names a key with a value other than required/optional."""
    required = set()
    for key, path in POLICY_FIELDS.items():
        value = settings.get(key, "optional")
        if value not in ("required", "optional"):
            raise ValueError(f"[tool.alignhub] {key} must be \"required\" or \"optional\", not {value!r}")
        if value == "required":
            required.add(".".join(path))
    return frozenset(required)


@dataclass
class LoadedCatalog:
    catalog: Catalog
    problems: list[Problem]
    parsed: int
    cache: BuildCache | None = None
    # Findings that do not stop a run (a year that is not the release year, a notice): `alignhub validate`
    # prints them with the metadata cache's findings, by the same severity rules; a build ignores them.
    advisories: list[Problem] = field(default_factory=list)


def open_cache(root: Path, taxonomy: Taxonomy, use_cache: bool = True) -> BuildCache:
    """The catalog's build cache: its records hold for this taxonomy (and this alignhub, see BuildCache)."""
    return BuildCache(root, taxonomy.model_dump_json().encode(), enabled=use_cache)


def build_catalog(
    root: Path, taxonomy: Taxonomy, use_cache: bool = True, workers: int = 1, required: frozenset[str] = frozenset()
) -> LoadedCatalog:
    """Load, validate and cross-check the tree; the catalog holds every entry that passed.

    `required`: optional fields the catalog's policy requires (see `catalog_policy`)."""
    cache = open_cache(root, taxonomy, use_cache)
    files, problems = read_tree(root, taxonomy.section_ids, cache)
    entries, invalid, parsed = validate_files(files, taxonomy, cache, workers)
    problems += invalid
    by_path = {f.path: f for f in files}
    problems += cross_check(entries, by_path)
    problems += policy_problems(entries, by_path, required)
    problems.sort()
    entries.sort(key=file_order)
    return LoadedCatalog(Catalog(taxonomy, entries, required), problems, parsed, cache,
                         sorted(release_problems(entries, by_path)))
