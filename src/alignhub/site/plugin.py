"""The `alignhub` MkDocs plugin: the catalog's pages, in English at / and Chinese at /zh/, in memory.

Its options are in alignhub.site.config; `enabled: false` turns it off (a docs-only build).

Events, each with one job:
- on_config: add the theme overrides, stylesheet and filter script; put the generated pages in the nav.
- on_files:  load the catalog through the same pipeline as the CLI and add every generated page and
             download as `File.generated` (nothing is written under docs/); teach jieba the catalog's
             Chinese terms. Under `mkdocs serve`, a catalog with problems logs them and keeps the
             last good pages, so the server goes on answering while the entry is fixed.
- on_nav:    build the Chinese navigation from the same structure.
- on_env:    give the theme `alignhub_shared`, where entry pages keep the parts of the page they all
             share (the navigation), rendered once per build.
- on_page_markdown: give each page its language and its counterpart in the other language.
- on_page_content: put the HTML kept for each page's slots in place (see alignhub.site.pages).
- on_page_context: Chinese pages get the Chinese nav and site name; generated pages' tags stay out
             of the search index; a page's additions to <head> (`Site.heads`: an entry page's citation
             data, a section page's feed) go to the theme as its `alignhub_head` meta.
- on_post_page: keep the frame of the author, venue and year pages (alignhub.site.frames).
- on_post_template: the sitemap lists those pages, not their frames.
- on_post_build: write the author, venue and year pages from their frames; split the search index
             by language; write zh/sitemap.xml, which Material's language selector asks for.
- on_serve:  rebuild when an entry (or the metadata cache) changes.

mkdocs-static-i18n cannot be used here: it rejects in-memory pages (research/api-brief.md §6).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date, write_file
from mkdocs.utils.templates import TemplateContext

from alignhub import fsutil, pipeline
from alignhub.loader import ENTRIES_DIR
from alignhub.metadata.lookup import lookup
from alignhub.metadata.store import METADATA_DIR
from alignhub.problems import summarize
from alignhub.resources import templates_dir
from alignhub.site import frames, search, urls
from alignhub.site.config import AlignhubConfig
from alignhub.site.pages import ZH_TAG, Site, SiteOptions, render_site
from alignhub.site.people import read_aliases
from alignhub.taxonomy import TaxonomyError
from alignhub.templating import SITE_TEMPLATES, template_path
from alignhub.words import interface_words

THEME_OVERRIDES = "theme"
log = logging.getLogger("mkdocs.plugins.alignhub")


class AlignhubPlugin(BasePlugin[AlignhubConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: Site | None = None
        self.user_nav: list[Any] = []
        self.zh_nav: Navigation | None = None
        self.zh_config: MkDocsConfig | None = None
        self.alternates: dict[str, dict[str, str]] = {}
        self.files: Files | None = None
        self.frames: dict[str, str] = {}  # frame page's source path → its HTML, as Material rendered it
        self.serving = False
        self._config_dir = Path.cwd()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @property
    def root(self) -> Path:
        return Path(self.config.root).resolve() if self.config.root else self._config_dir

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled:
            return config
        self._config_dir = Path(config.config_file_path or ".").resolve().parent
        templates = templates_dir(self.root)
        # Theme overrides, looked up like every template: the catalog's own first, then the shipped ones.
        overrides = [f / SITE_TEMPLATES / THEME_OVERRIDES for f in template_path(templates)]
        for position, folder in enumerate(o for o in overrides if o.is_dir()):
            if str(folder) not in config.theme.dirs:
                config.theme.dirs.insert(position, str(folder))
        for css in (urls.ASSETS + "alignhub.css",):
            if css not in config.extra_css:
                config.extra_css.append(css)
        scripts = [str(s) for s in config.extra_javascript]
        if urls.ASSETS + "filter.js" not in scripts:
            config.extra_javascript.append(urls.ASSETS + "filter.js")
        # The nav given in mkdocs.yml lists the hand-written pages; the generated ones go first.
        self.user_nav = list(config.nav or [])
        return config

    @event_priority(50)  # before the tags and search plugins read the files
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        root = self.root
        if not (root / ENTRIES_DIR).is_dir():
            raise PluginError(f"alignhub: no {ENTRIES_DIR}/ folder in {root} (set the plugin's `root` option)")
        try:
            loaded = pipeline.load(root)
        except TaxonomyError as err:
            raise PluginError("alignhub: the taxonomy is broken:\n" + str(err)) from None
        if loaded.problems:
            lines = [p.format() for p in loaded.problems] + [summarize(loaded.problems)]
            message = "alignhub: the catalog has problems (run `alignhub validate`):\n" + "\n".join(lines)
            if not (self.serving and self.site is not None):
                raise PluginError(message)
            log.error(message + "\nalignhub: serving the last good build until they are fixed")
            return self._add_pages(files, config)
        options = SiteOptions(
            use_directory_urls=config.use_directory_urls,
            site_url=config.site_url or None,
            newest=self.config.newest,
            feed_size=self.config.feed_size,
        )
        metadata = lookup(root, loaded.catalog)
        search.teach_jieba(search.chinese_words(loaded.catalog))
        try:
            aliases = read_aliases(root)
            self.site = render_site(loaded.catalog, templates_dir(root), metadata, options, aliases)
        except jinja2.TemplateError as err:
            where = f"{err.filename}:{err.lineno}: " if isinstance(err, jinja2.TemplateSyntaxError) else ""
            raise PluginError(f"alignhub: template error: {where}{err.message or err}") from None
        except (OSError, ValueError) as err:
            raise PluginError(f"alignhub: {err}") from None
        return self._add_pages(files, config)

    def _add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        """Add the generated pages and files; Chinese pages, entry pages and the author, venue and year
        pages stay out of the nav."""
        assert self.site is not None
        for file in files:  # hand-written Chinese pages belong to the Chinese nav, built in on_nav
            if file.src_uri.startswith(urls.ZH_PREFIX) and file.inclusion.is_in_nav():
                file.inclusion = InclusionLevel.NOT_IN_NAV
        for src_uri, text in sorted({**self.site.pages, **self.site.files}.items()):
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"alignhub: docs/{src_uri} is in the way of the generated page of that name; "
                                  "move or rename it (generated pages are never committed under docs/)")
            hidden = (src_uri.startswith(urls.ZH_PREFIX) or src_uri in self.site.entry_pages
                      or src_uri in self.site.frame_pages)
            inclusion = InclusionLevel.NOT_IN_NAV if hidden else InclusionLevel.UNDEFINED
            files.append(File.generated(config, src_uri, content=text, inclusion=inclusion))
        config.nav = self.site.nav["en"] + self.user_nav
        return files

    def _zh_nav_items(self, files: Files) -> list[Any]:
        """The Chinese nav: generated Chinese pages, then the hand-written pages that have a zh/ copy."""
        assert self.site is not None
        items: list[Any] = list(self.site.nav["zh"])
        for item in self.user_nav:
            path = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(path, str) and files.get_file_from_path(urls.ZH_PREFIX + path) is not None:
                items.append(urls.ZH_PREFIX + path)
        return items

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        if not self.config.enabled or self.site is None:
            return nav
        zh_config = copy.copy(config)
        zh_config.site_name = interface_words(templates_dir(self.root))["zh"]["site_name"]
        self.zh_config = zh_config
        zh_config.nav = self._zh_nav_items(files)
        zh_files = Files([f for f in files if f.src_uri.startswith(urls.ZH_PREFIX)])
        self.zh_nav = get_navigation(zh_files, zh_config)
        home = files.get_file_from_path(urls.ZH_PREFIX + urls.HOME)
        self.zh_nav.homepage = home.page if home is not None else None
        self.alternates = _alternates(files)
        self.files = files
        return nav

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        chinese = page.file.src_uri.startswith(urls.ZH_PREFIX)
        page.meta.setdefault("alignhub_lang", "zh" if chinese else "en")
        page.meta["alignhub_alternates"] = self.alternates.get(page.file.src_uri, {})
        if chinese and isinstance(page.meta.get("tags"), list):
            page.meta["tags"] = [*page.meta["tags"], ZH_TAG]
        return markdown

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if not self.config.enabled:
            return env
        env.globals["alignhub_shared"] = SharedFragments()
        return env

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.config.enabled and page.file.generated_by == "alignhub" and self.site is not None:
            return self.site.fill_slots(html)
        return html

    @event_priority(100)  # before the search plugin indexes the page and its tags
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if page.file.generated_by == "alignhub" and "tags" in page.meta:
            # The tags plugin has read them by now. Search would copy a section page's tags (every
            # tag of its entries) into each entry's record and rank by them; leave them out.
            page.meta["tags"] = []
        if self.config.enabled and self.site is not None:  # set on every page: front matter cannot give it
            page.meta["alignhub_head"] = Markup(self.site.heads.get(page.file.src_uri, ""))  # escaped by _head.html.j2
        if self.config.enabled and page.meta.get("alignhub_lang") == "zh" and self.zh_nav and self.zh_config:
            context["nav"] = self.zh_nav
            context["config"] = self.zh_config
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.config.enabled and self.site is not None and page.file.src_uri in self.site.frame_pages:
            self.frames[page.file.src_uri] = output
        return output

    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        if not self.config.enabled or template_name != "sitemap.xml" or self.site is None or self.files is None:
            return output
        listed: list[Any] = [f for f in self.files.documentation_pages() if f.src_uri not in self.site.frame_pages]
        base = (config.site_url or "").rstrip("/") + "/"
        for src_uri in sorted(self.site.listings):
            url = base + urls.page_url(src_uri, config.use_directory_urls)
            listed.append(SimpleNamespace(page=SimpleNamespace(is_link=False, canonical_url=url, abs_url=url,
                                                               update_date=get_build_date())))
        return str(config.theme.get_env().get_template("sitemap.xml").render(pages=listed))

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        if self.site is not None:
            self._write_listings(Path(config.site_dir), config.use_directory_urls)
            search.split_index(Path(config.site_dir), self.site.search_docs, _chinese_segmenter(config))
        # Material fetches sitemap.xml below every `extra.alternate` link; give the Chinese one its own.
        if self.zh_nav is None:
            return
        env = config.theme.get_env()
        pages = [p.file for p in self.zh_nav.pages]
        text = env.get_template("sitemap.xml").render(pages=pages)
        fsutil.atomic_write_text(Path(config.site_dir) / urls.ZH_PREFIX / "sitemap.xml", text)

    def _write_listings(self, site_dir: Path, use_directory_urls: bool) -> None:
        """Each author, venue and year page from the frame of its language; the frames themselves go."""
        assert self.site is not None
        for src_uri, listing in sorted(self.site.listings.items()):
            frame = frames.frame_of(src_uri)
            html = frames.fill(self.frames[frame], frame, src_uri, listing, use_directory_urls)
            write_file(html.encode("utf-8"), str(site_dir / frames.output_path(src_uri, use_directory_urls)))
        for frame in self.site.frame_pages:
            path = site_dir / frames.output_path(frame, use_directory_urls)
            path.unlink(missing_ok=True)
            if use_directory_urls and path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()
        self.frames.clear()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        if not self.config.enabled:
            return server
        server.watch(str(self.root / ENTRIES_DIR))
        server.watch(str(templates_dir(self.root)))  # the site templates and strings.yaml
        if (self.root / METADATA_DIR).is_dir():
            server.watch(str(self.root / METADATA_DIR))
        return server


def _chinese_segmenter(config: MkDocsConfig) -> Callable[[str], str] | None:
    """Material's own jieba step for Chinese text, so entry documents are segmented like every page."""
    material = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(material, "search_index", None)
    return getattr(index, "_segment_chinese", None)


class SharedFragments:
    """HTML that many pages share, rendered by the first of them and kept for the rest of one build."""

    def __init__(self) -> None:
        self._kept: dict[str, Markup] = {}

    def get(self, key: str) -> Markup | None:
        return self._kept.get(key)

    def keep(self, key: str, html: str) -> Markup:
        self._kept[key] = Markup(html)
        return self._kept[key]


def _alternates(files: Files) -> dict[str, dict[str, str]]:
    """For each page, the URL of the same page in each language ('./' for the home page)."""
    pages = {f.src_uri: f for f in files.documentation_pages()}
    found: dict[str, dict[str, str]] = {}
    for src_uri in pages:
        english = src_uri[len(urls.ZH_PREFIX):] if src_uri.startswith(urls.ZH_PREFIX) else src_uri
        chinese = urls.ZH_PREFIX + english
        found[src_uri] = {
            lang: (pages[other].url or "./") for lang, other in (("en", english), ("zh", chinese)) if other in pages
        }
    return found
