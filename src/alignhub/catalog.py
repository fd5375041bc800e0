"""The assembled catalog: validated entries, cross-entry checks, and the section ▸ topic ordering."""

from __future__ import annotations

import multiprocessing as mp
import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from alignhub import __version__
from alignhub.buildcache import BuildCache, fingerprint
from alignhub.loader import SourceFile, read_tree
from alignhub.models import Entry, Links, Summary, Venue
from alignhub.problems import Problem
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import Section, Taxonomy, Topic

# Which model describes the mapping at a given location, for "did you mean" on unknown fields.
_MODEL_AT: dict[tuple[str, ...], type[BaseModel]] = {
    (): Entry,
    ("links",): Links,
    ("venue",): Venue,
    ("summary",): Summary,
}


@dataclass(frozen=True)
class CatalogEntry:
    """An entry with the facts that come from where its file lives."""

    id: str
    section: str
    path: str
    entry: Entry
    cache_key: str = ""  # content digest/section/id: what the entry's cached renderings are keyed by

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        """Newest first, then by title: the order entries are listed within a topic."""
        return (-self.entry.year, -self.entry.added.toordinal(), self.entry.title.casefold(), self.id)


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

    @cached_property
    def sections(self) -> list[SectionGroup]:
        """Every section and topic of the taxonomy, in taxonomy order, entries newest first."""
        by_topic: dict[str, list[CatalogEntry]] = {}
        for item in self.entries:
            by_topic.setdefault(item.entry.topic, []).append(item)
        return [
            SectionGroup(
                section,
                [TopicGroup(topic, sorted(by_topic.get(topic.id, []), key=lambda e: e.sort_key))
                 for topic in section.topics],
            )
            for section in self.taxonomy.sections
        ]

    @cached_property
    def by_id(self) -> dict[str, CatalogEntry]:
        return {e.id: e for e in self.entries}


