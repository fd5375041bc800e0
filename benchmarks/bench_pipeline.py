"""Benchmark: validate + build on synthetic catalogs, against the raw libyaml parse of the same files.

Run: python benchmarks/bench_pipeline.py [--sizes 10000 50000] [--repeat 3] [--in-process]

For each size it prints the best wall time (and peak memory) of `--repeat` rounds of
  raw     a Python process reading + yaml.load(CSafeLoader) of every entry file (the floor any YAML tool pays),
  cold    `alignhub build` with no build cache,
  warm    `alignhub build` again after editing one entry, with the cache of earlier builds,
and the ratios cold/raw and warm/raw (goals: cold ≤ 1.3; warm ≤ 0.3 at 10k and ≤ 0.25 at 50k).
Each is a whole process, as a user runs it. `--in-process` times the same steps inside this process
instead: start-up and imports are then paid once, outside the clock, which flatters every ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml

from alignhub import pipeline
from alignhub.buildcache import CACHE_DIR
from alignhub.gcpause import gc_paused
from alignhub.loader import entry_paths
from alignhub.resources import taxonomy_file, templates_dir
from alignhub.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parent.parent

WORDS = (
    "preference", "reward", "policy", "alignment", "safety", "model", "language", "feedback", "human",
    "value", "robust", "optimization", "direct", "learning", "scalable", "oversight", "jailbreak",
    "defense", "benchmark", "evaluation", "interpretability", "circuit",
)


def _title(rng: random.Random, i: int) -> str:
    words = [rng.choice(WORDS).capitalize() for _ in range(rng.randint(5, 11))]
    return f"{' '.join(words)} {i}"


def make_catalog(root: Path, size: int, seed: int = 7) -> None:
    """Write `size` valid, varied entries spread over every section and topic."""
    rng = random.Random(seed)
    taxonomy = load_taxonomy(taxonomy_file(REPO), "taxonomy.yaml")
    (root / "entries").mkdir(parents=True)
    shutil.copy(taxonomy_file(REPO), root / "entries" / "taxonomy.yaml")
    shutil.copytree(templates_dir(REPO), root / "templates")
    topics = [(s.id, t.id) for s in taxonomy.sections for t in s.topics]
    tags = sorted(taxonomy.tag_labels)
    venues = sorted(taxonomy.venues)
    for i in range(size):
        section, topic = topics[i % len(topics)]
        year = rng.randint(2017, 2026)
        number = f"{(year % 100):02d}{rng.randint(1, 12):02d}.{i:05d}"
        authors = ", ".join(f"Author{rng.randint(1, 999)} Name{i}x{k}" for k in range(rng.randint(1, 9)))
        venue = f"venue: {{name: {rng.choice(venues)}, year: {year}}}\n" if rng.random() < 0.6 else ""
        code = f"  code: https://github.com/org{i}/repo{i}\n" if rng.random() < 0.5 else ""
        zh = "  zh: 这是一条用于基准测试的中文摘要，描述该工作的主要贡献。\n" if rng.random() < 0.9 else ""
        kind = rng.choice(["method", "benchmark", "dataset", "analysis"])
        if kind == "dataset":  # a data set carries its facts and where to get it
            code += f"  huggingface: https://huggingface.co/datasets/org{i}/data{i}\n"
            facts = (f"dataset: {{size: {{count: {rng.randint(100, 10**6)}, unit: prompts}}, languages: [en, zh], "
                     f"license: CC-BY-4.0}}\n")
        else:
            facts = ""
        text = (
            f'title: "{_title(rng, i)}"\n'
            f"short_name: S{i}\n"
            f"type: {kind}\n"
            f"topic: {topic}\n"
            f"authors: [{authors}]\n"
            f"year: {year}\n"
            f"{venue}"
            f"links:\n  arxiv: \"{number}\"\n{code}"
            f"tags: [{', '.join(rng.sample(tags, rng.randint(1, 4)))}]\n"
            f"{facts}"
            f"summary:\n  en: A synthetic entry number {i} that exercises the whole pipeline end to end.\n{zh}"
            f"added: 2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}\n"
        )
        path = root / "entries" / section / f"entry-{i:05d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")


RAW_PARSE = """
import os, sys, yaml
root = sys.argv[1]
for dirpath, dirnames, filenames in os.walk(os.path.join(root, "entries")):
    dirnames.sort()
    for name in sorted(filenames):
        if name.endswith(".yaml") and dirpath != os.path.join(root, "entries"):
            with open(os.path.join(dirpath, name), "rb") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
