"""The built site in a real browser: headless Chromium on a 127.0.0.1 server, driven by Playwright.

Every test also checks that the page logged no console error, raised no script error and asked no
host other than 127.0.0.1 for anything. Screenshots go to tests/artifacts/ (kept by CI, ignored by git).
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def base_url(make_site_root: Callable[..., Path], build_site: Callable[[Path], Path]) -> Iterator[str]:
    """The site of the fixture catalog plus the markup probe, served on 127.0.0.1."""
    site = build_site(make_site_root(probe=True))
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


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
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


def search(visit: Visit, words: str) -> None:
    """Type into Material's search box the way a reader does (it listens to key events)."""
    visit.page.locator(".md-search__input").click()
    visit.page.keyboard.type(words, delay=10)


def reveal_result(visit: Visit, anchor: str) -> Any:
    """The search result linking to `#anchor`, unfolding its page's "more on this page" list if needed."""
    link = visit.page.locator(f"a.md-search-result__link[href$='#{anchor}']").first
    link.wait_for(state="attached")
    if not link.is_visible():
        visit.page.locator("details.md-search-result__more", has=link).locator("summary").click()
    link.wait_for(state="visible")
    return link


def test_search_for_preference_optimization_finds_dpo(visit: Visit) -> None:
    visit.open("")
    search(visit, "preference optimization")
    dpo = reveal_result(visit, "dpo")
    assert "Direct Preference Optimization" in dpo.inner_text()
    visit.shoot("search-preference-optimization")
    assert any(url.endswith("/search/search_index.json") for url in visit.requests)  # the worker's fetch is seen
    dpo.click()
    visit.page.wait_for_url(re.compile(r"/sections/methods/.*#dpo$"))
    visit.assert_clean()


def test_topic_filter_narrows_the_list_and_the_url_keeps_it(visit: Visit) -> None:
    visit.open("all/")
    results = visit.page.locator(".ah-filter__results > li")
    count = visit.page.locator(".ah-filter__count")
    count.filter(has_text="8 of 8 entries").wait_for()
    assert results.count() == 8
    visit.page.select_option("select[name=topic]", "offline-preference-optimization")
    count.filter(has_text="3 of 8 entries").wait_for()
    assert sorted(results.evaluate_all("items => items.map(li => li.dataset.id)")) == ["dpo", "kto", "odpo"]
    assert visit.page.url.endswith("/all/?topic=offline-preference-optimization")
    visit.page.fill("input[name=q]", "prospect")
    count.filter(has_text="1 of 8 entries").wait_for()
    assert visit.page.url.endswith("/all/?topic=offline-preference-optimization&text=prospect")
    visit.page.reload(wait_until="networkidle")
    count.filter(has_text="1 of 8 entries").wait_for()
    assert visit.page.input_value("select[name=topic]") == "offline-preference-optimization"
    assert visit.page.input_value("input[name=q]") == "prospect"
    assert results.evaluate_all("items => items.map(li => li.dataset.id)") == ["kto"]
    visit.shoot("all-entries-filtered")
    visit.page.evaluate("() => window.scrollTo(0, 0)")  # the header floats over a scrolled form
    visit.page.click("[data-clear]")
    count.filter(has_text="8 of 8 entries").wait_for()
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
    visit.open("sections/safety/")
    heading = visit.page.locator("h3#xss-title-probe")
    assert heading.evaluate("h => h.firstChild.textContent") == PROBE_TITLE
    assert visit.page.locator("article img[src=x]").count() == 0
    assert visit.page.locator(".ah-entry__short", has_text="<b>XSS</b>").count() == 1
    visit.shoot("markup-probe-section")
    visit.open("all/?text=probing")
    visit.page.locator(".ah-filter__count", has_text="1 of 8 entries").wait_for()
    assert visit.page.inner_text(".ah-result__title") == PROBE_TITLE
    search(visit, "probing injection")
    reveal_result(visit, "xss-title-probe")
    visit.shoot("markup-probe-search")
    assert visit.page.evaluate("() => window.__xss") is None
    visit.assert_clean()


def test_home_and_stats_pages_render_cleanly(visit: Visit) -> None:
    visit.open("")
    assert visit.page.locator(".ah-newest li").count() == 8
    visit.shoot("home")
    visit.open("stats/")
    assert visit.page.locator("svg.ah-svg").count() == 2
    visit.shoot("stats")
    visit.open("zh/")
    assert visit.page.get_attribute("html", "lang") == "zh"
    visit.shoot("chinese-home")
    visit.assert_clean()
