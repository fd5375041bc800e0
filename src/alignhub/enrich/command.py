"""Running `enrich`: printing and exit codes; `cli.py` only wires it in."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from alignhub import pipeline
from alignhub.enrich.report import summary_lines
from alignhub.enrich.run import Enrichment, UnknownEntry, enrich, select
from alignhub.errors import UsageError
from alignhub.problems import summarize
from alignhub.progress import notice, progress_bar
from alignhub.sources.names import SOURCES
from alignhub.sources.settings import Settings


@dataclass(frozen=True)
class EnrichOptions:
    """What `alignhub enrich` is asked: which entries (all when empty), which sources, whether to ask again."""

    ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = SOURCES
    refresh: bool = False

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> EnrichOptions:
        return cls(tuple(args.ids), tuple(dict.fromkeys(args.source or SOURCES)), args.refresh)


def run_enrich(options: EnrichOptions, settings: Settings, root: Path) -> int:
    loaded = pipeline.load(root)
    if loaded.problems:
        notice(f"note: {summarize(loaded.problems)}; entries that do not validate are left out "
               "(run `alignhub validate`)")
    try:
        entries = select(loaded.catalog, list(options.ids))
    except UnknownEntry as err:
        raise UsageError(str(err)) from None
    result = Enrichment()
    try:
        enrich(root, entries, options.sources, settings, refresh=options.refresh, progress=progress_bar, notice=notice,
               result=result)
    except KeyboardInterrupt:
        print("\n".join(summary_lines(result)))
        print("interrupted: every finished batch is saved in metadata/; run the same command again to resume",
              file=sys.stderr)
        return 130
    print("\n".join(summary_lines(result)))
    if result.failed:
        print(f"{result.failed} failed: run `alignhub enrich` again later to retry them", file=sys.stderr)
        return 1
    return 0
