"""The site built by `mkdocs build --strict` with the alignhub plugin, read back from the built HTML."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer

from alignhub import exports
from alignhub.catalog import Catalog, CatalogEntry, listing_order
from alignhub.metadata.lookup import lookup
from alignhub.metadata.records import ArxivAuthor, ArxivRecord
from alignhub.metadata.store import Store
from alignhub.pipeline import load
from alignhub.resources import templates_dir
from alignhub.site.pages import render_site
from alignhub.site.urls import entry_url
from conftest import FIXTURES

PROBE_TITLE = "Probing <img src=x onerror=window.__xss=1> Injection in Catalog Titles"


@pytest.fixture(scope="module")
def built(make_site_root: Callable[..., Path], build_site: Callable[[Path], Path]) -> tuple[Path, Path]:
    """(catalog root, built site) for the fixture catalog plus the markup probe, with a cached abstract."""
    root = make_site_root(probe=True)
    Store(root).write("arxiv", ArxivRecord(
        id="2305.18290", version=3, title="Direct Preference Optimization",
        authors=[ArxivAuthor(name="Rafael Rafailov")],
        abstract="While large-scale unsupervised language models learn broad world knowledge <b>and</b> some "
                 "reasoning skills, achieving precise control of their behavior is difficult.",
        published="2023-05-29T17:57:46Z", updated="2024-07-29T22:26:36Z", primary_category="cs.LG",
        categories=["cs.LG"], doi=None, journal_ref=None, comment=None, pdf_url=None,
    ))
    return root, build_site(root)


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside elements with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


def list_item(html: str, entry_id: str) -> str:
    """The line of a section page's compact list that shows one entry."""
    start = html.index(f'<li id="{entry_id}" class="ah-list__item">')
    return html[start:html.index("</li>", start)]


def paper(site: Path, entry_id: str, lang: str = "en") -> str:
    """The article of an entry's own page."""
    html = read(site, f"{'zh/' if lang == 'zh' else ''}papers/{entry_id}/index.html")
    return html[html.index('<h1 id="title"'):html.index("</article>")]


def test_every_entry_has_its_own_page_and_its_old_anchor_in_both_languages(built: tuple[Path, Path]) -> None:
    root, site = built
    for item in load(root).catalog.entries:
        for prefix in ("", "zh/"):
            assert (site / f"{prefix}papers/{item.id}/index.html").is_file(), (prefix, item.id)
            # sections/methods/#dpo, the address before entries had pages, still lands on the entry
            item_html = list_item(read(site, f"{prefix}sections/{item.section}/index.html"), item.id)
            assert f'href="../../papers/{item.id}/"' in item_html, (prefix, item.id)


def test_entry_page_shows_the_entry(built: tuple[Path, Path]) -> None:
    _, site = built
    page = paper(site, "dpo")
    assert re.search(r'<h1 id="title" class="ah-paper__title"><span class="ah-paper__short">DPO</span>: '
                     r"Direct Preference Optimization: Your Language Model is Secretly a Reward Model</h1>", page)
    authors = page[page.index('<p class="ah-paper__authors">'):]
    authors = authors[:authors.index("</p>")]
    assert re.findall(r'<a class="ah-author" href="../../authors/([a-z-]+)/">([^<]+)</a>', authors) == [
        ("rafael-rafailov", "Rafael Rafailov"), ("archit-sharma", "Archit Sharma"), ("eric-mitchell", "Eric Mitchell"),
        ("stefano-ermon", "Stefano Ermon"), ("christopher-d-manning", "Christopher D. Manning"),
        ("chelsea-finn", "Chelsea Finn")]
    assert ('<a class="ah-paper__venue" href="../../venues/neurips/#year-2023"><span class="ah-badge" title="Venue">'
            'NeurIPS 2023</span></a>') in page
    assert '<a class="ah-paper__year" href="../../years/2023/" title="First version">2023-05</a>' in page
    assert '<a class="md-button ah-link" href="https://arxiv.org/abs/2305.18290">arXiv</a>' in page
    assert '<a class="md-button ah-link" href="https://github.com/eric-mitchell/direct-preference-optimization">Code</a>' in page
    assert "Rewrites the KL-regularised RLHF objective" in page
    assert '<code>@inproceedings{dpo,' in page and 'data-clipboard-target="#bib-dpo > code"' in page
    assert '<a class="ah-tag" href="../../all/?tag=dpo">DPO</a>' in page
    assert '<a href="../../sections/methods/#topic-offline-preference-optimization">' in page


def test_entry_page_lists_related_entries_by_text_similarity(built: tuple[Path, Path]) -> None:
    _, site = built
    page = paper(site, "dpo")
    related = page[page.index("Related in this catalog"):]
    linked = re.findall(r'<li><a href="../([a-z0-9-]+)/">', related)
    assert len(linked) == 5 and "dpo" not in linked
    assert set(linked[:2]) == {"kto", "odpo"}  # the other preference-optimization papers come first
    zh = paper(site, "dpo", "zh")
    assert "本目录中的相关条目" in zh and re.findall(r'<li><a href="../([a-z0-9-]+)/">', zh)[-5:] == linked


