"""Pausing the cyclic garbage collector for a whole run (a module of its own: the command line needs it
before it knows which command runs, and must not import the catalog's machinery to get it)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the catalog is built.

    Loading allocates tens of thousands of long-lived objects and no reference cycles; the
    collector would otherwise rescan all of them again and again (measured: a third of the time
    of validating 10,000 entries). Reference counting still frees everything as usual. Nested uses
    only re-enable what the outermost found enabled, so a command pauses it once for its whole run
    and no full collection runs between the steps.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
