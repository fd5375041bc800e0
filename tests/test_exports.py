"""The downloads: BibTeX that bibtexparser reads back, JSON, CSV and an Atom feed, and `alignhub export`."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from alignhub import exports
from alignhub.catalog import Catalog, listing_order
from alignhub.pipeline import load
from alignhub.resources import templates_dir
from alignhub.site.urls import entry_url
from conftest import write

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def probe_root(make_site_root: Callable[..., Path]) -> Path:
    """The fixture catalog plus an entry whose title, authors and summary carry HTML and LaTeX specials."""
    return make_site_root(probe=True)


def catalog_of(root: Path) -> Catalog:
    loaded = load(root)
    assert loaded.problems == []
    return loaded.catalog


def test_bibtex_round_trips_through_bibtexparser(probe_root: Path) -> None:
    catalog = catalog_of(probe_root)
    text = exports.to_bibtex(catalog, templates_dir(probe_root))
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    parsed = {e.key: e for e in library.entries}
    assert set(parsed) == {item.id for item in catalog.entries}
    for item in catalog.entries:
        record = parsed[item.id]
        assert record.fields_dict["title"].value == item.entry.title
        authors = record.fields_dict["author"].value.split(" and ") if item.entry.authors else []
        assert authors == item.entry.authors
        assert record.fields_dict["year"].value == str(item.entry.year)
    raw = {e.key: e for e in bibtexparser.parse_string(text).entries}
    assert raw["dpo"].fields_dict["url"].value == "https://arxiv.org/abs/2305.18290"
    assert raw["dpo"].fields_dict["eprint"].value == "2305.18290"


def test_bibtex_record_kinds_follow_the_venue(probe_root: Path) -> None:
    catalog = catalog_of(probe_root)
    library = bibtexparser.parse_string(exports.to_bibtex(catalog, templates_dir(probe_root)))
    kinds = {e.key: e.entry_type for e in library.entries}
    assert kinds["dpo"] == "inproceedings"  # NeurIPS 2023
    assert kinds["xss-title-probe"] == "misc"  # no venue
    booktitle = {e.key: e.fields_dict.get("booktitle") for e in library.entries}
    assert booktitle["dpo"].value == "NeurIPS"


def test_bibtex_keys_stay_when_another_entry_is_added(root: Path) -> None:
    before = exports.bibtex_records(catalog_of(root), templates_dir(root))
    write(root, "entries/methods/dpo-twin.yaml", (root / "entries/methods/dpo.yaml").read_text(encoding="utf-8")
          .replace("Direct Preference Optimization", "Indirect Preference Optimization")
          .replace('arxiv: "2305.18290"', 'arxiv: "2305.18291"'))
    after = exports.bibtex_records(catalog_of(root), templates_dir(root))
    assert set(after) == set(before) | {"dpo-twin"}
    assert all(after[key] == record for key, record in before.items())


def test_json_export_carries_every_entry_with_its_fields(root: Path) -> None:
    catalog = catalog_of(root)
    data = json.loads(exports.to_json(catalog))
    assert data["count"] == len(catalog.entries) == len(data["entries"])
    dpo = next(r for r in data["entries"] if r["id"] == "dpo")
    assert dpo["section"] == "methods"
    assert dpo["title"].startswith("Direct Preference Optimization")
    assert dpo["venue"] == {"name": "NeurIPS", "year": 2023, "label": "NeurIPS 2023"}
    assert dpo["links"]["arxiv"] == "2305.18290"
    assert dpo["url"] == "https://arxiv.org/abs/2305.18290"
    assert dpo["summary"]["zh"]
    assert exports.to_json(catalog) == exports.to_json(catalog_of(root))  # deterministic


def test_csv_export_has_one_row_per_entry(root: Path) -> None:
    catalog = catalog_of(root)
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(catalog), newline="")))
    assert [r["id"] for r in rows] == [item.id for item in exports.catalog_order(catalog)]
    dpo = next(r for r in rows if r["id"] == "dpo")
    assert dpo["authors"].split("; ")[0] == "Rafael Rafailov"
    assert dpo["venue"] == "NeurIPS 2023"
    assert dpo["tags"] == "dpo; loss-variant; preference-data"


def test_csv_cell_that_a_spreadsheet_would_run_is_quoted(root: Path) -> None:
    path = root / "entries/methods/kto.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'title: "KTO:', 'title: "=HYPERLINK(1) KTO:'), encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(catalog_of(root)), newline="")))
    kto = next(r for r in rows if r["id"] == "kto")
    assert kto["title"].startswith("'=HYPERLINK(1) KTO:")


def test_atom_feed_lists_the_newest_additions_first(probe_root: Path) -> None:
    catalog = catalog_of(probe_root)
    text = exports.to_atom(catalog, templates_dir(probe_root), site_url="https://example.org/alignhub", size=3,
                           entry_page=entry_url)
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert ids[0] == "urn:alignhub:entry:xss-title-probe"  # added 2026-11-24, the newest
    added = [e.find(f"{ATOM}updated").text for e in entries]
    assert added == sorted(added, reverse=True)
    probe = entries[0]
    assert probe.find(f"{ATOM}title").text == "Probing <img src=x onerror=window.__xss=1> Injection in Catalog Titles"
    links = {link.get("rel"): link.get("href") for link in probe.findall(f"{ATOM}link")}
    assert links == {"alternate": "https://example.org/alignhub/papers/xss-title-probe/",  # its page on the site
                     "related": "https://example.org/xss-probe"}  # the paper


def test_atom_feed_is_well_formed_honest_and_links_the_site_as_feedparser_reads_it(probe_root: Path) -> None:
    import feedparser

    catalog = catalog_of(probe_root)
    templates = templates_dir(probe_root)
    newest = sorted(catalog.entries, key=listing_order)
    for size in (3, 50):
        feed = feedparser.parse(exports.to_atom(catalog, templates, "https://example.org/alignhub/", size, entry_url))
        assert feed.bozo == 0, feed.get("bozo_exception")
        shown = newest[:size]
        assert [e.id for e in feed.entries] == [f"urn:alignhub:entry:{i.id}" for i in shown]
        assert feed.feed.title == "alignhub — newest work"
        assert feed.feed.subtitle.startswith(f"The {len(shown)} most recently released works")  # no other count
        assert {link.rel: link.href for link in feed.feed.links} == {
            "alternate": "https://example.org/alignhub/", "self": "https://example.org/alignhub/feed.xml"}
        for entry, item in zip(feed.entries, shown, strict=True):
            assert entry.link == f"https://example.org/alignhub/papers/{item.id}/"  # the alternate link
            assert [link.href for link in entry.links if link.rel == "related"] == [item.entry.links.primary]
            assert entry.published.startswith(item.entry.release_month)
            assert [a.name for a in entry.get("authors", [])] == list(item.entry.authors)
    # Without the site's URL the paper is the item's only link, and the feed names no address of its own.
    bare = feedparser.parse(exports.to_atom(catalog, templates, size=2))
    assert bare.bozo == 0 and [e.link for e in bare.entries] == [i.entry.links.primary for i in newest[:2]]
    assert "links" not in bare.feed or bare.feed.links == []
    section = feedparser.parse(exports.to_atom(catalog, templates, "https://example.org/", 50, entry_url,
                                               section="methods", feed_path="feed-methods.xml",
                                               home_path="sections/methods/"))
    assert section.bozo == 0 and section.feed.id == "urn:alignhub:feed:methods"
    assert [e.id for e in section.entries] == [f"urn:alignhub:entry:{i.id}" for i in newest if i.section == "methods"]
    assert section.feed.title == "alignhub — newest work in Methods"


def test_export_command_writes_each_format(root: Path, cli: Callable[..., tuple[int, str]]) -> None:
    for fmt, check in (("bibtex", "@inproceedings{dpo,"), ("json", '"id": "dpo"'), ("csv", "dpo,methods"),
                       ("atom", "urn:alignhub:entry:dpo")):
        out = root / f"out.{fmt}"
        code, output = cli("export", "--root", str(root), "--format", fmt, "--output", str(out))
        assert code == 0, output
        assert check in out.read_text(encoding="utf-8")
    code, output = cli("export", "--root", str(root), "--format", "json")
    assert code == 0
    assert json.loads(output)["count"] == 7


def test_export_command_refuses_a_catalog_with_problems(root: Path, cli: Callable[..., tuple[int, str]]) -> None:
    path = root / "entries/methods/dpo.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2023\n", "year: twenty\n"), encoding="utf-8")
    out = root / "out.bib"
    code, output = cli("export", "--root", str(root), "--format", "bibtex", "--output", str(out))
    assert code == 1
    assert "entries/methods/dpo.yaml:7:7: year:" in output
    assert not out.exists()


def test_export_command_rejects_an_unknown_format(root: Path, cli: Callable[..., tuple[int, str]]) -> None:
    code, output = cli("export", "--root", str(root), "--format", "docx")
    assert code == 2
    assert "invalid choice: 'docx'" in output


def test_newest_additions_of_one_day_show_the_most_recent_work_first() -> None:
    from conftest import REPO

    catalog = load(REPO).catalog
    shown = exports.newest(catalog, 10)
    day = shown[0].entry.added
    same_day = [i for i in catalog.entries if i.entry.added == day]
    assert len(same_day) > 10  # the catalog grew by a batch that day
    assert [i.entry.year for i in shown] == sorted((i.entry.year for i in shown), reverse=True)
    assert shown[0].entry.year == max(i.entry.year for i in same_day)
