"""Benchmark: `alignhub links` on 2,000 distinct URLs served with 100 ms latency, beside markdown-link-check.

Run: python benchmarks/bench_links.py [--urls 2000] [--latency 0.1] [--concurrency 64 128] [--no-mlc]

A local aiohttp server (its own process, 127.0.0.1 only) answers every path after `--latency`
seconds. With C requests in flight the best possible rate is C / latency URLs per second (the
concurrency bound). Printed for each C:
  engine    the checker alone (in this process): URLs/s and the fraction of the bound (goal ≥ 0.8),
  command   `alignhub links FILE --no-cache …` end to end, Python start-up included;
then markdown-link-check (npm, installed into benchmarks/out/ on first run; by hand:
`npm install --prefix benchmarks/out markdown-link-check@3`) on the same markdown file, and the
speed-up of `alignhub links` over it (goal ≥ 3×). markdown-link-check checks 2 links at a time (fixed
in its code), so the same-concurrency row (alignhub at 2) shows what the difference is made of.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"


# --- the server (runs as `bench_links.py --serve PORT LATENCY`) -------------------------------


def serve(port: int, latency: float) -> None:
    from aiohttp import web

    served = 0

    async def page(request: web.Request) -> web.Response:
        nonlocal served
        if request.path == "/__served":
            return web.json_response({"served": served})
        served += 1
        await asyncio.sleep(latency)
        return web.Response(text="<html><body>a paper</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


class Server:
    """This script's `--serve` mode in a child process on a free local port (another benchmark's
    script too: `script` and `args` say which and how)."""

    def __init__(self, latency: float, script: str = __file__, args: tuple[str, ...] = ()) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, script, "--serve", str(self.port), str(latency), *args])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit("the benchmark server did not start")

    def served(self) -> int:
        import urllib.request

        with urllib.request.urlopen(f"{self.base}/__served", timeout=5) as response:
            return int(json.load(response)["served"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# --- the contenders ---------------------------------------------------------------------------


def engine(urls: list[str], concurrency: int) -> tuple[float, int]:
    """Seconds for the checker alone, and how many URLs it found working."""
    from alignhub.links.check import run_checks
    from alignhub.links.settings import LinkSettings

    settings = LinkSettings(concurrency=concurrency, per_host=concurrency, use_cache=False)
    start = time.perf_counter()
    results = run_checks(urls, settings)
    seconds = time.perf_counter() - start
    return seconds, sum(r.code == 200 for r in results.values())


def command(markdown: Path, concurrency: int) -> tuple[float, int]:
    """Seconds for `alignhub links` end to end, and how many links it reported working."""
    seconds, report = run_links(markdown, concurrency)
    return seconds, report["summary"]["ok"]


def run_links(markdown: Path, concurrency: int) -> tuple[float, Any]:
    """Seconds for `alignhub links` on `markdown` (JSON report, no cache), and the report."""
    alignhub = shutil.which("alignhub") or "alignhub"
    args = [alignhub, "links", str(markdown), "--root", str(markdown.parent), "--no-cache", "--no-progress",
            "--format", "json", "--concurrency", str(concurrency), "--per-host", str(concurrency)]
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True, check=False, timeout=1800)
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit(f"alignhub links failed:\n{run.stderr}")
    return seconds, json.loads(run.stdout)


def install_mlc() -> Path | None:
    exe = OUT / "node_modules" / ".bin" / "markdown-link-check"
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if not npm:
        print("markdown-link-check: npm is not installed; skipped")
        return None
    OUT.mkdir(parents=True, exist_ok=True)
    print("installing markdown-link-check into benchmarks/out/ …", flush=True)
    subprocess.run([npm, "install", "--prefix", str(OUT), "--no-audit", "--no-fund", "--silent",
                    "markdown-link-check@3"], check=True, timeout=600)
    return exe


def mlc(exe: Path, markdown: Path) -> tuple[float, int]:
    """Seconds for markdown-link-check, and how many links it reported alive."""
    config = markdown.parent / "mlc.json"
    config.write_text(json.dumps({"timeout": "20s", "retryOn429": True}), encoding="utf-8")
    start = time.perf_counter()
    run = subprocess.run([str(exe), "--config", str(config), str(markdown)], capture_output=True, text=True,
                         check=False, timeout=3600)
    seconds = time.perf_counter() - start
    return seconds, run.stdout.count("✓")


# --- the run ---------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), float(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--no-mlc", action="store_true", help="skip markdown-link-check")
    args = parser.parse_args()

    server = Server(args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            urls = [f"{server.base}/paper/{i:05d}" for i in range(args.urls)]
            markdown = Path(tmp) / "links.md"
            markdown.write_text("# Papers\n\n" + "".join(f"- [paper {i}]({u})\n" for i, u in enumerate(urls)),
                                encoding="utf-8")
            print(f"{args.urls} distinct URLs, {args.latency * 1000:.0f} ms per answer, server on 127.0.0.1\n")
            print(f"{'run':34} {'seconds':>8} {'URLs/s':>8} {'bound/s':>8} {'fraction':>8} {'ok':>6} {'served':>7}")

            def row(name: str, seconds: float, ok: int, bound: float | None, served: int) -> None:
                rate = args.urls / seconds
                frac = f"{rate / bound:8.2f}" if bound else f"{'':8}"
                bound_text = f"{bound:8.0f}" if bound else f"{'':8}"
                print(f"{name:34} {seconds:8.2f} {rate:8.0f} {bound_text} {frac} {ok:6d} {served:7d}", flush=True)

            best_command = None
            for c in args.concurrency:
                bound = c / args.latency
                before = server.served()
                seconds, ok = engine(urls, c)
                row(f"alignhub engine, concurrency {c}", seconds, ok, bound, server.served() - before)
                before = server.served()
                seconds, ok = command(markdown, c)
                row(f"alignhub links, concurrency {c}", seconds, ok, bound, server.served() - before)
                best_command = min(best_command or seconds, seconds)

            if not args.no_mlc and (exe := install_mlc()) is not None:
                before = server.served()
                mlc_seconds, mlc_ok = mlc(exe, markdown)
                served = server.served() - before
                row("markdown-link-check (2 at a time)", mlc_seconds, mlc_ok, 2 / args.latency, served)
                before = server.served()
                seconds, ok = command(markdown, 2)
                row("alignhub links, concurrency 2", seconds, ok, 2 / args.latency, server.served() - before)
                if best_command:
                    print(f"\nalignhub links is {mlc_seconds / best_command:.1f}× faster than markdown-link-check "
                          f"on the same {args.urls} URLs (goal ≥ 3×)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
