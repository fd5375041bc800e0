"""The built site in a real browser: headless Chromium on a 127.0.0.1 server, driven by Playwright.

Every test also checks that the page logged no console error, raised no script error and asked no
host other than 127.0.0.1 for anything. Screenshots go to tests/artifacts/ (kept by CI, ignored by git).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 15_000
PROBE_TITLE = "Probing <img src=x onerror=window.__xss=1> Injection in Catalog Titles"

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None and not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (CI installs it: apt-get install -y chromium)",
)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _served(site: Path) -> Iterator[str]:
    """`site` served on 127.0.0.1 for as long as the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(make_site_root: Callable[..., Path], build_site: Callable[[Path], Path]) -> Iterator[str]:
    """The site of the fixture catalog plus the markup probe, served on 127.0.0.1."""
    with _served(build_site(make_site_root(probe=True))) as url:
        yield url


@pytest.fixture(scope="module")
def catalog_url(tmp_path_factory: pytest.TempPathFactory, build_site: Callable[[Path], Path]) -> Iterator[str]:
    """The site of the real catalog (entries/ of this repository), served on 127.0.0.1: search is
    judged on the entries readers search, not on the small fixture."""
    root = tmp_path_factory.mktemp("real") / "cat"
    for part in ("entries", "templates", "docs"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    with _served(build_site(root)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Visit:
    """One browser tab on the site, with everything it logged and requested."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="networkidle")

    def shoot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    def assert_clean(self) -> None:
        self.page.wait_for_load_state("networkidle")
        assert self.errors == []
        elsewhere = [url for url in self.requests if not url.startswith(("http://127.0.0.1:", "data:", "blob:"))]
        assert elsewhere == []


def _visit(browser: Any, base_url: str, viewport: dict[str, int] | None = None) -> Iterator[Visit]:
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    tab = Visit(page, base_url)
    page.on("console", lambda message: tab.errors.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: tab.errors.append(f"script error: {error}"))
    context.on("request", lambda request: tab.requests.append(request.url))  # pages and their workers
    page.on("worker", lambda worker: tab.requests.append(worker.url))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    yield from _visit(browser, base_url)


@pytest.fixture
def reader(browser: Any, catalog_url: str) -> Iterator[Visit]:
    """A tab on the real catalog's site."""
    yield from _visit(browser, catalog_url)


@pytest.fixture
def phone(browser: Any, catalog_url: str) -> Iterator[Visit]:
    """A phone-sized tab on the real catalog's site."""
    yield from _visit(browser, catalog_url, {"width": 390, "height": 844})


def search(visit: Visit, words: str) -> None:
    """Type into Material's search box the way a reader does. Material listens to key events, and
    Chinese text typed through an input method arrives without them, so a key is released at the end
    as a reader's next keystroke would."""
    visit.page.locator(".md-search__input").click()
    visit.page.keyboard.type(words, delay=10)
    visit.page.keyboard.press("End")


def visible_results(visit: Visit, count: int = 5) -> list[tuple[str, str]]:
    """(text, URL path) of the first result links a reader sees, nothing unfolded."""
    links = visit.page.locator("a.md-search-result__link:visible")
    links.first.wait_for(state="visible")
    visit.page.wait_for_timeout(300)  # let the worker's final answer for the whole query replace earlier ones
    found = []
    for i in range(min(count, links.count())):
        link = links.nth(i)
        path = re.sub(r"^https?://[^/]+", "", link.get_attribute("href") or "").split("?")[0]
        found.append((link.inner_text().split("\n")[0], path))
    return found


def test_search_for_preference_optimization_finds_dpo(visit: Visit) -> None:
    visit.open("")
    search(visit, "preference optimization")
    results = visible_results(visit, 3)
    assert any("Direct Preference Optimization" in text for text, _ in results), results
    visit.shoot("search-preference-optimization")
    assert any(url.endswith("/search/search_index.json") for url in visit.requests)  # the worker's fetch is seen
    visit.page.locator("a.md-search-result__link:visible", has_text="Direct Preference Optimization").first.click()
    visit.page.wait_for_url(re.compile(r"/papers/dpo/"))
    assert "Direct Preference Optimization" in visit.page.inner_text("article h1")
    visit.assert_clean()


def test_topic_filter_narrows_the_list_and_the_url_keeps_it(visit: Visit) -> None:
    visit.open("all/")
    results = visit.page.locator(".ah-filter__results > li")
    count = visit.page.locator(".ah-filter__count")
    count.filter(has_text="9 of 9 entries").wait_for()
    assert results.count() == 9
    visit.page.select_option("select[name=topic]", "offline-preference-optimization")
    count.filter(has_text="3 of 9 entries").wait_for()
    assert sorted(results.evaluate_all("items => items.map(li => li.dataset.id)")) == ["dpo", "kto", "odpo"]
    assert visit.page.url.endswith("/all/?topic=offline-preference-optimization")
    visit.page.fill("input[name=q]", "prospect")
    count.filter(has_text="1 of 9 entries").wait_for()
    assert visit.page.url.endswith("/all/?topic=offline-preference-optimization&text=prospect")
    visit.page.reload(wait_until="networkidle")
    count.filter(has_text="1 of 9 entries").wait_for()
    assert visit.page.input_value("select[name=topic]") == "offline-preference-optimization"
    assert visit.page.input_value("input[name=q]") == "prospect"
    assert results.evaluate_all("items => items.map(li => li.dataset.id)") == ["kto"]
    visit.shoot("all-entries-filtered")
    visit.page.evaluate("() => window.scrollTo(0, 0)")  # the header floats over a scrolled form
    visit.page.click("[data-clear]")
    count.filter(has_text="9 of 9 entries").wait_for()
    assert visit.page.url.endswith("/all/")
    visit.assert_clean()


def test_language_switch_reaches_the_chinese_page(visit: Visit) -> None:
    visit.open("sections/methods/")
    visit.page.hover(".md-header__option .md-select")
    visit.page.click("a.md-select__link[hreflang=zh]")
    visit.page.wait_for_url(re.compile(r"/zh/sections/methods/$"))
    assert visit.page.get_attribute("html", "lang") == "zh"
    assert visit.page.locator("article h1").evaluate("h => h.firstChild.textContent") == "方法"
    assert "离线偏好优化（DPO及其变种）" in visit.page.inner_text("article")
    visit.shoot("chinese-methods")
    visit.page.hover(".md-header__option .md-select")
    visit.page.click("a.md-select__link[hreflang=en]")
    visit.page.wait_for_url(re.compile(r"/sections/methods/$"))
    assert "/zh/" not in visit.page.url
    visit.assert_clean()


def test_title_holding_markup_shows_as_text_and_runs_nothing(visit: Visit) -> None:
    visit.open("sections/safety/#xss-title-probe")  # the entry's address before it had a page
    item = visit.page.locator("li#xss-title-probe a.ah-list__title")
    assert item.inner_text() == "<b>XSS</b>: " + PROBE_TITLE
    assert visit.page.locator("article img[src=x]").count() == 0
    visit.shoot("markup-probe-section")
    item.click()
    visit.page.wait_for_url(re.compile(r"/papers/xss-title-probe/$"))
    assert visit.page.locator("article h1").inner_text() == "<b>XSS</b>: " + PROBE_TITLE
    assert visit.page.title().startswith("<b>XSS</b>: " + PROBE_TITLE)
    assert visit.page.locator("article img[src=x], head img, b").count() == 0
    visit.shoot("markup-probe-page")
    visit.open("all/?text=probing")
    visit.page.locator(".ah-filter__count", has_text="1 of 9 entries").wait_for()
    assert visit.page.inner_text(".ah-result__title") == PROBE_TITLE
    search(visit, "probing injection")
    results = visible_results(visit, 3)
    assert ("<b>XSS</b>: " + PROBE_TITLE, "/papers/xss-title-probe/") in results, results
    visit.shoot("markup-probe-search")
    assert visit.page.evaluate("() => window.__xss") is None
    visit.assert_clean()


def test_home_and_stats_pages_render_cleanly(visit: Visit) -> None:
    visit.open("")
    assert visit.page.locator(".ah-newest li").count() == 9
    visit.shoot("home")
    visit.open("stats/")
    assert visit.page.locator("svg.ah-svg").count() == 2
    visit.shoot("stats")
    visit.open("zh/")
    assert visit.page.get_attribute("html", "lang") == "zh"
    visit.shoot("chinese-home")
    visit.assert_clean()


def _catalog() -> Any:
    from alignhub.pipeline import load

    return load(REPO).catalog


def test_typing_dpo_shows_the_dpo_paper_among_the_first_results(reader: Visit) -> None:
    reader.open("")
    search(reader, "DPO")
    results = visible_results(reader, 3)
    reader.shoot("search-dpo")
    assert ("DPO: Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
            "/papers/dpo/") in results, results
    assert not any("/zh/" in path for _, path in visible_results(reader, 20))
    reader.assert_clean()


def test_chinese_terms_find_their_entries_on_the_chinese_site(reader: Visit) -> None:
    catalog = _catalog()
    interpretability = {item.id for item in catalog.entries if item.section == "interpretability"}
    preference = {item.id for item in catalog.entries
                  if item.entry.topic == "offline-preference-optimization" or "dpo" in item.entry.tags}
    for query, expected in (("可解释性", interpretability), ("偏好优化", preference)):
        reader.open("zh/")
        search(reader, query)
        results = visible_results(reader, 5)
        reader.shoot(f"search-zh-{len(query)}-{sorted(expected)[0]}")
        found = [re.fullmatch(r"/zh/papers/([a-z0-9-]+)/", path) for _, path in results]
        assert all(found), results  # entry pages of the Chinese site only
        assert all(match.group(1) in expected for match in found if match), (query, results)
    reader.assert_clean()


def test_related_entries_of_a_dpo_family_paper_are_mostly_dpo_family(reader: Visit) -> None:
    by_id = {item.id: item for item in _catalog().entries}
    reader.open("papers/dpo/")
    related = reader.page.locator("ol.ah-related a")
    assert related.count() == 5
    ids = [re.search(r"papers/([a-z0-9-]+)/", related.nth(i).evaluate("a => a.href")).group(1) for i in range(5)]
    family = [i for i in ids if by_id[i].entry.topic == "offline-preference-optimization" or "dpo" in by_id[i].entry.tags]
    assert len(family) >= 3, ids
    reader.shoot("paper-dpo")
    reader.assert_clean()


def test_on_a_phone_the_first_entry_shows_without_scrolling(phone: Visit) -> None:
    phone.open("all/")
    first = phone.page.locator(".ah-filter__results > li").first
    first.wait_for()
    box = first.bounding_box()
    assert box is not None and box["y"] < 844, box
    phone.shoot("all-entries-phone")
    phone.assert_clean()


def test_switching_language_keeps_the_page_and_the_filters(reader: Visit) -> None:
    reader.open("all/?topic=offline-preference-optimization")
    reader.page.locator(".ah-filter__count").wait_for()
    reader.page.hover(".md-header__option .md-select")
    reader.page.click("a.md-select__link[hreflang=zh]")
    reader.page.wait_for_url(re.compile(r"/zh/all/\?topic=offline-preference-optimization$"))
    assert reader.page.input_value("select[name=topic]") == "offline-preference-optimization"
    reader.assert_clean()


def test_sort_control_orders_the_list_and_the_url_keeps_it(visit: Visit) -> None:
    visit.open("all/")
    results = visit.page.locator(".ah-filter__results > li")
    visit.page.locator(".ah-filter__count", has_text="9 of 9 entries").wait_for()
    visit.page.select_option("select[name=sort]", "title")
    titles = visit.page.locator(".ah-result__title").all_inner_texts()
    assert titles == sorted(titles, key=str.casefold) and results.count() == 9
    assert visit.page.url.endswith("/all/?sort=title")
    visit.page.evaluate("() => window.scrollTo(0, 0)")
    visit.page.focus("select[name=venue]")
    visit.page.keyboard.press("Tab")  # keyboard focus on the sort control: its ring shows
    focused = visit.page.evaluate(
        "() => [document.activeElement.name, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[0] == "sort" and focused[1] not in ("", "none"), focused
    visit.assert_clean()


def test_a_long_author_list_folds_so_the_summary_shows_on_a_phone(phone: Visit) -> None:
    entry = next(item for item in _catalog().entries if len(item.entry.authors) > 30)
    phone.open(f"papers/{entry.id}/")
    more = phone.page.locator("details.ah-paper__authors .ah-more")
    assert more.inner_text() == f"and {len(entry.entry.authors) - 10} more"
    summary = phone.page.locator(".ah-paper__summary").bounding_box()
    assert summary is not None and summary["y"] < 844, summary  # in the first screen
    authors = phone.page.locator("details.ah-paper__authors")
    last = entry.entry.authors[-1]
    assert authors.evaluate("d => d.open") is False and last not in authors.inner_text()  # folded: not shown
    more.click()
    assert authors.evaluate("d => d.open") is True and last in authors.inner_text()
    phone.shoot("paper-phone")
    phone.assert_clean()


def test_author_venue_and_year_links_lead_to_their_pages_cleanly(visit: Visit) -> None:
    visit.open("papers/dpo/")
    visit.page.click("a.ah-author >> text=Chelsea Finn")
    visit.page.wait_for_url(re.compile(r"/authors/chelsea-finn/$"))
    assert visit.page.locator("article h1").inner_text() == "Chelsea Finn"
    assert visit.page.locator("li.ah-list__item").evaluate_all("items => items.map(li => li.id)") == [
        "dpo", "author-names-probe"]
    visit.page.click("li#dpo a.ah-list__title")
    visit.page.wait_for_url(re.compile(r"/papers/dpo/$"))
    visit.page.click("a.ah-paper__venue")
    visit.page.wait_for_url(re.compile(r"/venues/neurips/#year-2023$"))
    visit.shoot("venue-neurips")
    visit.page.hover(".md-header__option .md-select")
    visit.page.click("a.md-select__link[hreflang=zh]")
    visit.page.wait_for_url(re.compile(r"/zh/venues/neurips/(#year-2023)?$"))  # the selector keeps the anchor
    assert "本目录中发表于 NeurIPS 的 3 个条目" in visit.page.inner_text("article")
    visit.open("zh/papers/kto/")
    visit.page.click("a.ah-paper__year")
    visit.page.wait_for_url(re.compile(r"/zh/years/2024/$"))
    assert visit.page.locator("article h1").inner_text() == "2024 年发布的工作"
    visit.open("sections/methods/")  # its own feed in <head> (no sitemap.xml fetched beside it in vain)
    visit.assert_clean()
