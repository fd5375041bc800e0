"""The real catalog in entries/: it validates, covers the seed table, and is complete in both languages."""

from __future__ import annotations

import csv

import pytest

from alignhub.catalog import LoadedCatalog, normalized_title
from alignhub.pipeline import load
from conftest import REPO

SEED_TABLE = REPO.parent / "shared" / "research" / "seed-papers.tsv"


@pytest.fixture(scope="module")
def catalog() -> LoadedCatalog:
    return load(REPO, use_cache=False)


def test_the_whole_tree_validates(catalog: LoadedCatalog) -> None:
    assert [p.format() for p in catalog.problems] == []


def test_ids_arxiv_ids_and_titles_are_unique(catalog: LoadedCatalog) -> None:
    entries = catalog.catalog.entries
    arxiv = [e.entry.links.arxiv for e in entries if e.entry.links.arxiv]
    titles = [normalized_title(e.entry.title) for e in entries]
    assert len({e.id for e in entries}) == len(entries)
    assert len(set(arxiv)) == len(arxiv)
    assert len(set(titles)) == len(titles)


def test_every_section_has_entries(catalog: LoadedCatalog) -> None:
    assert all(group.count > 0 for group in catalog.catalog.sections)


def test_the_catalog_requires_chinese_summaries_through_its_policy(catalog: LoadedCatalog) -> None:
    """One setting says so (pyproject.toml), `alignhub validate` enforces it, CONTRIBUTING shows it."""
    assert "summary.zh" in catalog.catalog.required


def test_seed_orals_are_recorded(catalog: LoadedCatalog) -> None:
    by_id = catalog.catalog.by_id
    assert by_id["map"].entry.venue is not None and by_id["map"].entry.venue.label == "ICLR 2025 Oral"
    assert by_id["map"].entry.links.openreview == "NN6QHwgRrQ"
    quantile = by_id["quantile-alignment"].entry
    assert quantile.links.openreview == "R7HJj1YvJH" and quantile.links.arxiv is None


@pytest.mark.skipif(not SEED_TABLE.exists(), reason="../shared/research/seed-papers.tsv is not beside the repository")
def test_seed_table_coverage(catalog: LoadedCatalog) -> None:
    """At least 95% of the seed table's rows are in the catalog (by arXiv id, else by title)."""
    entries = catalog.catalog.entries
    arxiv_ids = {e.entry.links.arxiv for e in entries}
    titles = {normalized_title(e.entry.title) for e in entries}
    with SEED_TABLE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    missing = [
        row["key"] for row in rows
        if not (row["arxiv"] and row["arxiv"] in arxiv_ids) and normalized_title(row["title"] or "-") not in titles
    ]
    assert len(rows) == 86
    assert len(missing) <= len(rows) * 0.05, missing