def test_title_starting_with_the_short_name_is_not_repeated(built: tuple[Path, Path]) -> None:
    root, site = built
    catalog = load(root).catalog
    for item in catalog.entries:
        e = item.entry
        if e.short_name and e.title.startswith(e.short_name):
            page = paper(site, item.id)
            assert "ah-paper__short" not in page.split("</h1>")[0], item.id
            assert f">{e.short_name} {e.short_name}" not in page


def test_cached_abstract_is_shown_in_a_collapsed_block_and_escaped(built: tuple[Path, Path]) -> None:
    _, site = built
    page = paper(site, "dpo")
    assert '<details class="abstract ah-abstract">' in page
    assert "world knowledge &lt;b&gt;and&lt;/b&gt; some reasoning" in page
    assert "ah-abstract" not in paper(site, "kto")  # nothing cached for KTO


def test_entry_text_holding_markup_is_shown_as_text(built: tuple[Path, Path]) -> None:
    _, site = built
    for page in ("sections/safety/index.html", "zh/sections/safety/index.html", "index.html", "zh/index.html",
                 "papers/xss-title-probe/index.html", "zh/papers/xss-title-probe/index.html"):
        html = read(site, page)
        assert "Probing &lt;img src=x onerror=window.__xss=1&gt; Injection" in html, page
        assert "<img src=x" not in html, page
        assert "<script>window.__xss" not in html, page
        assert "<b>XSS</b>" not in html, page
        assert not any(tag == "a" and (attrs.get("href") or "").startswith("javascript:")
                       for tag, attrs in elements(html)), page
    for index in ("search/search_index.json", "zh/search/search_index.json"):
        search = read(site, index)
        assert "<img src=x" not in search
        assert "alignhub-zh" not in search  # the marker of Chinese pages is for the tags index only


def test_chinese_pages_use_chinese_names_and_fall_back_to_english(built: tuple[Path, Path]) -> None:
    _, site = built
    html = read(site, "zh/sections/methods/index.html")
    assert '<html lang="zh"' in html
    assert re.search(r"<h1 id=\"[^\"]*\">方法", html)
    assert "离线偏好优化（DPO及其变种）" in html
    assert "把带KL约束的RLHF目标改写为偏好对上的简单分类损失" in list_item(html, "dpo")
    probe = paper(site, "xss-title-probe", "zh")
    assert '<p class="ah-paper__summary" lang="en"' in probe  # no Chinese summary: the English one, marked
    assert '<a class="ah-tag" href="../../all/?tag=jailbreak">越狱</a>' in probe
    assert "alignhub — 大语言模型对齐研究目录" in html  # the Chinese site's name
    assert "alignhub — LLM alignment catalog" not in html


def test_each_language_searches_its_own_pages_one_document_per_entry(built: tuple[Path, Path]) -> None:
    root, site = built
    catalog = load(root).catalog
    english = json.loads(read(site, "search/search_index.json"))
    chinese = json.loads(read(site, "zh/search/search_index.json"))
    assert not any(d["location"].startswith("zh/") for d in english["docs"])
    assert not any(d["location"].startswith("zh/") for d in chinese["docs"])  # relative to the Chinese site
    assert english["config"]["lang"] == ["en"]
    for index in (english, chinese):
        entry_docs = [d for d in index["docs"] if d["location"].startswith("papers/")]
        assert sorted(d["location"] for d in entry_docs) == sorted(f"papers/{i.id}/" for i in catalog.entries)
        assert all(d["p"] == 1 for d in entry_docs)
    dpo = next(d for d in english["docs"] if d["location"] == "papers/dpo/")
    assert dpo["sn"] == "DPO" and dpo["title"].startswith("DPO: Direct Preference Optimization")
    assert "Rewrites the KL-regularised RLHF objective" in dpo["text"]
    assert "@inproceedings" not in dpo["text"]  # BibTeX and links stay out of the index
    assert "While large-scale unsupervised" in dpo["text"]  # the cached abstract is searchable in English
    zh_dpo = next(d for d in chinese["docs"] if d["location"] == "papers/dpo/")
    assert "While large-scale" not in zh_dpo["text"] and "Rafailov" not in zh_dpo["text"]  # a small Chinese index
    assert "\u200b偏好优化\u200b" in zh_dpo["text"]  # the catalog's own term, one token
    html = read(site, "zh/index.html")
    assert 'config.base = config.base + "/zh/";' in html


def test_language_selector_points_at_the_same_page_in_the_other_language(built: tuple[Path, Path]) -> None:
    _, site = built
    links = {attrs.get("hreflang"): attrs.get("href") for tag, attrs in elements(read(site, "sections/methods/index.html"))
             if tag == "a" and "md-select__link" in (attrs.get("class") or "")}
    assert links == {"en": "./", "zh": "../../zh/sections/methods/"}
    links = {attrs.get("hreflang"): attrs.get("href") for tag, attrs in elements(read(site, "zh/index.html"))
             if tag == "a" and "md-select__link" in (attrs.get("class") or "")}
    assert links == {"en": "../", "zh": "./"}


