"""Read the entry tree: one YAML file per entry, section = folder, id = file stem."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from alignhub import fsutil
from alignhub.fsutil import digest
from alignhub.problems import Problem
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import TAXONOMY_FILE
from alignhub.yamlsafe import SourceMap, parse_document, source_map

ENTRIES_DIR = "entries"
# Spellings of authors' names that name one person (read by the site: alignhub.site.people).
AUTHORS_FILE = "authors.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The largest entry file read: real ones are 1-2 KB; this keeps a runaway file from filling memory.
MAX_ENTRY_BYTES = 256 * 1024


@dataclass(frozen=True)
class SourceFile:
    """An entry file: where it is, what it is called, the digest of its bytes, and the bytes.

    The bytes are read lazily when the digest came from remembered stat records: a warm
    run then reads only the files that changed (and those with problems to locate).
    """

    path: str  # relative to the catalog root, forward slashes
    section: str
    id: str
    digest: str  # of the file's bytes: what every result computed from the file is remembered by
    location: str = field(repr=False)  # where to read the bytes
    content: bytes | None = field(default=None, repr=False)  # the bytes, when already read

    @cached_property
    def raw(self) -> bytes:
        if self.content is not None:
            return self.content
        return fsutil.read_regular(self.location, MAX_ENTRY_BYTES)

    def parse(self) -> tuple[dict[str, Any] | None, list[Problem]]:
        """The file's data, or the problems (located in this file) that stop it from being read."""
        data, problems = parse_document(self.raw)
        return data, [replace(p, path=self.path) for p in problems]

    @cached_property
    def source_map(self) -> SourceMap:
        """Positions of keys and values, computed only when a problem needs to be located."""
        return source_map(self.raw)

    def locate(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return self.source_map.locate(path, key=key)


def entry_paths(root: Path) -> list[str]:
    """Every file under entries/ except the taxonomy and the authors' table, relative to the root with forward slashes.

    Hidden files are skipped (editor backups, .DS_Store) unless they look like entries, and a
    symlinked folder is listed with a trailing slash instead of being walked: both are reported
    rather than silently left out. Plain strings and os.walk rather than Path objects: at 10,000
    entries the path objects cost more than reading the files.
    """
    base = os.path.join(root, ENTRIES_DIR)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        relative_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        linked = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        found.extend(f"{relative_dir}/{d}/" for d in sorted(linked))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in linked)
        for name in sorted(filenames):
            if dirpath == base and name in (TAXONOMY_FILE, AUTHORS_FILE):
                continue
            if name.startswith(".") and not name.endswith((".yaml", ".yml")):
                continue
            found.append(f"{relative_dir}/{name}")
    return found


class Memo(Protocol):
    """What a reader keeps between runs, by key (the build cache's records, for one): it may forget."""

    def recall(self, key: str) -> Any | None: ...

    def remember(self, key: str, value: Any) -> None: ...


class Forgetful:
    """A memo that keeps nothing: every file is read."""

    def recall(self, key: str) -> Any | None:
        return None

    def remember(self, key: str, value: Any) -> None:
        pass


# A stat record is only trusted for a file last changed this long before it was recorded: a file
# written again within the file system's timestamp granularity could otherwise keep a stale digest.
_SETTLED_NS = 2_000_000_000


def read_tree(root: Path, sections: list[str], stats: Memo | None = None) -> tuple[list[SourceFile], list[Problem]]:
    """Every entry file with its content digest; misplaced or unreadable files are problems.

    Like git's index, `stats` remembers each settled file's size, mtime, ctime and inode with
    its digest, so a file whose stat is unchanged is not read again. The ctime is what an in-place
    edit cannot hide: `cp -p` or `touch -r` restore the mtime, but any write sets the ctime to now
    and nothing but the clock can set it back. Everything downstream is keyed by the content digest.
    """
    stats = stats or Forgetful()
    files: list[SourceFile] = []
    problems: list[Problem] = []
    known_sections = frozenset(sections)
    now = time.time_ns()
    for shown in entry_paths(root):
        parts = shown.split("/")
        placement = _placement_problem(shown, parts, sections, known_sections)
        if placement:
            problems.append(placement)
            continue
        location = os.path.join(root, shown)
        try:
            st = os.stat(location)
            fsutil.check_regular(st, MAX_ENTRY_BYTES)
            stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            known = stats.recall(shown)
            if known is not None and known[0] == stamp:
                files.append(SourceFile(shown, parts[1], parts[2][: -len(".yaml")], known[1], location))
                continue
            raw = fsutil.read_regular(location, MAX_ENTRY_BYTES)
        except OSError as err:
            problems.append(Problem(shown, message=f"cannot read the file: {err.strerror or err}",
                                    rule=fsutil.unreadable_rule(err)))
            continue
        file = SourceFile(shown, parts[1], parts[2][: -len(".yaml")], digest(raw), location, raw)
        # The ctime is never older than the mtime, so it alone says whether the file has settled.
        if now - max(st.st_mtime_ns, st.st_ctime_ns) > _SETTLED_NS:
            stats.remember(shown, (stamp, file.digest))
        files.append(file)
    return files, problems


def _placement_problem(
    shown: str, parts: list[str], sections: list[str], known_sections: frozenset[str]
) -> Problem | None:
    """Entries live at entries/<section>/<id>.yaml; anything else is named and explained."""
    if shown.endswith("/"):
        return Problem(shown, message="a symlinked folder is not read",
                       hint="move the files into a real folder under entries/", rule="symlinked-folder")
    if parts[-1].startswith("."):
        return Problem(shown, message="a hidden file is not read",
                       hint="remove the leading dot to make it an entry, or delete it", rule="hidden-file")
    if len(parts) != 3:
        return Problem(shown, message="entry files live directly in a section folder",
                       hint="move it to entries/<section>/<id>.yaml", rule="misplaced-file")
    _, section, name = parts
    if section not in known_sections:
        return Problem(shown, message=f"unknown section folder '{section}'", hint=did_you_mean(section, sections),
                       rule="unknown-section")
    stem, dot, ext = name.rpartition(".")
    if not dot or ext != "yaml":
        hint = "rename it to .yaml" if ext == "yml" else "entry files end in .yaml"
        return Problem(shown, message="not an entry file", hint=hint, rule="not-an-entry-file")
    if not ID_PATTERN.match(stem):
        return Problem(shown, message=f"'{stem}' is not a valid entry id",
                       hint="use lowercase letters, digits and single hyphens, e.g. safe-rlhf.yaml",
                       rule="invalid-entry-id")
    return None
