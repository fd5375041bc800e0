"""The one exception for a command asked to do what cannot work as asked.

A section, topic, type, tag or id the taxonomy does not know, a missing file, options that do not go
together: any module raises `UsageError` with a message saying what to do instead, and the command
line prints it on one line and exits 2 (a problem in the catalog exits 1; see alignhub.cli).
"""

from __future__ import annotations


class UsageError(Exception):
    """The command line names something that cannot work (exit 2)."""