def _pydantic_problem(source: SourceFile, error: Any) -> Problem:
    loc = tuple(error["loc"])
    dotted = ".".join(str(p) for p in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        line, col = source.locate(loc, key=True)
        model = _MODEL_AT.get(tuple(str(p) for p in loc[:-1]))
        hint = did_you_mean(str(loc[-1]), model.model_fields) if model else ""
        return Problem(source.path, line, col, dotted, f"unknown field '{loc[-1]}'", hint)
    if kind == "missing":
        line, col = source.locate(loc[:-1])
        model = _MODEL_AT.get(tuple(str(p) for p in loc[:-1]))
        info = model.model_fields.get(str(loc[-1])) if model else None
        hint = f"add '{loc[-1]}:'" + (f" — {info.description}" if info and info.description else "")
        return Problem(source.path, line, col, dotted, "required field is missing", hint)
    line, col = source.locate(loc)
    message = error["msg"]
    if kind == "string_pattern_mismatch":
        return Problem(source.path, line, col, dotted, "must be a single line without control characters",
                       "remove line breaks and tabs, or write the value as a folded scalar (>-)")
    if kind == "string_too_short":
        return Problem(source.path, line, col, dotted, "must not be empty")
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = ""
    match = re.match(r"^(.*) \(((?:did you mean|expected|move|write|add).*)\)$", message)
    if match:
        message, hint = match.groups()
    return Problem(source.path, line, col, dotted, message, hint)


def check_file(source: SourceFile, taxonomy: Taxonomy) -> tuple[Entry | None, list[Problem]]:
    """Parse one file and check it against the schema and the taxonomy."""
    data, found = source.parse()
    if data is None:
        return None, found
    try:
        return Entry.model_validate(data, context={"taxonomy": taxonomy, "section": source.section}), []
    except ValidationError as err:
        return None, [_pydantic_problem(source, e) for e in err.errors()]


# Below this many files to check, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
_worker_taxonomy: Taxonomy | None = None  # set before forking; the workers inherit it


def _check_chunk(chunk: list[SourceFile]) -> list[tuple[str | None, list[Problem]]]:
    """Worker side: each file's entry as JSON (cheap to send back), or its problems."""
    assert _worker_taxonomy is not None
    results = []
    for source in chunk:
        entry, problems = check_file(source, _worker_taxonomy)
        results.append((entry.model_dump_json() if entry else None, problems))
    return results


def _check_files(
    files: list[SourceFile], taxonomy: Taxonomy, workers: int
) -> list[tuple[Entry | None, str | None, list[Problem]]]:
    """(entry, its JSON, problems) for each file, on `workers` forked processes when it pays off."""
    if workers < 2 or len(files) < PARALLEL_MIN_FILES or "fork" not in mp.get_all_start_methods():
        checked = [check_file(source, taxonomy) for source in files]
        return [(entry, entry.model_dump_json() if entry else None, found) for entry, found in checked]
    global _worker_taxonomy
    _worker_taxonomy = taxonomy
    size = -(-len(files) // (workers * 4))  # a few chunks per worker evens out their finishing times
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        results = [r for chunk in pool.map(_check_chunk, chunks) for r in chunk]
    return [(Entry.model_validate_json(js) if js else None, js, found) for js, found in results]


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
    checked = dict(zip(todo, _check_files([files[i] for i in todo], taxonomy, workers), strict=True))
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
            entry = Entry.model_validate_json(stored[i])
        entries.append(CatalogEntry(source.id, source.section, source.path, entry, f"{keys[i]}/{source.id}"))
    return entries, problems, len(todo)


_NOT_WORD = re.compile(r"[\W_]+")


def normalized_title(title: str) -> str:
    """Titles that differ only in case, accents, punctuation or spacing count as the same."""
    text = title.casefold()
    if not text.isascii():  # drop accents: "Rémi" and "Remi" are the same author's name
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", text)


def cross_check(entries: list[CatalogEntry], files: dict[str, SourceFile]) -> list[Problem]:
    """Problems that only show across entries: shared ids, shared external ids, twin titles."""
    problems: list[Problem] = []

    def duplicates(what: str, key_of: Any, field_path: tuple[str, ...]) -> None:
        first: dict[str, CatalogEntry] = {}
        for item in entries:
            key = key_of(item)
            if not key:
                continue
            if key in first:
                line, col = files[item.path].locate(field_path) if field_path else (0, 0)
                problems.append(Problem(
                    item.path, line, col, ".".join(field_path),
                    f"{what} is also used by {first[key].path}",
                    "each work is listed once; merge the two entries",
                ))
            else:
                first[key] = item

    duplicates("entry id", lambda e: e.id, ())
    duplicates("arXiv id", lambda e: e.entry.links.arxiv, ("links", "arxiv"))
    duplicates("OpenReview id", lambda e: e.entry.links.openreview, ("links", "openreview"))
    duplicates("DOI", lambda e: (e.entry.links.doi or "").lower(), ("links", "doi"))
    duplicates("a near-identical title", lambda e: normalized_title(e.entry.title), ("title",))

    known = {e.id for e in entries}
    for item in entries:
        for index, other in enumerate(item.entry.related):
            if other not in known:
                line, col = files[item.path].locate(("related", index))
                problems.append(Problem(item.path, line, col, f"related.{index}",
                                        f"no entry with id '{other}'", did_you_mean(other, known)))
    return problems


@dataclass
class LoadedCatalog:
    catalog: Catalog
    problems: list[Problem]
    parsed: int
    cache: BuildCache | None = None


# Modules whose code shapes what the build cache stores: editing one invalidates the cache.
_CACHED_CODE = ("yamlsafe.py", "models.py", "taxonomy.py", "catalog.py")


def _cache_fingerprint(taxonomy: Taxonomy) -> str:
    here = Path(__file__).parent
    return fingerprint(
        __version__.encode(),
        taxonomy.model_dump_json().encode(),
        *((here / name).read_bytes() for name in _CACHED_CODE),
    )


def build_catalog(root: Path, taxonomy: Taxonomy, use_cache: bool = True, workers: int = 1) -> LoadedCatalog:
    """Load, validate and cross-check the tree; the catalog holds every entry that passed."""
    cache = BuildCache(root, _cache_fingerprint(taxonomy), enabled=use_cache)
    files, problems = read_tree(root, taxonomy.section_ids)
    entries, invalid, parsed = validate_files(files, taxonomy, cache, workers)
    problems += invalid
    problems += cross_check(entries, {f.path: f for f in files})
    problems.sort()
    entries.sort(key=lambda e: (e.section, e.id))
    return LoadedCatalog(Catalog(taxonomy, entries), problems, parsed, cache)
