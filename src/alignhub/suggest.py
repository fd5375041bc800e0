"""'Did you mean …' hints for values that are close to a known one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the nearest known value, or listing a few when nothing is near."""
    options = sorted(set(choices))
    lowered = {c.lower(): c for c in options}
    if value.lower() in lowered:
        return f"did you mean '{lowered[value.lower()]}'?"
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if len(options) <= 8:
        return "expected one of: " + ", ".join(options)
    return f"expected one of {len(options)} known values, e.g. " + ", ".join(options[:5])
