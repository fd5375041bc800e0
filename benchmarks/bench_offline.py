"""Benchmark: how long `alignhub add` and `alignhub enrich` take to give up when the network is down.

Run: python benchmarks/bench_offline.py

Each command runs as a subprocess on a copy of the test catalog with the default retry settings
(3 retries, 10 s backoff), its API base URL pointing at (a) a port on 127.0.0.1 nobody listens on
(connection refused) and (b) a host name that does not resolve (``.invalid``, RFC 6761). The goal is
≤ 5 s each, with a one-line reason; it prints the wall time, the exit status and the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def catalog(folder: Path) -> Path:
    root = folder / "cat"
    shutil.copytree(REPO / "tests" / "fixtures" / "catalog", root)
    shutil.copy(REPO / "entries" / "taxonomy.yaml", root / "entries" / "taxonomy.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = catalog(Path(tmp))
        bases = {"refused": f"http://127.0.0.1:{free_port()}", "no DNS": "http://api.alignhub-bench.invalid"}
        commands = {
            "add": ["add", "2310.12773", "--section", "methods", "--topic", "multi-objective-value-alignment"],
            "enrich": ["enrich"],
        }
        for kind, base in bases.items():
            env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIGNHUB_", "OPENREVIEW_"))}
            env.update({"ALIGNHUB_ARXIV_API": f"{base}/api/query", "ALIGNHUB_S2_API": f"{base}/s2",
                        "ALIGNHUB_GITHUB_API": f"{base}/github", "ALIGNHUB_ARXIV_DELAY": "0"})
            for name, args in commands.items():
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "alignhub", *args, "--root", str(root)], env=env,
                                      capture_output=True, text=True, check=False)
                seconds = time.perf_counter() - started
                reason = next((line for line in done.stderr.splitlines() if "cannot reach" in line), "?")
                print(f"{name:6} {kind:8} exit {done.returncode}  {seconds:5.2f} s  {reason}")


if __name__ == "__main__":
    main()