"""


def raw_parse(root: Path) -> None:
    """The floor in-process: read + CSafeLoader every entry file (what `--in-process` compares with)."""
    for relative in entry_paths(root):
        yaml.load((root / relative).read_bytes(), Loader=yaml.CSafeLoader)


def validate_and_build(root: Path) -> None:
    """What `alignhub build` does, inside this process (imports and start-up already paid)."""
    with gc_paused():
        loaded = pipeline.load(root, workers=os.cpu_count() or 1)  # as the command line does
        assert not loaded.problems, loaded.problems[:3]
        pipeline.write_outputs(pipeline.generate(loaded, root), root)
        pipeline.save_cache(loaded)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float  # the process's peak resident memory, its worker processes included


def in_process(run: Callable[[], None]) -> Run:
    start = time.perf_counter()
    run()
    return Run(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def whole_process(argv: list[str]) -> Run:
    """Wall time and peak memory of one command, as a user waits for it: interpreter start-up, imports,
    worker processes and all. `wait4` gives this child's own resource usage (its waited-for workers'
    included), not the maximum over every child this benchmark has run."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(argv)} exited {child.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024)


def bench(size: int, repeat: int, processes: bool) -> dict[str, Run]:
    """Best of `repeat` rounds; each round measures raw, cold and warm back to back, so a slow
    spell of the machine touches all three alike instead of skewing one ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        make_catalog(root, size)
        raw_parse(root)  # warm the OS file cache so every measurement reads from memory
        edited = root / entry_paths(root)[0]
        if processes:
            raw = partial(whole_process, [sys.executable, "-c", RAW_PARSE, str(root)])
            build = partial(whole_process, [sys.executable, "-m", "alignhub", "--root", str(root), "build"])
        else:
            raw = partial(in_process, partial(raw_parse, root))
            build = partial(in_process, partial(validate_and_build, root))
        best: dict[str, Run] = {}
        for round_ in range(repeat):
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
            for name in ("README.md", "README.zh-CN.md", "CONTRIBUTING.md"):
                (root / name).unlink(missing_ok=True)
            timings = {"raw": raw(), "cold": build()}
            time.sleep(2.1)  # the files settle (see loader._SETTLED_NS), as they have in a real checkout
            build()  # the cache now records every file's stat, as after any earlier build
            text = edited.read_text(encoding="utf-8")
            edited.write_text(text.replace("end to end", f"end to end ({round_})", 1), encoding="utf-8")
            timings["warm"] = build()
            best = {k: min(best.get(k, v), v, key=lambda r: r.seconds) for k, v in timings.items()}
        return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-process", action="store_true",
                        help="time the steps inside this process (no start-up, no imports) instead of whole commands")
    args = parser.parse_args()
    mode = "in-process" if args.in_process else "whole processes"
    print(f"alignhub build vs a raw CSafeLoader parse of the same files ({mode}, best of {args.repeat})")
    print(f"{'entries':>8} {'raw':>8} {'cold':>8} {'warm':>8} {'cold/raw':>9} {'warm/raw':>9}"
          f" {'peak MiB raw/cold/warm':>24}")
    for size in args.sizes:
        r = bench(size, args.repeat, not args.in_process)
        raw, cold, warm = r["raw"], r["cold"], r["warm"]
        peaks = f"{raw.peak_mib:.0f}/{cold.peak_mib:.0f}/{warm.peak_mib:.0f}"
        print(f"{size:>8} {raw.seconds:>7.3f}s {cold.seconds:>7.3f}s {warm.seconds:>7.3f}s "
              f"{cold.seconds / raw.seconds:>9.2f} {warm.seconds / raw.seconds:>9.2f} {peaks:>24}", flush=True)


if __name__ == "__main__":
    main()
