"""The `alignhub links` door: its options, its progress bar, where the report goes, its exit code.

Importing this module stays cheap (every `alignhub` run builds the parser); aiohttp, tqdm and
markdown-it are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.config import option_name, read_settings
from alignhub.links.settings import LinkSettings
from alignhub.settingsdoc import settings_doc, settings_epilog

HELP = "Check every URL of the entries and generated READMEs (or of given markdown files); exit 1 if one is broken."
FORMATS = ("table", "markdown", "json")
# How each setting's option shows its value in --help.
_METAVARS = {"concurrency": "N", "per_host": "N", "timeout": "SECONDS", "retries": "N", "deadline": "AGE",
             "interval": "SECONDS", "accept": "CODES", "cache_ttl": "AGE"}


@dataclass(frozen=True)
class LinksOptions:
    """What `alignhub links` is asked besides its settings: which links, and where the report goes."""

    files: tuple[Path, ...] = ()  # markdown files to check instead of the catalog's entries and READMEs
    format: str = "table"
    output: Path | None = None
    entries_only: bool = False
    progress: bool = True  # a progress bar on a terminal


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = settings_epilog(LinkSettings)
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="markdown files whose links to check instead of the catalog's")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="report as a terminal table (default), markdown for an issue, or JSON")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE instead of printing it")
    # The options that set a setting are written from the settings model: its description and default.
    for doc in settings_doc(LinkSettings):
        if doc.option == "--no-cache":
            p.add_argument(doc.option, action="store_true",
                           help="check every URL, neither reading nor writing the cache")
        elif doc.option in ("--include", "--exclude"):
            p.add_argument(doc.option, action="append", default=[], metavar="REGEX", help=doc.description)
        elif doc.option is not None:
            p.add_argument(doc.option, metavar=_METAVARS[doc.key], help=f"{doc.description} (default: {doc.default})")
    p.add_argument("--entries-only", action="store_true", help="skip the links that only the generated READMEs hold")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal)")


def from_arguments(args: argparse.Namespace, root: Path) -> tuple[LinksOptions, LinkSettings]:
    """The command line's options and settings (over the environment and pyproject.toml): ConfigError when wrong."""
    cli = {name: getattr(args, name) or None for name in LinkSettings.model_fields
           if option_name(LinkSettings, name) and name != "use_cache"}  # each --name-with-dashes
    cli["use_cache"] = False if args.no_cache else None
    options = LinksOptions(tuple(args.files), args.format, args.output, args.entries_only, not args.no_progress)
    return options, read_settings(LinkSettings, root, cli=cli)


def run(options: LinksOptions, settings: LinkSettings, root: Path) -> int:
    """Check, report; 0 when nothing is broken, 1 otherwise. ConfigError and OSError reach the caller."""
    from tqdm import tqdm

    from alignhub.links.observation import Observation
    from alignhub.links.report import render_report
    from alignhub.links.runner import check_links, gather_catalog, gather_files

    if options.files:
        gathered = gather_files(options.files, root)
    else:
        gathered = gather_catalog(root, with_outputs=not options.entries_only)
        if gathered.skipped_entries:
            print(f"alignhub: {gathered.skipped_entries} entry files have problems and were skipped "
                  "(run `alignhub validate`)", file=sys.stderr)

    bar: Any = None

    def started(total: int) -> None:
        nonlocal bar
        bar = tqdm(total=total, unit="link", file=sys.stderr, leave=False, dynamic_ncols=True,
                   disable=None if options.progress else True)  # None: shown only on a terminal

    def done(_: Observation) -> None:
        if bar is not None:
            bar.update()

    try:
        report = check_links(gathered.occurrences, settings, root, started, done)
    finally:
        if bar is not None:
            bar.close()
    text = render_report(report, options.format, root)
    if options.output:
        fsutil.atomic_write_text(options.output, text)
        print(f"wrote {options.output}: {len(report.broken)} broken, {len(report.redirected)} moved permanently, "
              f"{len(report.unchecked)} unchecked", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if report.broken else 0