def test_chinese_pages_have_the_chinese_navigation(built: tuple[Path, Path]) -> None:
    _, site = built
    html = read(site, "zh/stats/index.html")
    assert "全部条目" in html and "关于 alignhub" in html
    assert 'href="../all/"' in html
    assert "All entries" not in html


def test_filter_index_holds_every_entry_once(built: tuple[Path, Path]) -> None:
    root, site = built
    index = json.loads(read(site, "assets/alignhub/index.json"))
    catalog = load(root).catalog
    assert sorted(e["id"] for e in index["entries"]) == sorted(item.id for item in catalog.entries)
    dpo = next(e for e in index["entries"] if e["id"] == "dpo")
    assert dpo["sec"] == "methods" and dpo["top"] == "offline-preference-optimization"
    assert dpo["tg"] == ["dpo", "loss-variant", "preference-data"] and dpo["vn"] == "NeurIPS"
    assert index["sections"]["methods"]["page"] == {"en": "sections/methods/", "zh": "zh/sections/methods/"}
    assert index["paper"] == {"en": "papers/{id}/", "zh": "zh/papers/{id}/"}
    assert index["topics"]["offline-preference-optimization"]["zh"] == "离线偏好优化（DPO及其变种）"
    assert index["tags"]["dpo"] == {"en": "DPO", "zh": "直接偏好优化"}


def test_all_entries_page_offers_every_filter_with_values_in_use(built: tuple[Path, Path]) -> None:
    _, site = built
    tags = elements(read(site, "all/index.html"))
    selects = [attrs["name"] for tag, attrs in tags if tag == "select"]
    assert selects == ["section", "topic", "tag", "type", "year", "venue", "sort"]
    options = {attrs.get("value") for tag, attrs in tags if tag == "option"}
    assert {"methods", "offline-preference-optimization", "dpo", "method", "2023", "NeurIPS"} <= options
    assert "rlhf-ppo" not in options  # a topic with no entry in this catalog


def test_stats_charts_are_svg_counting_every_entry(built: tuple[Path, Path]) -> None:
    root, site = built
    html = read(site, "stats/index.html")
    assert html.count('<svg class="ah-svg"') == 2
    counted = Counter()
    for label, n in re.findall(r"<rect class=\"ah-series-\d\"[^>]*><title>[^<]* (\d{4}): (\d+)</title>", html):
        counted[int(label)] += int(n)
    expected = Counter(item.entry.year for item in load(root).catalog.entries)
    assert counted == expected
    zh = read(site, "zh/stats/index.html")
    assert "每年条目数（按大类）" in zh and "方法 2023:" in zh


def test_downloads_are_published_with_the_site(built: tuple[Path, Path]) -> None:
    root, site = built
    catalog = load(root).catalog
    templates = templates_dir(root)
    metadata = lookup(root, catalog)  # the cached abstract of the fixture goes into the downloads too
    assert read(site, "alignhub.bib") == exports.to_bibtex(catalog, templates, metadata)
    assert "abstract = {While large-scale unsupervised" in read(site, "alignhub.bib")
    assert read(site, "alignhub.json") == exports.to_json(catalog, metadata)
    assert (site / "alignhub.csv").read_bytes() == exports.to_csv(catalog, metadata).encode("utf-8")
    site_url = load_config(str(root / "mkdocs.yml")).site_url
    assert site_url and read(site, "feed.xml") == exports.to_atom(catalog, templates, site_url, entry_page=entry_url)
    assert f'<link rel="self" type="application/atom+xml" href="{site_url}feed.xml"/>' in read(site, "feed.xml")
    links = [attrs.get("href") for tag, attrs in elements(read(site, "downloads/index.html")) if tag == "a"]
    assert {"../alignhub.bib", "../alignhub.json", "../alignhub.csv", "../feed.xml"} <= set(links)


def test_tags_index_lists_pages_per_language(built: tuple[Path, Path]) -> None:
    _, site = built
    english = read(site, "tags/index.html")
    chinese = read(site, "zh/tags/index.html")
    assert 'href="../sections/methods/"' in english and "zh/sections" not in english
    assert 'href="../sections/methods/"' in chinese  # relative to zh/tags/: the Chinese methods page
    assert "越狱" in chinese and "越狱" not in english


def test_pages_load_nothing_from_another_host(built: tuple[Path, Path]) -> None:
    _, site = built
    loading = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src"}
    for page in site.rglob("*.html"):
        for tag, attrs in elements(page.read_text(encoding="utf-8")):
            url = attrs.get(loading[tag]) if tag in loading else None
            if tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect", "icon", "preload", "modulepreload"):
                url = attrs.get("href")
            assert not (url or "").startswith(("http:", "https:", "//")), (page, tag, url)
            assert "data-md-component" not in attrs or attrs["data-md-component"] != "source", page


