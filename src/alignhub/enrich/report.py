"""The text `alignhub enrich` prints at the end: a table per source, then every id that needs a look."""

from __future__ import annotations

from alignhub.enrich.run import Enrichment
from alignhub.sources.names import SOURCES

COLUMNS = ("fetched", "unchanged", "not found", "failed", "skipped", "requests")


def summary_lines(result: Enrichment) -> list[str]:
    """A fixed-width table (one row per source asked) followed by one line per id not fetched."""
    width = max(len(s) for s in ("source", *SOURCES))  # the same layout whichever sources ran
    lines = ["  ".join(["source".ljust(width), *COLUMNS])]
    for source, tally in result.tallies.items():
        figures = (tally.fetched, tally.unchanged, tally.not_found, tally.failed, tally.skipped, tally.requests)
        lines.append("  ".join([source.ljust(width), *(str(n).rjust(len(c)) for n, c in zip(figures, COLUMNS,
                                                                                              strict=True))]))
    for source, tally in result.tallies.items():
        job = result.jobs.get(source)
        for key, kind, why in tally.reports:
            used_by = ", ".join(job.entries.get(key, [])) if job else ""
            lines.append(f"{source} {key}{f' ({used_by})' if used_by else ''}: {kind}: {why}")
        if tally.not_asked:
            ids = "1 id" if len(tally.not_asked) == 1 else f"{len(tally.not_asked)} ids"
            lines.append(f"{source}: {ids} not asked: {tally.gave_up}")
    return lines
