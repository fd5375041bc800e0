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
from alignhub.metadata.lookup import lookup
from alignhub.metadata.records import ArxivAuthor, ArxivRecord
from alignhub.metadata.store import Store
from alignhub.pipeline import load
from alignhub.resources import templates_dir
from alignhub.site.pages import render_site
from alignhub.site.urls import entry_url

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
    assert "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn" in page
    assert '<span class="ah-badge" title="Venue">NeurIPS 2023</span>' in page
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
    assert docs == ["about.md", "cli.md", "contributing.md", "zh/about.md", "zh/contributing.md"]


def test_render_site_is_deterministic(built: tuple[Path, Path]) -> None:
    root, _ = built
    first = render_site(load(root).catalog, templates_dir(root))
    second = render_site(load(root).catalog, templates_dir(root))
    assert first.pages == second.pages and first.files == second.files and first.fragments == second.fragments


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