def test_nothing_is_generated_under_docs(built: tuple[Path, Path]) -> None:
    root, _ = built
    docs = sorted(p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*") if p.is_file())
    # docs/cli.md is written by `alignhub build` (the command reference), not by the site build
    assert docs == ["about.md", "cli.md", "contributing.md", "zh/about.md", "zh/contributing.md"]


def test_render_site_is_deterministic(built: tuple[Path, Path]) -> None:
    root, _ = built
    first = render_site(load(root).catalog, templates_dir(root))
    second = render_site(load(root).catalog, templates_dir(root))
    assert first.pages == second.pages and first.files == second.files and first.fragments == second.fragments
    assert first.heads == second.heads


def test_catalog_problems_stop_the_build_naming_the_file(
    make_site_root: Callable[..., Path], build_site: Callable[[Path], Path], caplog: pytest.LogCaptureFixture
) -> None:
    root = make_site_root()
    path = root / "entries/methods/kto.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("topic: offline-preference-optimization",
                                                             "topic: offline-preference-optimisation"),
                    encoding="utf-8")
    with pytest.raises(Abort):
        build_site(root)
    assert "entries/methods/kto.yaml:4:8: topic: unknown topic 'offline-preference-optimisation'" in caplog.text


def test_a_hand_written_page_cannot_shadow_a_generated_one(
    make_site_root: Callable[..., Path], build_site: Callable[[Path], Path], caplog: pytest.LogCaptureFixture
) -> None:
    root = make_site_root()
    shutil.copy(root / "docs/about.md", root / "docs/stats.md")
    with pytest.raises(Abort):
        build_site(root)
    assert "docs/stats.md is in the way of the generated page" in caplog.text


def test_serve_watches_entries_and_the_metadata_cache(built: tuple[Path, Path]) -> None:
    root, _ = built
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["alignhub"]
    plugin.on_config(config)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))
    plugin.on_serve(server, config=config, builder=lambda: None)
    watched = set(server._watched_paths)
    assert str(root / "entries") in watched
    assert str(root / "metadata") in watched


def test_serve_with_an_invalid_entry_reports_it_and_keeps_the_last_good_pages(
    make_site_root: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    root = make_site_root()
    site_dir = root.parent / "served-site"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    kto = root / "entries/methods/kto.yaml"
    kto.write_text(kto.read_text(encoding="utf-8").replace("\nyear: 2024", "\nyear: twenty"), encoding="utf-8")
    mkdocs_build(config)  # as `mkdocs serve` rebuilds after the edit: no exception, the old pages stay
    assert "entries/methods/kto.yaml:" in caplog.text and "year" in caplog.text
    assert "serving the last good build" in caplog.text
    assert "Prospect" in read(site_dir, "papers/kto/index.html")


def test_entry_pages_share_one_navigation_per_language_as_material_renders_it(built: tuple[Path, Path]) -> None:
    """The sidebar is rendered once for all entry pages of a language: it must be what Material renders
    for each (same depth, nothing active), with links that work from any entry page."""
    _, site = built

    def sidebar(page: str) -> str:
        html = read(site, page)
        return html[html.index("md-sidebar--primary"):html.index("md-sidebar--secondary")]

    english = sidebar("papers/dpo/index.html")
    assert english == sidebar("papers/kto/index.html")
    assert 'href="../../all/"' in english and "md-nav__link--active" not in english
    chinese = sidebar("zh/papers/dpo/index.html")
    assert chinese == sidebar("zh/papers/kto/index.html") and "全部条目" in chinese and "All entries" not in chinese


def test_the_plugin_can_be_turned_off(make_site_root: Callable[..., Path], build_site: Callable[[Path], Path]) -> None:
    root = make_site_root()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - alignhub\n", "  - alignhub:\n      enabled: false\n"),
                      encoding="utf-8")
    site = build_site(root)
    assert (site / "about" / "index.html").is_file()
    assert not (site / "papers").exists() and not (site / "sections").exists()


@pytest.mark.parametrize("first", ["jieba", "alignhub.pipeline"])
def test_jieba_says_nothing_on_a_build(first: str, tmp_path: Path) -> None:
    """The site's search plugin imports jieba before or after the alignhub plugin: quiet either way."""
    import subprocess
    import sys

    second = "alignhub.pipeline" if first == "jieba" else "jieba"
    code = f"import {first}, {second}, jieba; jieba.dt.tmp_dir = {str(tmp_path)!r}; jieba.lcut('中文分词')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""


# --- Citation data, feeds, author, venue and year pages (issue 22) ---

SITE_URL = "https://alignhub.github.io/alignhub/"
PROBE_AUTHORS = "author-names-probe"  # tests/fixtures/site/entries/methods/: names spelled every way


def page_path(entry_id: str, lang: str) -> str:
    return f"{'zh/' if lang == 'zh' else ''}papers/{entry_id}/index.html"


def head_of(html: str) -> str:
    return html.split("</head>", 1)[0]


