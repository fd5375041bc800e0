"""Read the entry tree: one YAML file per entry, section = folder, id = file stem.

Parsing goes through a content-hash cache so a rebuild after one edit parses one file, not the tree.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.problems import Problem
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import TAXONOMY_FILE
from alignhub.yamlsafe import SourceMap, parse_document, source_map

ENTRIES_DIR = "entries"
CACHE_DIR = ".alignhub-cache"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Bump when the parser's output changes, so stale cache files are ignored.
_PARSE_CACHE_VERSION = 2


@dataclass(frozen=True)
class SourceFile:
    """An entry file as read from disk: where it is, what it is called, what it holds."""

    path: str  # relative to the catalog root, forward slashes
    section: str
    id: str
    data: dict[str, Any]
    raw: bytes = field(repr=False)

    @cached_property
    def source_map(self) -> SourceMap:
        """Positions of keys and values, computed only when a problem needs to be located."""
        return source_map(self.raw)

    def locate(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return self.source_map.locate(path, key=key)


@dataclass
class LoadResult:
    files: list[SourceFile]
    problems: list[Problem]
    parsed: int  # files actually parsed (not served by the cache)


class ParseCache:
    """Maps a file's content digest to its parse result; stored as one pickle under .alignhub-cache/."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / f"parse-v{_PARSE_CACHE_VERSION}.pickle"
        self.enabled = enabled
        self._old: dict[str, tuple[dict[str, Any] | None, list[Problem]]] = {}
        self._new: dict[str, tuple[dict[str, Any] | None, list[Problem]]] = {}
        if enabled:
            try:
                with self.path.open("rb") as fh:
                    loaded = pickle.load(fh)
                if isinstance(loaded, dict):
                    self._old = loaded
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
                self._old = {}  # a missing or corrupt cache only costs a full parse

    def parse(self, raw: bytes) -> tuple[tuple[dict[str, Any] | None, list[Problem]], bool]:
        """The parse result for these bytes and whether it had to be computed."""
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        hit = self._new.get(digest) or self._old.get(digest)
        fresh = hit is None
        if hit is None:
            hit = parse_document(raw)
        self._new[digest] = hit
        return hit, fresh

    def save(self) -> None:
        """Write the cache if its content changed; entries for vanished files are dropped."""
        if not self.enabled or self._new.keys() == self._old.keys():
            return
        try:
            fsutil.atomic_write_bytes(self.path, pickle.dumps(self._new, protocol=pickle.HIGHEST_PROTOCOL))
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                fsutil.atomic_write_text(gitignore, "*\n")
        except OSError:
            pass  # a read-only checkout still validates; it just cannot cache


def entry_paths(root: Path) -> list[str]:
    """Every file under entries/ except the taxonomy, relative to the root with forward slashes.

    Plain strings and os.walk rather than Path objects: at 10,000 entries the path objects cost
    more than reading the files.
    """
    base = os.path.join(root, ENTRIES_DIR)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        relative_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.startswith(".") or (dirpath == base and name == TAXONOMY_FILE):
                continue
            found.append(f"{relative_dir}/{name}")
    return found


def load_tree(root: Path, sections: list[str], use_cache: bool = True) -> LoadResult:
    """Read and parse every entry file; collect every problem rather than stopping at the first."""
    cache = ParseCache(root, enabled=use_cache)
    files: list[SourceFile] = []
    problems: list[Problem] = []
    parsed = 0
    known_sections = frozenset(sections)
    for shown in entry_paths(root):
        parts = shown.split("/")
        placement = _placement_problem(shown, parts, sections, known_sections)
        if placement:
            problems.append(placement)
            continue
        try:
            with open(os.path.join(root, shown), "rb") as fh:
                raw = fh.read()
        except OSError as err:
            problems.append(Problem(shown, message=f"cannot read the file: {err.strerror}"))
            continue
        (data, found), fresh = cache.parse(raw)
        parsed += fresh
        if found:
            problems.extend(replace(p, path=shown) for p in found)
        if data is not None:
            files.append(SourceFile(shown, parts[1], parts[2][: -len(".yaml")], data, raw))
    cache.save()
    return LoadResult(files, problems, parsed)


def _placement_problem(
    shown: str, parts: list[str], sections: list[str], known_sections: frozenset[str]
) -> Problem | None:
    """Entries live at entries/<section>/<id>.yaml; anything else is named and explained."""
    if len(parts) != 3:
        return Problem(shown, message="entry files live directly in a section folder",
                       hint="move it to entries/<section>/<id>.yaml")
    _, section, name = parts
    if section not in known_sections:
        return Problem(shown, message=f"unknown section folder '{section}'", hint=did_you_mean(section, sections))
    stem, dot, ext = name.rpartition(".")
    if not dot or ext != "yaml":
        hint = "rename it to .yaml" if ext == "yml" else "entry files end in .yaml"
        return Problem(shown, message="not an entry file", hint=hint)
    if not ID_PATTERN.match(stem):
        return Problem(shown, message=f"'{stem}' is not a valid entry id",
                       hint="use lowercase letters, digits and single hyphens, e.g. safe-rlhf.yaml")
    return None
