"""The metadata cache committed with the catalog: ``metadata/<source>/<key>.json``, one file per record.

One small file per paper keeps a pull request's diff to exactly the papers that changed and lets two
contributors add papers without touching the same file. Each file is sorted, indented JSON (the same
record always gives the same bytes) and is written atomically, so an interrupted run leaves every
file either as it was or complete.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote

from pydantic import ValidationError

from alignhub import fsutil
from alignhub.metadata.records import MODELS, Missing, Record
from alignhub.problems import Problem

METADATA_DIR = "metadata"
_SUFFIX = ".json"
# The day of the last `alignhub enrich` run that changed a record: what the README says, not the clock.
REFRESHED_FILE = "refreshed.json"


def file_name(key: str) -> str:
    """A key as a file name: characters other than letters, digits and ``-._~`` percent-encoded.

    ``2305.18290`` stays readable; ``hep-th/9901001`` becomes ``hep-th%2F9901001`` — unambiguous on
    every file system, and reversible.
    """
    return quote(key, safe="-._~") + _SUFFIX


def serialize(record: Record) -> str:
    """The record's file text: sorted keys, two-space indent, real UTF-8 characters, final newline."""
    data = record.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Store:
    """Reads and writes the records under ``<root>/metadata``; never touches the network."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = root / METADATA_DIR
        self.written = 0  # record files this Store changed

    def refreshed(self) -> str | None:
        """The day (YYYY-MM-DD) `stamp` last recorded, or None (no metadata/, no stamp, or not a date)."""
        try:
            data = json.loads((self.base / REFRESHED_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        day = data.get("date") if isinstance(data, dict) else None
        return day if isinstance(day, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None

    def stamp(self, day: date) -> None:
        """Record that the cache was refreshed on `day` (written only by `enrich`, after a run that changed it)."""
        text = json.dumps({"date": day.isoformat()}, indent=2, sort_keys=True) + "\n"
        fsutil.atomic_write_text(self.base / REFRESHED_FILE, text)

    def relative(self, source: str, key: str) -> str:
        return f"{METADATA_DIR}/{source}/{file_name(key)}"

    def path(self, source: str, key: str) -> Path:
        return self.base / source / file_name(key)

    def keys(self, source: str) -> set[str]:
        """Keys of every record file of a source (temporary files of an interrupted write excluded)."""
        try:
            names = os.listdir(self.base / source)
        except OSError:
            return set()
        return {unquote(n[: -len(_SUFFIX)]) for n in names if n.endswith(_SUFFIX) and not n.startswith(".")}

    def write(self, source: str, record: Record) -> bool:
        """Write one record atomically; returns False (and writes nothing) when the file already says so."""
        path = self.path(source, record.id)
        text = serialize(record)
        try:
            if path.read_text(encoding="utf-8") == text:
                return False
        except (OSError, UnicodeDecodeError):
            pass
        fsutil.atomic_write_text(path, text)
        self.written += 1
        return True

    def read(self, source: str, key: str) -> tuple[Record | None, Problem | None]:
        """The record for `key` (None when there is none), or the problem that makes the file unusable."""
        shown = self.relative(source, key)
        try:  # plain strings, not Path objects: validate reads thousands of these
            with open(os.path.join(self.base, source, file_name(key)), "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            return None, None
        except OSError as err:
            return None, Problem(shown, message=f"cannot read the cache file: {err.strerror}",
                                 rule="invalid-cache-record")
        try:  # the usual case, in one pass of pydantic-core's JSON parser
            record = (Missing if b'"missing": true' in raw else MODELS[source]).model_validate_json(raw)
            if record.id == key:
                return record, None  # type: ignore[return-value]
        except ValidationError:
            pass  # explained below, step by step
        hint = f"delete it or run `alignhub enrich --refresh --source {source}`"
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return None, Problem(shown, getattr(err, "lineno", 0), getattr(err, "colno", 0),
                                 message=f"not valid JSON: {getattr(err, 'msg', err)}", hint=hint,
                                 rule="invalid-cache-record")
        if not isinstance(data, dict):
            return None, Problem(shown, message="a cache record must be a JSON object", hint=hint,
                                 rule="invalid-cache-record")
        model = Missing if data.get("missing") else MODELS[source]
        try:
            record = model.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return None, Problem(shown, field=where, message=f"not a valid {source} record: {first['msg']}",
                                 hint=hint, rule="invalid-cache-record")
        if record.id != key:
            return None, Problem(shown, field="id", message=f"record id '{record.id}' does not match the file name",
                                 hint=hint, rule="invalid-cache-record")
        return record, None  # type: ignore[return-value]

    def read_many(self, source: str, keys: set[str] | list[str]) -> tuple[dict[str, Record], list[Problem]]:
        """The records present for these keys, and a problem for each unreadable one."""
        present = self.keys(source)
        records: dict[str, Record] = {}
        problems: list[Problem] = []
        for key in sorted(set(keys) & present):
            record, problem = self.read(source, key)
            if problem is not None:
                problems.append(problem)
            elif record is not None:
                records[key] = record
        return records, problems
