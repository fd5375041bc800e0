"""The body of the metadata refresh pull request: ``python -m alignhub.enrich.changes --before DIR [--root .]``.

``DIR/metadata`` is the cache as it was before ``alignhub enrich`` ran (a missing folder means "no
cache yet"). `alignhub.metadata.changes` compares the two caches and writes the text; this module
loads the catalog for it and prints the result. Files only, no network. Exit status 0, or 1 when
the catalog does not load.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from alignhub import pipeline
from alignhub.metadata import changes
from alignhub.metadata.store import Store
from alignhub.problems import summarize


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignhub.enrich.changes",
                                     description="Summarize what a metadata refresh changed, as markdown.")
    parser.add_argument("--before", required=True, type=Path, metavar="DIR",
                        help="a folder holding the metadata/ folder as it was before the refresh")
    parser.add_argument("--root", default=".", type=Path, metavar="DIR", help="the catalog root (default: .)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    loaded = pipeline.load(root)
    if loaded.problems:
        print(f"alignhub: {summarize(loaded.problems)} (run `alignhub validate`)", file=sys.stderr)
        return 1
    found = changes.compare(root, args.before.resolve(), loaded.catalog)
    sys.stdout.write(changes.render(found, Store(root).refreshed()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
