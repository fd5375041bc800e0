"""File access with the catalog's guarantees.

Writes are atomic (a reader sees the old file or the new one, never half of either) and get the
mode an ordinary write would (0666 less the umask), not mkstemp's 0600. Reads of catalog files take
only regular files, up to a size cap: a FIFO or a link to /dev/zero under entries/ must not hang a
run or fill the memory.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import time
from pathlib import Path

TMP_SUFFIX = ".tmp"


def digest(data: bytes) -> str:
    """The digest that names content everywhere (an entry file's bytes, a rendered block's inputs)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# A temporary file this old was left by a killed run (a live write takes milliseconds): removed.
_STALE_TMP_SECONDS = 600.0


def _read_umask() -> int:
    """The process umask, read without changing it where Linux shows it (threads may be running)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of `path` left behind by killed runs (only old ones: another run may be writing)."""
    cutoff = time.time() - _STALE_TMP_SECONDS
    try:
        candidates = list(path.parent.glob(f".{path.name}.*{TMP_SUFFIX}"))
    except OSError:
        return
    for candidate in candidates:
        try:
            if candidate.lstat().st_mtime < cutoff:
                candidate.unlink()
        except OSError:
            pass


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_read_umask())
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class NotAFileError(OSError):
    """A catalog path that is not a regular file, or too big to be one of ours; `strerror` says which,
    `rule` names the check it breaks (`alignhub.rules`)."""

    rule = "not-a-regular-file"


class FileTooLargeError(NotAFileError):
    rule = "file-too-large"


def unreadable_rule(err: OSError) -> str:
    """The rule a file that cannot be read breaks: not a regular file, too large, or unreadable."""
    return getattr(err, "rule", "unreadable-file")


def check_regular(st: os.stat_result, limit: int) -> None:
    """Raise NotAFileError unless `st` is a regular file of at most `limit` bytes."""
    if not stat.S_ISREG(st.st_mode):
        mode = st.st_mode
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "a special file")
        raise NotAFileError(0, f"not a regular file ({kind}); only regular files are read")
    if st.st_size > limit:
        raise FileTooLargeError(0, f"the file is too big ({st.st_size:,} bytes; at most {limit:,})")


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotAFileError (an OSError) otherwise.

    Opened without blocking (a FIFO would wait for a writer) and checked on the open descriptor, so
    a file swapped between a check and the read is still refused; reads at most `limit` + 1 bytes.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        check_regular(os.fstat(fd), limit)
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileTooLargeError(0, f"the file is too big (more than {limit:,} bytes)")
    return data