def metas(html: str, attribute: str = "name") -> list[tuple[str, str]]:
    """(name or property, content) of each <meta> of the page's head, in order, unescaped."""
    return [(attrs[attribute] or "", attrs.get("content") or "") for tag, attrs in elements(head_of(html))
            if tag == "meta" and attrs.get(attribute)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_entry_page_carries_highwire_citation_tags(built: tuple[Path, Path], lang: str) -> None:
    root, site = built
    catalog = load(root).catalog
    for item in catalog.entries:
        e = item.entry
        tags = [(name, content) for name, content in metas(read(site, page_path(item.id, lang)))
                if name.startswith("citation_")]
        values: dict[str, list[str]] = {}
        for name, content in tags:
            values.setdefault(name, []).append(content)
        assert values["citation_title"] == [e.title], item.id  # the probe's markup comes back as text
        assert values.get("citation_author", []) == list(e.authors), item.id  # one each, in paper order
        assert values["citation_publication_date"] == [e.release_month.replace("-", "/")], item.id
        kind = catalog.taxonomy.venues[e.venue.name].kind if e.venue else None
        conference = values.get("citation_conference_title")
        journal = values.get("citation_journal_title")
        assert (conference is not None) == (kind in ("conference", "workshop")), item.id
        assert (journal is not None) == (kind == "journal"), item.id
        assert values.get("citation_arxiv_id") == ([e.links.arxiv] if e.links.arxiv else None), item.id
        assert values.get("citation_pdf_url") == ([f"https://arxiv.org/pdf/{e.links.arxiv}"] if e.links.arxiv
                                                  else None), item.id
        assert values.get("citation_doi") == ([e.links.doi] if e.links.doi else None), item.id
    dpo = dict(metas(read(site, page_path("dpo", lang))))
    assert dpo["citation_conference_title"] == "NeurIPS" and dpo["citation_publication_date"] == "2023/05"
    probe = dict(metas(read(site, page_path(PROBE_AUTHORS, lang))))
    assert probe["citation_conference_title"] == "NeurIPS Workshop (SoLaR)"
    assert probe["citation_doi"] == "10.1234/alignhub.probe.2020"


def test_citation_venue_follows_the_venue_kind(built: tuple[Path, Path]) -> None:
    from alignhub.models import Venue
    from alignhub.site.scholar import citation_tags

    root, _ = built
    catalog = load(root).catalog
    kto = catalog.by_id["kto"]

    def venue_tags(name: str) -> list[tuple[str, str]]:
        entry = kto.entry.model_copy(update={"venue": Venue(name=name, year=2024)})
        tags = citation_tags(CatalogEntry(kto.id, kto.section, kto.path, entry), catalog.taxonomy)
        return [(k, v) for k, v in tags if k in ("citation_conference_title", "citation_journal_title")]

    assert venue_tags("ICML") == [("citation_conference_title", "ICML")]
    assert venue_tags("TMLR") == [("citation_journal_title", "TMLR")]
    assert venue_tags("arXiv") == []  # a preprint server is no venue


def test_head_values_are_escaped_and_json_ld_is_safe_inside_script(built: tuple[Path, Path]) -> None:
    _, site = built
    for lang in ("en", "zh"):
        head = head_of(read(site, page_path("xss-title-probe", lang)))
        assert "<img src=x" not in head and "<script>window.__xss" not in head and "<b>XSS</b>" not in head
        script = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, flags=re.S)
        assert len(script) == 1
        assert not set("<>&") & set(script[0])  # written \u003c, \u003e, \u0026
        data = json.loads(script[0])
        assert data["name"] == PROBE_TITLE and data["author"][0]["name"] == "Ada <script>window.__xss=2</script> Lovelace"
        assert dict(metas(head, "property"))["og:title"] == f"<b>XSS</b>: {PROBE_TITLE}"


def test_json_ld_and_open_graph_as_extruct_reads_them(built: tuple[Path, Path]) -> None:
    import extruct

    root, site = built
    catalog = load(root).catalog
    for item in catalog.entries:
        for lang in ("en", "zh"):
            url = SITE_URL + page_path(item.id, lang).removesuffix("index.html")
            found = extruct.extract(read(site, page_path(item.id, lang)), base_url=url,
                                    syntaxes=["json-ld", "opengraph"], uniform=True)
            (data,) = found["json-ld"]
            e = item.entry
            assert data["@type"] == ("Dataset" if e.type == "dataset" else "ScholarlyArticle"), item.id
            assert data["name"] == e.title and data["url"] == url and data["datePublished"] == e.release_month
            people = data["creator" if e.type == "dataset" else "author"] if e.authors else []
            assert [p["name"] for p in people] == list(e.authors), item.id
            assert all(p["url"].startswith(SITE_URL + ("zh/" if lang == "zh" else "") + "authors/") for p in people)
            (og,) = found["opengraph"]
            assert og["og:title"] == (f"{e.short_name}: {e.title}" if e.short_name and not
                                      e.title.casefold().startswith(e.short_name.casefold()) else e.title)
            assert og["og:url"] == url and og["@type"] == "article"  # extruct's uniform form of og:type
            summary = e.summary.zh if lang == "zh" and e.summary.zh else e.summary.en
            assert og["og:description"] == summary
            card = dict(metas(read(site, page_path(item.id, lang))))
            assert card["twitter:card"] == "summary" and card["twitter:title"] == og["og:title"]
    dpo = extruct.extract(read(site, page_path("dpo", "en")), syntaxes=["json-ld"])["json-ld"][0]
    assert dpo["identifier"] == [{"@type": "PropertyValue", "propertyID": "arXiv", "value": "2305.18290"}]
    assert dpo["isPartOf"] == {"@type": "CreativeWork", "name": "NeurIPS"}


