"""Benchmark: `mkdocs build` of the site (English + Chinese) for synthetic catalogs, against a plain
MkDocs Material build of the same pages, and the size of each language's search index.

Run: python benchmarks/bench_site.py [--sizes 1000 5000 10000] [--no-plain]

For each size: writes that many synthetic entries (the generator of bench_pipeline.py), the
repository's mkdocs.yml and docs/, and builds the site in-process with the alignhub plugin,
Material's search (with jieba) and the tags plugin, exactly as `mkdocs build` does. Then it writes
the very pages the plugin generated (their HTML slots filled in) as ordinary markdown files and
builds them with Material alone (same theme, search and tags settings; entry pages kept out of the
nav as the plugin keeps them) — the cost of the pages themselves, without alignhub.
Goals (issue 9): 1,000 entries in ≤ 15 s; 10,000 in ≤ 12× the 1,000 time; search index ≤ 2 MB
per language at 1,000 entries. Besides all pages, it counts the entry pages and the author, venue and
year pages (issue 22), both languages; `--no-plain` skips the plain Material build (half the time).
The generator gives every entry authors of its own (1 to 9, ~5 on average), so there are about five
author pages per entry: the real catalog has ~5.5 authors per entry, most named once.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config

from alignhub.pipeline import load
from alignhub.resources import templates_dir
from alignhub.site.pages import SiteOptions, render_site

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import REPO, make_catalog


def timed_build(config_file: Path, site: Path) -> float:
    config = load_config(str(config_file), site_dir=str(site), strict=True)
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def plain_material_project(root: Path, plain: Path) -> Path:
    """The generated pages as files of an ordinary Material project (no alignhub plugin)."""
    site = render_site(load(root).catalog, templates_dir(root), options=SiteOptions())
    docs = plain / "docs"
    shutil.copytree(root / "docs", docs)
    # The author, venue and year pages as pages of their own (the plugin writes them from a frame).
    listed = {src: f"---\ntitle: {json.dumps(html.escape(page.title))}\nsearch:\n  exclude: true\n---\n{page.html}"
              for src, page in site.listings.items()}
    for src_uri, markdown in {**site.pages, **site.files, **listed}.items():
        if src_uri in site.frame_pages:
            continue
        path = docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(site.fill_slots(markdown) if src_uri in site.pages else markdown, encoding="utf-8")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", "")) or {}
    config["site_url"] = "https://example.org/"
    config["plugins"] = [p for p in config["plugins"] if p != "alignhub"]
    config["theme"]["custom_dir"] = str(templates_dir(root) / "site" / "theme")
    config["nav"] = site.nav["en"] + config.get("nav", [])
    config["not_in_nav"] = "/papers/\n/authors/\n/venues/\n/years/\n/zh/\n"
    config["docs_dir"] = str(docs)
    config_file = plain / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return config_file


def measure(size: int, tmp: Path, with_plain: bool = True) -> dict[str, Any]:
    root = tmp / f"catalog-{size}"
    make_catalog(root, size)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    site = tmp / f"site-{size}"
    alignhub = timed_build(root / "mkdocs.yml", site)
    sizes = {lang: (site / prefix / "search" / "search_index.json").stat().st_size / 1e6
             for lang, prefix in (("en", ""), ("zh", "zh"))}
    pages = sum(1 for _ in site.rglob("index.html"))
    kinds = {kind: sum(1 for prefix in ("", "zh/") for _ in (site / prefix / kind).glob("*/index.html"))
             for kind in ("papers", "authors", "venues", "years")}
    shutil.rmtree(site)
    plain = None
    if with_plain:
        plain = timed_build(plain_material_project(root, tmp / f"plain-{size}"), tmp / f"plain-site-{size}")
        shutil.rmtree(tmp / f"plain-site-{size}")
    return {"pages": pages, **kinds, "alignhub": alignhub, "plain": plain, "en": sizes["en"], "zh": sizes["zh"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Material build")
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    print("entries   pages  (entry / author / venue / year)  alignhub build  plain Material  ratio  "
          "search index en / zh")
    first: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            m = measure(size, Path(tmp), with_plain=not args.no_plain)
            first = first or m
            plain = f"{m['plain']:>13.1f} s {m['alignhub'] / m['plain']:>6.2f}" if m["plain"] else f"{'-':>15} {'-':>6}"
            print(f"{size:>7,} {m['pages']:>7,}  ({m['papers']:,} / {m['authors']:,} / {m['venues']:,} / "
                  f"{m['years']:,}) {m['alignhub']:>13.1f} s {plain}  {m['en']:.2f} MB / {m['zh']:.2f} MB"
                  f"   ({m['alignhub'] / first['alignhub']:.1f}× the first size's time, "
                  f"{m['pages'] / first['pages']:.1f}× its pages)")


if __name__ == "__main__":
    main()
