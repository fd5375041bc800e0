"""Running `add` and `import`: printing and exit codes; `cli.py` only wires them in."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from alignhub import pipeline
from alignhub.intake.add import AddError, AddRequest, add
from alignhub.intake.importer import ImportRequest, import_papers
from alignhub.intake.listparse import InputError
from alignhub.progress import progress_bar
from alignhub.sources.settings import load_settings


@dataclass(frozen=True)
class ImportOptions:
    """What `alignhub import` is asked: the file and where its papers go, and how to report the result."""

    request: ImportRequest
    report: str = "text"  # or "json": {imported, duplicates, unparsed}

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> ImportOptions:
        return cls(ImportRequest(args.path, args.format, args.section, args.topic, args.mapping, args.dry_run),
                   args.report)


def run_import(options: ImportOptions, root: Path) -> int:
    loaded = pipeline.load(root)
    dry_run = options.request.dry_run
    try:
        result = import_papers(root, loaded.catalog, options.request)
    except InputError as err:
        print(f"alignhub import: {err}", file=sys.stderr)
        return 1
    if options.report == "json":
        print(json.dumps(result.report(), indent=2, ensure_ascii=False))
        return 0
    verb = "would write" if dry_run else "wrote"
    for item in result.imported:
        print(f"{verb} {item['file']} (line {item['line']})")
    for item in result.duplicates:
        print(f"line {item['line']}: already in the catalog: {item['file']} ({item['title']})")
    for line in result.unparsed:
        print(f"line {line.line}: not imported, {line.reason}: {line.text[:100]}")
    print(f"{len(result.imported)} imported, {len(result.duplicates)} already in the catalog, "
          f"{len(result.unparsed)} lines not parsed" + (" (dry run: nothing written)" if dry_run else ""))
    if result.imported and not dry_run:
        print("next: the new entries are drafts: write summary.en and summary.zh, check type, topic and tags, "
              "then run `alignhub validate`")
    return 0


def run_add(request: AddRequest, root: Path) -> int:
    settings = load_settings(root)
    loaded = pipeline.load(root)
    bar = progress_bar(f"add {request.paper}", 1)
    try:
        added = add(root, loaded.catalog, request, settings, os.environ)
    except AddError as err:
        bar.close()
        print(f"alignhub add: {err}", file=sys.stderr)
        return 1
    finally:
        bar.close()
    print(f"wrote {added.shown}")
    todo = "write summary.en and summary.zh (one sentence each, in your own words)"
    if added.type_guessed:
        todo += ", check the type (guessed from the section) and the tags"
    print(f"next: {todo}, then run `alignhub validate`")
    return 0