def test_every_page_names_its_canonical_address(built: tuple[Path, Path]) -> None:
    _, site = built
    for page in ("papers/dpo/index.html", "zh/papers/dpo/index.html", "authors/chelsea-finn/index.html",
                 "zh/venues/neurips/index.html", "years/2023/index.html"):
        canonical = [attrs["href"] for tag, attrs in elements(head_of(read(site, page)))
                     if tag == "link" and attrs.get("rel") == "canonical"]
        assert canonical == [SITE_URL + page.removesuffix("index.html")], page


def test_without_a_site_url_the_head_names_no_address(built: tuple[Path, Path]) -> None:
    from alignhub.site.pages import SiteOptions

    root, _ = built
    site = render_site(load(root).catalog, templates_dir(root), options=SiteOptions(site_url=None))
    head = site.heads["papers/dpo.md"]
    assert 'property="og:url"' not in head and '"url":' not in head and '"@id"' not in head
    assert 'name="citation_title"' in head


def test_each_section_has_its_own_feed_linked_from_its_page_and_the_downloads(built: tuple[Path, Path]) -> None:
    import feedparser

    root, site = built
    catalog = load(root).catalog
    for group in catalog.sections:
        section = group.section.id
        feed = feedparser.parse(read(site, f"feed-{section}.xml"))
        assert feed.bozo == 0, (section, feed.get("bozo_exception"))
        expected = sorted((i for i in catalog.entries if i.section == section), key=listing_order)[:exports.FEED_SIZE]
        assert [e.id for e in feed.entries] == [f"urn:alignhub:entry:{i.id}" for i in expected]
        assert feed.feed.title == f"alignhub — newest work in {group.section.en}"
        assert f"The {len(expected)} most recently released" in feed.feed.subtitle
        links = {link.rel: link.href for link in feed.feed.links}
        assert links == {"alternate": f"{SITE_URL}sections/{section}/", "self": f"{SITE_URL}feed-{section}.xml"}
        for entry, item in zip(feed.entries, expected, strict=True):
            links = {link.rel: link.href for link in entry.links}
            assert links == {"alternate": f"{SITE_URL}papers/{item.id}/", "related": item.entry.links.primary}
        for prefix, up in (("", "../../"), ("zh/", "../../../")):
            heads = [attrs for tag, attrs in elements(head_of(read(site, f"{prefix}sections/{section}/index.html")))
                     if tag == "link" and attrs.get("type") == "application/atom+xml"]
            # the whole catalog's, then the section's: both at the root, where Material finds a sitemap.xml
            assert [a["href"] for a in heads] == [f"{up}feed.xml", f"{up}feed-{section}.xml"]
            assert all(a["rel"] == "alternate" for a in heads)
    links = [attrs.get("href") for tag, attrs in elements(read(site, "downloads/index.html")) if tag == "a"]
    assert {f"../feed-{g.section.id}.xml" for g in catalog.sections} <= set(links)


def test_author_pages_join_the_spellings_of_one_person(built: tuple[Path, Path]) -> None:
    _, site = built
    probe = paper(site, PROBE_AUTHORS)
    links = re.findall(r'<a class="ah-author" href="../../authors/([^/"]+)/">([^<]+)</a>', probe)
    assert links == [
        ("chelsea-finn", "C. Finn"),  # the one full name with these initials
        ("rafael-rafailov", "RAFAËL rafailov"),  # accents and case
        ("e-mitchell", "E. Mitchell"),  # Eric or Emma: stays apart
        ("emma-mitchell", "Emma Mitchell"),
        ("dan-jurafsky", "Daniel Jurafsky"),  # entries/authors.yaml: an alias
        ("w-xu", "W. Xu"),  # entries/authors.yaml: kept apart from Winnie Xu
    ]
    finn = read(site, "authors/chelsea-finn/index.html")
    assert '<h1 id="title">Chelsea Finn</h1>' in finn and "Also written as: C. Finn" in finn
    assert finn.count("<h1") == 1
    assert re.findall(r'<li id="([a-z0-9-]+)" class="ah-list__item">', finn) == ["dpo", PROBE_AUTHORS]  # newest first
    rafailov = read(site, "authors/rafael-rafailov/index.html")
    assert '<h1 id="title">Rafael Rafailov</h1>' in rafailov and "Also written as: RAFAËL rafailov" in rafailov
    jurafsky = read(site, "zh/authors/dan-jurafsky/index.html")
    assert '<h1 id="title">Dan Jurafsky</h1>' in jurafsky and "其他写法: Daniel Jurafsky" in jurafsky
    assert re.findall(r'<li id="([a-z0-9-]+)"', jurafsky) == ["kto", PROBE_AUTHORS]
    assert re.findall(r'<li id="([a-z0-9-]+)"', read(site, "authors/winnie-xu/index.html")) == ["kto"]
    assert "Ada &lt;script&gt;window.__xss=2&lt;/script&gt; Lovelace" in read(
        site, "authors/ada-script-window-xss-2-script-lovelace/index.html")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_author_venue_and_year_link_lands_on_a_page_listing_the_entry(built: tuple[Path, Path], lang: str) -> None:
    root, site = built
    catalog = load(root).catalog
    for item in catalog.entries:
        page = paper(site, item.id, lang)
        hrefs = re.findall(r'<a class="ah-(?:author|paper__venue|paper__year)" href="([^"]+)"', page)
        assert len(hrefs) == len(item.entry.authors) + (2 if item.entry.venue else 1), item.id
        for href in hrefs:
            target, _, anchor = href.partition("#")
            listing = read(site, str(Path(page_path(item.id, lang)).parent / target / "index.html"))
            assert f'<li id="{item.id}" class="ah-list__item">' in listing, (item.id, href)
            if anchor:  # the venue page's group of the entry's year holds it
                group = listing[listing.index(f'<h2 id="{anchor}">'):]
                assert f'<li id="{item.id}"' in group[:group.find("<h2", 4) if "<h2" in group[4:] else None]


