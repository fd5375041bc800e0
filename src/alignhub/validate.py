"""Entry files to Entry models: parsing, schema and taxonomy checks, and problems a contributor can act on.

Files can be checked in forked worker processes when a cold run has thousands of them.
"""

from __future__ import annotations

import multiprocessing as mp
import re
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from pydantic import BaseModel, ValidationError

from alignhub.catalog import EntryFacts
from alignhub.loader import SourceFile
from alignhub.models import DatasetFacts, DatasetSize, Entry, Links, Summary, Venue
from alignhub.problems import Problem
from alignhub.rules import RuleError
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import Taxonomy

DRAFT_HINT = "a draft: write one sentence in your own words"

# Which model describes the mapping at a given location, for "did you mean" on unknown fields.
_MODEL_AT: dict[tuple[str, ...], type[BaseModel]] = {
    (): Entry,
    ("links",): Links,
    ("venue",): Venue,
    ("summary",): Summary,
    ("dataset",): DatasetFacts,
    ("dataset", "size"): DatasetSize,
}


def _pydantic_problem(source: SourceFile, error: Any) -> Problem:
    loc = tuple(error["loc"])
    raised = (error.get("ctx") or {}).get("error")
    if not loc and isinstance(raised, RuleError):
        loc = raised.at  # a whole-entry check names the field it is about
    dotted = ".".join(str(p) for p in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        line, col = source.locate(loc, key=True)
        model = _MODEL_AT.get(tuple(str(p) for p in loc[:-1]))
        hint = did_you_mean(str(loc[-1]), model.model_fields) if model else ""
        return Problem(source.path, line, col, dotted, f"unknown field '{loc[-1]}'", hint, "unknown-field")
    if kind == "missing":
        line, col = source.locate(loc[:-1])
        model = _MODEL_AT.get(tuple(str(p) for p in loc[:-1]))
        info = model.model_fields.get(str(loc[-1])) if model else None
        hint = f"add '{loc[-1]}:'" + (f" — {info.description}" if info and info.description else "")
        return Problem(source.path, line, col, dotted, "required field is missing", hint, "missing-field")
    line, col = source.locate(loc)
    message = error["msg"]
    if kind == "string_pattern_mismatch":
        return Problem(source.path, line, col, dotted, "must be a single line without control characters",
                       "remove line breaks and tabs, or write the value as a folded scalar (>-)", "not-one-line")
    if kind == "string_too_short":
        # `alignhub add` and `alignhub import` write empty summaries on purpose: the entry is a draft.
        if loc[0] == "summary":
            return Problem(source.path, line, col, dotted, "must not be empty", DRAFT_HINT, "draft-summary")
        return Problem(source.path, line, col, dotted, "must not be empty", rule="empty-value")
    if kind in ("string_too_long", "too_long"):
        limit = (error.get("ctx") or {}).get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        return Problem(source.path, line, col, dotted, f"is too long (at most {limit} {unit})",
                       "shorten it: an entry holds a title and a one-sentence summary, not a document", "too-long")
    value = error.get("input")
    if isinstance(value, bool) and kind in ("string_type", "model_type", "model_attributes_type", "date_type"):
        return Problem(source.path, line, col, dotted, f"YAML read this value as the boolean {str(value).lower()}",
                       "unquoted yes, no, on, off, true and false are booleans in YAML: "
                       "put the value in quotes, e.g. 'NO'", "yaml-boolean")
    if loc == ("venue",) and isinstance(value, str | int | float):
        words = str(value).split()
        year = next((w for w in words if w.isdigit() and len(w) == 4), "2024")
        name = " ".join(w for w in words if w != year) or "NeurIPS"
        return Problem(source.path, line, col, dotted, "the venue is written as fields, not one text",
                       f"write venue: {{name: {name}, year: {year}}}", "venue-as-text")
    if kind.startswith(("date_", "datetime_")):
        shown = value.isoformat() if hasattr(value, "isoformat") else value
        return Problem(source.path, line, col, dotted, f"{shown!r} is not a date",
                       "write the date as YYYY-MM-DD, e.g. 2024-05-31", "invalid-date")
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = ""
    match = re.match(r"^(.*) \(((?:did you mean|expected|move|write|add|remove|use).*)\)$", message)
    if match:
        message, hint = match.groups()
    # A validator's RuleError names its rule; pydantic's own checks (a type, a range) are invalid values.
    rule = raised.rule if isinstance(raised, RuleError) else "invalid-value"
    return Problem(source.path, line, col, dotted, message, hint, rule)


def check_file(source: SourceFile, taxonomy: Taxonomy) -> tuple[Entry | None, list[Problem]]:
    """Parse one file and check it against the schema and the taxonomy."""
    data, found = source.parse()
    if data is None:
        return None, found
    try:
        return Entry.model_validate(data, context={"taxonomy": taxonomy, "section": source.section}), []
    except ValidationError as err:
        return None, [_pydantic_problem(source, e) for e in err.errors()]


def _record(entry: Entry | None) -> str | None:
    """An entry as its build-cache record: JSON without default values, which is also the
    quickest form to read back (a warm run rebuilds every entry from these)."""
    return entry.model_dump_json(exclude_defaults=True) if entry else None


# Below this many files to check, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
_worker_taxonomy: Taxonomy | None = None  # set before forking; the workers inherit it


def _check_chunk(chunk: list[SourceFile]) -> list[tuple[str | None, tuple[Any, ...] | None, list[Problem]]]:
    """Worker side: each file's entry as JSON and facts (cheap to send back), or its problems."""
    assert _worker_taxonomy is not None
    results = []
    for source in chunk:
        entry, problems = check_file(source, _worker_taxonomy)
        results.append((_record(entry), EntryFacts.of(entry).as_tuple() if entry else None, problems))
    return results


# A checked file: its entry (the model, or its JSON when a worker process checked it: the model is then
# built only if something reads more than the facts), the entry as JSON, its facts, and the problems.
Checked = tuple[Entry | str | None, str | None, EntryFacts | None, list[Problem]]


def check_files(files: list[SourceFile], taxonomy: Taxonomy, workers: int) -> list[Checked]:
    """Each file checked, on `workers` forked processes when it pays off."""
    if workers < 2 or len(files) < PARALLEL_MIN_FILES or "fork" not in mp.get_all_start_methods():
        checked: list[Checked] = []
        for source in files:
            entry, found = check_file(source, taxonomy)
            checked.append((entry, _record(entry), EntryFacts.of(entry) if entry else None, found))
        return checked
    global _worker_taxonomy
    _worker_taxonomy = taxonomy
    size = -(-len(files) // (workers * 4))  # a few chunks per worker evens out their finishing times
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        return [(js, js, EntryFacts(*facts) if facts else None, found)
                for chunk in pool.map(_check_chunk, chunks) for js, facts, found in chunk]
