"""Benchmark: `mkdocs build` of the site (English + Chinese) for a synthetic catalog, and index sizes.

Run: python benchmarks/bench_site.py [--size 1000] [--repeat 2]

Writes `--size` synthetic entries (the same generator as bench_pipeline.py), the repository's
mkdocs.yml and docs/, then builds the site in-process with the alignhub plugin, Material's search
(with jieba) and the tags plugin, exactly as `mkdocs build` does. Prints each build's wall time
(the first includes loading jieba's dictionary), the time of the alignhub plugin's own rendering,
and the sizes of Material's search index and of the filter index of the "All entries" page.
Goals: build ≤ 15 s, search index ≤ 2 MB for 1,000 entries.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config

from alignhub.pipeline import load
from alignhub.resources import templates_dir
from alignhub.site.pages import render_site

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import REPO, make_catalog


def build_once(root: Path, site: Path) -> float:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True)
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def render_once(root: Path) -> float:
    start = time.perf_counter()
    render_site(load(root).catalog, templates_dir(root))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        make_catalog(root, args.size)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(REPO / "docs", root / "docs")
        site = Path(tmp) / "site"
        builds = [build_once(root, site) for _ in range(args.repeat)]
        render = min(render_once(root) for _ in range(args.repeat))
        pages = sum(1 for _ in site.rglob("index.html"))
        search = (site / "search" / "search_index.json").stat().st_size
        index = (site / "assets" / "alignhub" / "index.json").stat().st_size
        print(f"entries: {args.size}, pages built: {pages}")
        for n, seconds in enumerate(builds, 1):
            print(f"mkdocs build #{n}: {seconds:.2f} s" + (" (includes loading jieba)" if n == 1 else ""))
        print(f"alignhub pages and downloads rendered in: {render:.2f} s (best of {args.repeat})")
        print(f"search index (search/search_index.json): {search / 1e6:.2f} MB")
        print(f"filter index (assets/alignhub/index.json): {index / 1e6:.2f} MB")
        print("downloads: " + ", ".join(
            f"{name} {(site / name).stat().st_size / 1e6:.2f} MB"
            for name in ("alignhub.bib", "alignhub.json", "alignhub.csv", "feed.xml")))


if __name__ == "__main__":
    main()
