"""What the fetching commands (`enrich`, `add`) show while they wait on a source: a progress bar on a
terminal, and notices written above it."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


def progress_bar(source: str, total: int, file: TextIO | None = None) -> tqdm:
    """A bar on a terminal; nothing at all in logs and pipes (tqdm's disable=None asks isatty())."""
    return tqdm(total=total, desc=source, unit="id", file=file or sys.stderr, disable=None, leave=False,
                dynamic_ncols=True)


def notice(message: str) -> None:
    """One line on stderr that leaves a bar being drawn intact."""
    tqdm.write(message, file=sys.stderr)