def test_venue_pages_group_by_year_and_year_pages_by_section(built: tuple[Path, Path]) -> None:
    _, site = built
    neurips = read(site, "venues/neurips/index.html")
    assert re.findall(r'<h2 id="(year-\d+)">', neurips) == ["year-2023", "year-2020"]  # newest year first
    assert re.findall(r'<li id="([a-z0-9-]+)"', neurips) == ["leace", "dpo", PROBE_AUTHORS]
    assert "Entries at NeurIPS in this catalog: 3, by year." in neurips
    year = read(site, "zh/years/2024/index.html")
    assert '<h1 id="title">2024 年发布的工作</h1>' in year
    assert re.findall(r'<h2 id="(section-[a-z]+)">', year) == ["section-methods", "section-safety"]
    assert re.findall(r'<li id="([a-z0-9-]+)"', year) == ["odpo", "kto", "xss-title-probe"]
    assert not (site / "venues" / "tmlr").exists()  # a page only for venues some entry names


def test_author_venue_and_year_pages_stay_out_of_nav_and_search(built: tuple[Path, Path]) -> None:
    _, site = built
    english = json.loads(read(site, "search/search_index.json"))
    assert not any(d["location"].startswith(("authors/", "venues/", "years/")) for d in english["docs"])
    nav = read(site, "index.html")
    nav = nav[nav.index("md-sidebar--primary"):nav.index("md-sidebar--secondary")]
    assert "authors/" not in nav and "venues/" not in nav and "years/" not in nav
    sidebar = read(site, "authors/chelsea-finn/index.html")
    entry = read(site, "papers/dpo/index.html")
    cut = slice(None)
    assert (sidebar[sidebar.index("md-sidebar--primary"):sidebar.index("md-sidebar--secondary")][cut]
            == entry[entry.index("md-sidebar--primary"):entry.index("md-sidebar--secondary")][cut])


def test_the_same_entries_build_a_byte_identical_site(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Two `mkdocs build` runs, each a process of its own as on CI (within one process, jieba's
    dictionary and Material's plugins keep state from an earlier build). SOURCE_DATE_EPOCH fixes the
    sitemap's dates, the one thing a build takes from the clock."""
    import os
    import subprocess
    import sys

    root, _ = built
    sites = []
    for name in ("first", "second"):
        copy = tmp_path / name / "cat"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".alignhub-cache"))
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
        run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(copy / "mkdocs.yml"),
                              "-d", str(tmp_path / name / "site")], capture_output=True, text=True, env=env,
                             timeout=600, check=False)
        assert run.returncode == 0, run.stderr
        sites.append({p.relative_to(tmp_path / name / "site").as_posix(): p.read_bytes()
                      for p in sorted((tmp_path / name / "site").rglob("*")) if p.is_file()})
    first, second = sites
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def _catalog_with_authors(built: tuple[Path, Path], *author_lists: list[str]) -> Catalog:
    """The fixture catalog's taxonomy with one made-up entry per author list."""
    root, _ = built
    catalog = load(root).catalog
    kto = catalog.by_id["kto"]
    entries = [CatalogEntry(f"e{n}", kto.section, kto.path, kto.entry.model_copy(update={"authors": authors}))
               for n, authors in enumerate(author_lists)]
    return Catalog(catalog.taxonomy, entries)


