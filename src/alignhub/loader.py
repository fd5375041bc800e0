"""Read the entry tree: one YAML file per entry, section = folder, id = file stem.

Parsing goes through a content-hash cache so a rebuild after one edit parses one file, not the tree.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from dataclasses import dataclass, replace
from pathlib import Path

from alignhub import fsutil
from alignhub.problems import Problem
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import TAXONOMY_FILE
from alignhub.yamlsafe import Document, parse_document

ENTRIES_DIR = "entries"
CACHE_DIR = ".alignhub-cache"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Bump when the parser's output changes, so stale cache files are ignored.
_PARSE_CACHE_VERSION = 1


@dataclass(frozen=True)
class SourceFile:
    """An entry file as read from disk: where it is, what it is called, what it holds."""

    path: str  # relative to the catalog root, forward slashes
    section: str
    id: str
    document: Document


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
        self._old: dict[str, tuple[Document | None, list[Problem]]] = {}
        self._new: dict[str, tuple[Document | None, list[Problem]]] = {}
        if enabled:
            try:
                with self.path.open("rb") as fh:
                    loaded = pickle.load(fh)
                if isinstance(loaded, dict):
                    self._old = loaded
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
                self._old = {}  # a missing or corrupt cache only costs a full parse

    def parse(self, raw: bytes) -> tuple[tuple[Document | None, list[Problem]], bool]:
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


def entry_paths(root: Path) -> list[Path]:
    """Every file under entries/ except the taxonomy, in a stable order."""
    base = root / ENTRIES_DIR
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if path.parent == base and name == TAXONOMY_FILE:
                continue
            found.append(path)
    return found


def load_tree(root: Path, sections: list[str], use_cache: bool = True) -> LoadResult:
    """Read and parse every entry file; collect every problem rather than stopping at the first."""
    cache = ParseCache(root, enabled=use_cache)
    files: list[SourceFile] = []
    problems: list[Problem] = []
    parsed = 0
    for path in entry_paths(root):
        shown = path.relative_to(root).as_posix()
        placement = _placement_problem(path, root, shown, sections)
        if placement:
            problems.append(placement)
            continue
        try:
            raw = path.read_bytes()
        except OSError as err:
            problems.append(Problem(shown, message=f"cannot read the file: {err.strerror}"))
            continue
        (document, found), fresh = cache.parse(raw)
        parsed += fresh
        problems.extend(replace(p, path=shown) for p in found)
        if document is not None:
            files.append(SourceFile(shown, path.parent.name, path.stem, document))
    cache.save()
    return LoadResult(files, problems, parsed)


def _placement_problem(path: Path, root: Path, shown: str, sections: list[str]) -> Problem | None:
    """Entries live at entries/<section>/<id>.yaml; anything else is named and explained."""
    relative = path.relative_to(root / ENTRIES_DIR).parts
    if len(relative) != 2:
        return Problem(shown, message="entry files live directly in a section folder",
                       hint="move it to entries/<section>/<id>.yaml")
    section, name = relative
    if section not in sections:
        return Problem(shown, message=f"unknown section folder '{section}'", hint=did_you_mean(section, sections))
    stem, dot, ext = name.rpartition(".")
    if not dot or ext != "yaml":
        hint = "rename it to .yaml" if ext == "yml" else "entry files end in .yaml"
        return Problem(shown, message="not an entry file", hint=hint)
    if not ID_PATTERN.match(stem):
        return Problem(shown, message=f"'{stem}' is not a valid entry id",
                       hint="use lowercase letters, digits and single hyphens, e.g. safe-rlhf.yaml")
    return None
