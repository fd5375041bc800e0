"""Benchmark: `alignhub enrich --source arxiv` against a local fake arXiv serving every id of a synthetic catalog.

Run: python benchmarks/bench_enrich.py [--size 1000]

It builds a catalog of `--size` entries (bench_pipeline's generator), serves a recorded-format
entry for each of their arXiv ids from the test suite's fake arXiv on 127.0.0.1, and runs the real
command twice with ALIGNHUB_ARXIV_DELAY=0:
  first   an empty cache: requests sent (goal ≤ 10 for 1,000 ids) and wall time,
  second  the same command again: requests sent (goal 0) and wall time,
then `alignhub validate --strict` reading the filled cache back (no network), against the same
command before the cache existed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from alignhub import pipeline
from alignhub.cli import main
from bench_pipeline import make_catalog

REPO = Path(__file__).resolve().parent.parent


def fake_arxiv() -> Any:
    """The test suite's fake API server (tests/fixtures/api/fakeapi.py)."""
    sys.path.insert(0, str(REPO / "tests"))
    return importlib.import_module("fixtures.api.fakeapi").FakeApis()


def run(*args: str) -> tuple[int, float, str]:
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return code, time.perf_counter() - start, out.getvalue()


def bench(size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, fake_arxiv() as api:
        root = Path(tmp) / "catalog"
        make_catalog(root, size)
        catalog = pipeline.load(root).catalog
        for item in catalog.entries:
            api.add_arxiv(item.entry.links.arxiv, item.entry.title)
        os.environ.update(api.env())
        os.environ.update({"ALIGNHUB_ARXIV_DELAY": "0", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})
        ids = len({e.entry.links.arxiv for e in catalog.entries})
        print(f"{len(catalog.entries)} entries, {ids} arXiv ids; fake arXiv at {api.base}; ALIGNHUB_ARXIV_DELAY=0")

        run("validate", "--root", str(root))  # fill the parse cache, so both timings below use it
        code, baseline, _ = run("validate", "--strict", "--root", str(root))
        print(f"validate --strict with an empty metadata/: exit {code}, {baseline:.2f} s")
        for label in ("first", "second"):
            before = len(api.requests("/api/query"))
            code, seconds, out = run("enrich", "--source", "arxiv", "--root", str(root))
            sent = api.requests("/api/query")[before:]
            sizes = sorted({len(s.arg("id_list").split(",")) for s in sent})
            row = next(line for line in out.splitlines() if line.startswith("arxiv "))
            print(f"{label:6s} run: exit {code}, {len(sent):3d} requests (ids per request: {sizes or '-'}), "
                  f"{seconds:6.2f} s   | {row}")
            if code != 0:
                print(out)
        records = len(list((root / "metadata" / "arxiv").iterdir()))
        code, seconds, out = run("validate", "--strict", "--root", str(root))
        print(f"validate --strict over {records} cached records: exit {code}, {seconds:.2f} s")
        print(f"with the default 3 s pacing the first run would add {max(0, ids // 100 + (ids % 100 > 0) - 1) * 3} s "
              "of waiting between requests")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000, help="entries in the synthetic catalog (default 1000)")
    return parser.parse_args()


if __name__ == "__main__":
    bench(parse_args().size)
