"""A content-addressed cache of parse and validation results, kept under ``.alignhub-cache/``.

Records are keyed by what they were computed from (a file's content digest, and its section for a
validated entry), so a stale record can never be served: an edited file simply has a new key. The
one exception, a file's stat record (size, mtime, inode → digest), is checked against the file.
Everything is dropped when the fingerprint changes: another taxonomy, or another alignhub. The
latter is read off the installed package itself (every file of it), so no list of the modules that
shape a record has to be kept up to date, and an edited checkout invalidates the cache like an upgrade.

Storage is two pickles: a base and a small delta. A run that changes one entry appends to the
delta instead of rewriting the base, which at 10,000 entries would cost more than the edit saves;
the base is rewritten (and unused records dropped) once the delta grows past a tenth of it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pydantic

from alignhub import fsutil

CACHE_DIR = ".alignhub-cache"
_FORMAT = 5  # bump when the layout of the stored records changes
_Key = tuple[str, str]
# The installed alignhub: its code, and in a wheel its shipped templates and taxonomy.
PACKAGE_DIR = Path(__file__).resolve().parent


def fingerprint(*parts: bytes) -> str:
    """A digest of everything the cached results depend on besides the entry files themselves."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def tree_digest(*folders: Path) -> str:
    """A digest of the name and bytes of every file under `folders` (compiled bytecode left out).

    Cheap enough to run on every command: the package is some 60 small files (a few milliseconds)."""
    parts: list[bytes] = []
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if not os.path.isfile(path):  # a broken link, a socket: nothing a lookup could read
                    continue
                parts.append(os.path.relpath(path, folder).encode())
                with open(path, "rb") as fh:
                    parts.append(fh.read())
    return fingerprint(*parts)


def code_fingerprint() -> str:
    """What every record depends on besides its own inputs: this alignhub and the libraries that check."""
    return fingerprint(str(_FORMAT).encode(), sys.version.encode(), pydantic.VERSION.encode(),
                       tree_digest(PACKAGE_DIR).encode())


class BuildCache:
    """Records computed by this alignhub from the entry files and `depends_on` (e.g. the taxonomy)."""

    def __init__(self, root: Path, *depends_on: bytes, enabled: bool = True) -> None:
        self.enabled = enabled
        self.fingerprint = fingerprint(code_fingerprint().encode(), *depends_on) if enabled else ""
        self.folder = folder = root / CACHE_DIR
        self._base_path = folder / f"build-v{_FORMAT}.pickle"
        self._delta_path = folder / f"build-v{_FORMAT}.delta.pickle"
        self._base: dict[_Key, Any] = {}
        self._delta: dict[_Key, Any] = {}
        self._used: set[_Key] = set()
        self._new: dict[_Key, Any] = {}
        if enabled:
            self._base = self._read(self._base_path)
            self._delta = self._read(self._delta_path) if self._base else {}

    def _read(self, path: Path) -> dict[_Key, Any]:
        try:
            with path.open("rb") as fh:
                stored = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            return {}  # missing or unreadable: it only costs a full rebuild
        if not isinstance(stored, dict) or stored.get("fingerprint") != self.fingerprint:
            return {}
        records = stored.get("records")
        return records if isinstance(records, dict) else {}

    def get(self, namespace: str, key: str) -> Any | None:
        """The stored record, or None."""
        if not self.enabled:
            return None
        k = (namespace, key)
        found = self._new.get(k)
        if found is None:
            found = self._delta.get(k)
        if found is None:
            found = self._base.get(k)
        if found is not None:
            self._used.add(k)
        return found

    def put(self, namespace: str, key: str, value: Any) -> None:
        """Store a record; most keys are content digests, but a file's stat record changes value."""
        k = (namespace, key)
        self._used.add(k)
        if self._new.get(k, self._delta.get(k, self._base.get(k))) != value:
            self._new[k] = value

    def records(self, namespace: str) -> Records:
        """This cache's records of one namespace, as the readers that keep their own memo want them."""
        return Records(self, namespace)

    def save(self) -> None:
        """Persist what this run computed; errors are ignored (a read-only checkout still works)."""
        if not self.enabled or not self._new:
            return
        try:
            if self._base and len(self._delta) + len(self._new) <= max(256, len(self._base) // 10):
                self._delta = {**self._delta, **self._new}
                self._write(self._delta_path, self._delta)
                self._new = {}
                return
            merged = {**self._base, **self._delta, **self._new}
            self._base = {k: merged[k] for k in self._used if k in merged}
            self._write(self._base_path, self._base)
            self._delta_path.unlink(missing_ok=True)
            self._delta, self._new = {}, {}
            gitignore = self._base_path.parent / ".gitignore"
            if not gitignore.exists():
                fsutil.atomic_write_text(gitignore, "*\n")
        except OSError:
            pass

    def _write(self, path: Path, records: dict[_Key, Any]) -> None:
        payload = {"fingerprint": self.fingerprint, "records": records}
        fsutil.atomic_write_bytes(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


class Records:
    """One namespace of a BuildCache, seen as a plain memo: what `loader.read_tree` remembers of each
    file's stat, what the pipeline remembers of each checked entry."""

    def __init__(self, cache: BuildCache, namespace: str) -> None:
        self._cache, self._namespace = cache, namespace

    def recall(self, key: str) -> Any | None:
        return self._cache.get(self._namespace, key)

    def remember(self, key: str, value: Any) -> None:
        self._cache.put(self._namespace, key, value)
