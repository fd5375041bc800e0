"""The `enrich` command line; kept apart from the command so parsing imports no HTTP code."""

from __future__ import annotations

import argparse

from alignhub.settingsdoc import settings_epilog
from alignhub.sources.names import SOURCES
from alignhub.sources.settings import Settings

ENRICH_HELP = ("Fetch arXiv, OpenReview, Semantic Scholar and GitHub metadata into the metadata/ cache "
               "(the only command that asks those APIs).")

ENRICH_EPILOG = (
    "Records are written to metadata/<source>/ after every batch; an interrupted run resumes where it stopped. "
    "A run that changed a record writes the day to metadata/refreshed.json (the README's \"last refreshed\"). "
    "A host that cannot be reached (no network) ends that source's run at once; other failures are retried. "
    "Credentials: OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD (or OPENREVIEW_TOKEN), S2_API_KEY, GITHUB_TOKEN."
)


def add_enrich_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = settings_epilog(Settings, ENRICH_EPILOG)
    p.add_argument("ids", nargs="*", metavar="ID", help="entry ids, arXiv ids or OpenReview ids (default: every entry)")
    p.add_argument("--refresh", action="store_true", help="ask again for papers already in the cache")
    p.add_argument("--source", action="append", choices=SOURCES, metavar="{" + ",".join(SOURCES) + "}",
                   help="ask only this source (repeatable; default: all of them)")
