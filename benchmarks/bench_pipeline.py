"""Benchmark: validate + build on synthetic catalogs, against the raw libyaml parse of the same files.

Run: python benchmarks/bench_pipeline.py [--sizes 1000 10000] [--repeat 3]

For each size it prints the best wall time of `--repeat` rounds of
  raw     reading + yaml.load(CSafeLoader) of every entry file (the floor any YAML tool pays),
  cold    alignhub validate + build with no parse cache,
  warm    the same after editing one entry, with the cache from the previous run,
and the ratios cold/raw and warm/raw (goals: ≤ 1.5 and ≤ 0.5).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
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


def raw_parse(root: Path) -> None:
    for relative in entry_paths(root):
        yaml.load((root / relative).read_bytes(), Loader=yaml.CSafeLoader)


def validate_and_build(root: Path) -> None:
    """What `alignhub validate && alignhub build` do, in one process, as the CLI runs them."""
    with gc_paused():
        _validate_and_build(root)


def _validate_and_build(root: Path) -> None:
    loaded = pipeline.load(root, workers=os.cpu_count() or 1)  # as the command line does
    assert not loaded.problems, loaded.problems[:3]
    pipeline.write_outputs(pipeline.generate(loaded, root), root)
    pipeline.save_cache(loaded)


def elapsed(run: Callable[[], None]) -> float:
    """Wall time of one call: what a user waits, worker processes included. Run the benchmark on
    an otherwise idle machine; the interleaved rounds below absorb the rest of the noise."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench(size: int, repeat: int) -> dict[str, float]:
    """Best of `repeat` rounds; each round measures raw, cold and warm back to back, so a slow
    spell of the machine touches all three alike instead of skewing one ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        make_catalog(root, size)
        raw_parse(root)  # warm the OS file cache so every measurement reads from memory
        edited = root / entry_paths(root)[0]
        best = {"raw": float("inf"), "cold": float("inf"), "warm": float("inf")}
        for round_ in range(repeat):
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
            for name in ("README.md", "README.zh-CN.md", "CONTRIBUTING.md"):
                (root / name).unlink(missing_ok=True)
            timings = {"raw": elapsed(lambda: raw_parse(root)), "cold": elapsed(lambda: validate_and_build(root))}
            text = edited.read_text(encoding="utf-8")
            edited.write_text(text.replace("end to end", f"end to end ({round_})", 1), encoding="utf-8")
            timings["warm"] = elapsed(lambda: validate_and_build(root))
            best = {k: min(best[k], timings[k]) for k in best}
        return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'entries':>8} {'raw CSafeLoader':>16} {'cold':>8} {'warm':>8} {'cold/raw':>9} {'warm/raw':>9}")
    for size in args.sizes:
        r = bench(size, args.repeat)
        print(f"{size:>8} {r['raw']:>15.3f}s {r['cold']:>7.3f}s {r['warm']:>7.3f}s "
              f"{r['cold'] / r['raw']:>9.2f} {r['warm'] / r['raw']:>9.2f}")


if __name__ == "__main__":
    main()
