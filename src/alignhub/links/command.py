"""The `alignhub links` door: its options, its progress bar, where the report goes, its exit code.

Importing this module stays cheap (every `alignhub` run builds the parser); aiohttp, tqdm and
markdown-it are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.config import load_config
from alignhub.links.settings import (
    FORMATS,
    Overrides,
    compile_patterns,
    parse_duration,
    parse_status_codes,
    settings_from_config,
)

HELP = "Check every URL of the entries and generated READMEs (or of given markdown files); exit 1 if one is broken."


def _argtype(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from one of the settings parsers: a bad value is a usage error (exit 2)."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    convert.__name__ = parse.__name__.removeprefix("parse_").replace("_", " ")
    return convert


def _whole(minimum: int) -> Callable[[str], int]:
    def parse_number(text: str) -> int:
        if not text.isdigit() or int(text) < minimum:
            raise ValueError(f"'{text}' is not a whole number of at least {minimum}")
        return int(text)

    return _argtype(parse_number)


def parse_pattern(text: str) -> Any:
    return compile_patterns([text])[0]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="markdown files whose links to check instead of the catalog's")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="report as a terminal table (default), markdown for an issue, or JSON")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE instead of printing it")
    p.add_argument("--include", action="append", default=[], type=_argtype(parse_pattern), metavar="REGEX",
                   help="check only URLs matching REGEX (repeatable; adds to [tool.alignhub.links] include)")
    p.add_argument("--exclude", action="append", default=[], type=_argtype(parse_pattern), metavar="REGEX",
                   help="skip URLs matching REGEX (repeatable; adds to [tool.alignhub.links] exclude)")
    p.add_argument("--accept", type=_argtype(parse_status_codes), metavar="CODES",
                   help="status codes that count as working, e.g. 200-299,403 (default: 200-299)")
    p.add_argument("--concurrency", type=_whole(1), metavar="N", help="requests in flight at once (default: 64)")
    p.add_argument("--per-host", type=_whole(1), metavar="N", help="requests in flight to one host (default: 4)")
    p.add_argument("--timeout", type=_argtype(parse_duration), metavar="SECONDS",
                   help="time allowed for one request (default: 20)")
    p.add_argument("--retries", type=_whole(0), metavar="N",
                   help="extra tries after a timeout, 429 or 5xx (default: 2)")
    p.add_argument("--deadline", type=_argtype(parse_duration), metavar="AGE",
                   help="time for the whole run, e.g. 5m; links left then are reported unchecked (default: 10m)")
    p.add_argument("--interval", type=_argtype(parse_duration), metavar="SECONDS",
                   help="least time between two requests to one host (default: 0; see [tool.alignhub.links.hosts])")
    p.add_argument("--cache-ttl", type=_argtype(parse_duration), metavar="AGE",
                   help="how long a result stays fresh in .alignhub-cache/links.json, e.g. 12h or 7d (default: 1d)")
    p.add_argument("--no-cache", action="store_true", help="check every URL, neither reading nor writing the cache")
    p.add_argument("--entries-only", action="store_true", help="skip the links that only the generated READMEs hold")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal)")


def run(args: argparse.Namespace, root: Path) -> int:
    """Check, report; 0 when nothing is broken, 1 otherwise. ConfigError and OSError reach the caller."""
    from tqdm import tqdm

    from alignhub.links.observation import Observation
    from alignhub.links.report import render_report
    from alignhub.links.runner import check_links, gather_catalog, gather_files

    overrides = Overrides(
        values={
            "accept": args.accept,
            "concurrency": args.concurrency,
            "per_host": args.per_host,
            "timeout": args.timeout,
            "retries": args.retries,
            "cache_ttl": args.cache_ttl,
            "deadline": args.deadline,
            "interval": args.interval,
            "use_cache": False if args.no_cache else None,
        },
        include=tuple(args.include),
        exclude=tuple(args.exclude),
    )
    settings = overrides.apply(settings_from_config(load_config(root, "links")))

    if args.files:
        gathered = gather_files(args.files, root)
    else:
        gathered = gather_catalog(root, with_outputs=not args.entries_only)
        if gathered.skipped_entries:
            print(f"alignhub: {gathered.skipped_entries} entry files have problems and were skipped "
                  "(run `alignhub validate`)", file=sys.stderr)

    # A progress bar (on a terminal only) whose total grows as the files are parsed and URLs queued.
    bar = tqdm(total=0, unit="link", file=sys.stderr, leave=False, dynamic_ncols=True,
               disable=True if args.no_progress else None)

    queued_count = 0

    def queued() -> None:
        nonlocal queued_count
        queued_count += 1
        bar.total = queued_count  # shown with the next update

    def done(_: Observation) -> None:
        bar.update()

    try:
        report = check_links(gathered.occurrences, settings, root, queued, done)
    finally:
        bar.close()
    text = render_report(report, args.format, root)
    if args.output:
        fsutil.atomic_write_text(args.output, text)
        print(f"wrote {args.output}: {len(report.broken)} broken, {len(report.redirected)} moved permanently, "
              f"{len(report.unchecked)} unchecked", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if report.broken else 0
