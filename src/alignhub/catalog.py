"""The assembled catalog: validated entries, cross-entry checks, and the section ▸ topic ordering."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from alignhub.loader import SourceFile
from alignhub.models import Entry
from alignhub.problems import Problem
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import Section, Taxonomy, Topic


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """The few fields of an entry that the catalog's orders and cross-entry checks read.

    Small and plain, so a run can keep them for every entry without building every `Entry` model:
    a rebuild after one edit builds the models of what changed, and reads these for the rest."""

    topic: str
    title: str
    title_key: str  # `normalized_title`: what two entries may not share
    year: int
    release_month: str  # YYYY-MM (`Entry.release_month`)
    months: int  # the same month counted from year 0 (year * 12 + month), for sorting
    released: bool  # the month is written as `released`, not read off the arXiv id
    added: int  # `added`, as a proleptic ordinal
    arxiv: str | None
    openreview: str | None
    doi: str | None
    code: str | None
    related: tuple[str, ...]
    present: frozenset[str]  # the optional fields of POLICY_FIELDS the entry fills, dotted

    @classmethod
    def of(cls, entry: Entry) -> EntryFacts:
        links = entry.links
        present = frozenset(".".join(path) for path in POLICY_FIELDS.values() if _value_at(entry, path))
        year, month = entry.release_month.split("-")
        return cls(entry.topic, entry.title, normalized_title(entry.title), entry.year, entry.release_month,
                   int(year) * 12 + int(month), entry.released is not None,
                   entry.added.toordinal(), links.arxiv, links.openreview, links.doi, links.code,
                   tuple(entry.related), present)

    def as_tuple(self) -> tuple[Any, ...]:
        """The facts as a plain tuple: what a cache stores (pickling a tuple is the cheapest there is)."""
        return tuple(getattr(self, name) for name in self.__slots__)


def _value_at(entry: Entry, path: tuple[str, ...]) -> Any:
    value: Any = entry
    for step in path:
        value = getattr(value, step, None)
    return value


@dataclass(frozen=True)
class CatalogEntry:
    """An entry with the facts that come from where its file lives.

    `source` is the validated `Entry`, or its JSON as a cache kept it: the model is then built on
    first use (`entry`), so a view that reads only `facts` never pays for the rest."""

    id: str
    section: str
    path: str
    source: Entry | str = field(repr=False)
    cache_key: str = ""  # content digest/section/id: what the entry's cached renderings are keyed by
    known_facts: EntryFacts | None = field(default=None, repr=False, compare=False)

    @cached_property
    def entry(self) -> Entry:
        if isinstance(self.source, Entry):
            return self.source
        return Entry.model_validate_json(self.source)

    @cached_property
    def facts(self) -> EntryFacts:
        return self.known_facts or EntryFacts.of(self.entry)


# The orders entries are put in: every sort of entries uses one of these two keys.

def listing_order(item: CatalogEntry) -> tuple[int, int, str, str]:
    """The order entries are listed in everywhere a reader sees them (a topic of the READMEs and of the
    site, "All entries", the site's newest work and the Atom feed, the BibTeX, JSON and CSV exports):
    the most recently released work first (`Entry.release_month`), then the most recently added
    (`added`), then by title ignoring case, then by id."""
    facts = item.facts
    return (-facts.months, -facts.added, facts.title.casefold(), item.id)


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
            by_topic.setdefault(item.facts.topic, []).append(item)
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
    ("arXiv id", lambda e: e.facts.arxiv, ("links", "arxiv"), "duplicate-arxiv-id"),
    ("OpenReview id", lambda e: e.facts.openreview, ("links", "openreview"), "duplicate-openreview-id"),
    ("DOI", lambda e: (e.facts.doi or "").lower(), ("links", "doi"), "duplicate-doi"),
    ("a near-identical title", lambda e: e.facts.title_key, ("title",), "duplicate-title"),
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
        for index, other in enumerate(item.facts.related):
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
        facts = item.facts
        month = facts.release_month
        if int(month[:4]) != facts.year:
            source = "`released`" if facts.released else "the arXiv id"
            line, col = files[item.path].locate(("year",))
            problems.append(Problem(item.path, line, col, "year",
                                    f"year {facts.year} is not the year of first release ({source} says {month})",
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
            if dotted not in item.facts.present:
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
    parsed: int  # how many files were parsed and checked (not served from what an earlier run kept)
    # Findings that do not stop a run (a year that is not the release year, a notice): `alignhub validate`
    # prints them with the metadata cache's findings, by the same severity rules; a build ignores them.
    advisories: list[Problem] = field(default_factory=list)


def assemble(
    taxonomy: Taxonomy, files: list[SourceFile], entries: list[CatalogEntry], problems: list[Problem],
    parsed: int, required: frozenset[str] = frozenset(),
) -> LoadedCatalog:
    """The catalog of the entries that passed their own checks, with the checks across entries.

    `problems`: what reading and checking each file found; `required`: optional fields the catalog's
    policy requires (see `catalog_policy`)."""
    by_path = {f.path: f for f in files}
    problems = problems + cross_check(entries, by_path) + policy_problems(entries, by_path, required)
    problems.sort()
    entries = sorted(entries, key=file_order)
    return LoadedCatalog(Catalog(taxonomy, entries, required), problems, parsed,
                         sorted(release_problems(entries, by_path)))