def test_one_rule_matches_names_and_initials_only_when_unambiguous(built: tuple[Path, Path]) -> None:
    from alignhub.site.people import name_key, people_of

    assert name_key("Rémi Munos") == name_key("REMI  munos") == ("remi", "munos")
    assert name_key("Jean-Baptiste O'Brien") == name_key("Jean Baptiste OBrien")
    assert name_key("Łukasz Kaiser") == ("lukasz", "kaiser")
    people = people_of(_catalog_with_authors(built, ["John Schulman", "J. Schulman", "C. D. Manning"],
                                             ["Christopher D. Manning", "Y. Wu", "Yi Wu", "Yu Wu"]))
    slugs = {spelling: person.slug for spelling, person in people.by_spelling.items()}
    assert slugs["J. Schulman"] == slugs["John Schulman"] == "john-schulman"
    assert slugs["C. D. Manning"] == "christopher-d-manning"
    assert slugs["Y. Wu"] == "y-wu"  # Yi or Yu: left as it is written
    assert people.by_spelling["J. Schulman"].name == "John Schulman"
    assert people.by_spelling["John Schulman"].entries == ("e0",)  # once, though named twice


def test_author_slugs_are_deterministic_and_collision_free(monkeypatch: pytest.MonkeyPatch) -> None:
    from alignhub.site import urls

    assert urls.slug(("zoe", "kravitz", "李")) == urls.slug(("zoe", "kravitz", "李"))
    assert urls.slug(("张三",)) != urls.slug(("李四",)) and urls.slug(("张三",)).startswith("n-")
    monkeypatch.setattr(urls, "slug", lambda key: "same")
    assert urls.unique_slugs([("b",), ("a",), ("c",)]) == {("a",): "same", ("b",): "same-2", ("c",): "same-3"}


def test_a_broken_authors_table_is_named(built: tuple[Path, Path], tmp_path: Path) -> None:
    from alignhub.site.people import people_of, read_aliases

    table = tmp_path / "entries" / "authors.yaml"
    table.parent.mkdir()
    assert read_aliases(tmp_path) == {}
    table.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"entries/authors.yaml: write one `Name: \[other spelling, …\]`"):
        read_aliases(tmp_path)
    table.write_text("Ann Lee: [A. Lee]\nAnna Lee: [A. Lee]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"'A\. Lee' is listed for two people"):
        people_of(_catalog_with_authors(built), read_aliases(tmp_path))


def test_the_authors_table_is_not_read_as_an_entry(built: tuple[Path, Path]) -> None:
    root, _ = built
    assert (root / "entries" / "authors.yaml").is_file()
    assert load(root).problems == []


def test_every_alternate_link_has_the_sitemap_material_fetches_beside_it(built: tuple[Path, Path]) -> None:
    """Material fetches sitemap.xml beside each <link rel="alternate"> of a page (for its language
    selector): a feed linked from a folder without one made the browser log a 404."""
    import posixpath

    _, site = built
    for page in ("index.html", "sections/methods/index.html", "zh/sections/methods/index.html",
                 "papers/dpo/index.html", "authors/chelsea-finn/index.html"):
        for tag, attrs in elements(head_of(read(site, page))):
            if tag == "link" and attrs.get("rel") == "alternate":
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), attrs["href"] or ""))
                folder = target if (attrs["href"] or "").endswith("/") else posixpath.dirname(target)
                assert (site / folder / "sitemap.xml").is_file(), (page, attrs["href"])


def test_a_data_set_page_describes_a_dataset_as_extruct_reads_it(
        make_site_root: Callable[..., Path], build_site: Callable[[Path], Path]) -> None:
    """A data set's JSON-LD is a schema.org Dataset with its licence, download places, size and languages
    (a site of its own: the shared fixture catalog holds no entry of type dataset)."""
    import extruct

    root = make_site_root()
    shutil.copy(FIXTURES / "scholar" / "hh-rlhf.yaml", root / "entries" / "datasets" / "hh-rlhf.yaml")
    site = build_site(root)
    hh = extruct.extract(read(site, page_path("hh-rlhf", "en")), syntaxes=["json-ld"])["json-ld"][0]
    assert hh["@type"] == "Dataset"
    assert hh["license"] == "https://spdx.org/licenses/MIT.html"
    assert hh["distribution"] == [
        {"@type": "DataDownload", "contentUrl": "https://huggingface.co/datasets/Anthropic/hh-rlhf"},
        {"@type": "DataDownload", "contentUrl": "https://github.com/anthropics/hh-rlhf"}]
    assert hh["variableMeasured"] == "169352 comparisons" and hh["inLanguage"] == ["en"]
    assert hh["citation"] == ["https://arxiv.org/abs/2204.05862"]
    assert [p["name"] for p in hh["creator"]][:3] == ["Yuntao Bai", "Andy Jones", "Kamal Ndousse"]
    # What a reader sees: the exact size, the languages and the licence linked to its SPDX page.
    for lang, words in (("en", ("Size", "Languages", "Licence")), ("zh", ("规模", "语言", "许可"))):
        facts = read(site, page_path("hh-rlhf", lang)).split('<dl class="ah-paper__dataset">')[1].split("</dl>")[0]
        assert facts == (f"\n<dt>{words[0]}</dt><dd>169,352 comparisons</dd>\n<dt>{words[1]}</dt><dd>en</dd>\n"
                         f'<dt>{words[2]}</dt><dd><a href="https://spdx.org/licenses/MIT.html">MIT</a></dd>\n')
