"""Rendering through the Jinja templates in templates/: the Jinja environment and its filters.

Python hands templates the catalog and a few derived views; every word of markdown lives in the
templates. Filters escape entry text so that no title or summary can inject a link, image or HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from alignhub.buildcache import BuildCache, fingerprint
from alignhub.catalog import Catalog, CatalogEntry
from alignhub.metadata.lookup import NOTHING, EntryMetadata
from alignhub.schema import field_rows

# The generated markdown files, the template each one comes from, and the template of its
# per-entry blocks (rendered once per entry and cached, so one edit re-renders one block).
MARKDOWN_OUTPUTS: dict[str, tuple[str, str | None]] = {
    "README.md": ("README.md.j2", "README.blocks.md.j2"),
    "README.zh-CN.md": ("README.zh-CN.md.j2", "README.zh-CN.blocks.md.j2"),
    "CONTRIBUTING.md": ("CONTRIBUTING.md.j2", None),
}
# Ends each block in a batch render; entry text cannot hold it (the schema refuses control characters).
BLOCK_SEPARATOR = "\x1e"

# Characters with meaning in CommonMark/GFM inline syntax: links, images, emphasis, code, HTML,
# tables, strikethrough, math. Escaped with a backslash they render as themselves.
_MD_SPECIAL = "\\`*_[]{}<>|~$"
_MD_ESCAPES = str.maketrans({ch: "\\" + ch for ch in _MD_SPECIAL})
_NEEDS_ESCAPE = re.compile("[" + re.escape(_MD_SPECIAL) + "&]")  # most text has none: skip the translation
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_URL_ESCAPES = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22", "`": "%60"})
_URL_NEEDS_ESCAPE = re.compile(r"[ ()<>\"`]")


def markdown_escape(text: Any) -> str:
    """Entry text as inert markdown: every syntax character escaped, entities neutralised."""
    text = str(text)
    if not _NEEDS_ESCAPE.search(text):
        return text
    escaped = text.translate(_MD_ESCAPES)
    return _ENTITY.sub(r"\\&", escaped) if "&" in escaped else escaped


def markdown_url(url: str) -> str:
    """A URL safe inside a markdown link target."""
    return url.translate(_URL_ESCAPES) if _URL_NEEDS_ESCAPE.search(url) else url


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in " -_" or category[0] in "LN" or category == "Mn":
            kept.append("-" if ch == " " else ch)
    return "".join(kept)


def make_environment(templates: Path, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The markdown Jinja environment; compiled templates are kept in `bytecode_dir` when given."""
    bytecode_cache = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
        except OSError:
            pass  # a read-only checkout compiles the templates each time
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode_cache,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # markdown output; escaping is explicit through the `md` filter
    )
    env.filters["md"] = markdown_escape
    env.filters["url"] = markdown_url
    env.filters["anchor"] = github_anchor
    env.filters["compact"] = compact_number
    return env


def report_environment(root: Path) -> jinja2.Environment:
    """The environment for a command's report (`links`, `watch`): the catalog's templates first; a
    catalog with templates of its own but none for this report falls back to the shipped ones."""
    from alignhub import resources

    env = make_environment(resources.templates_dir(root))
    shipped = [Path(resources.__file__).parent / "_templates", Path(resources.__file__).parents[2] / "templates"]
    folders = [resources.templates_dir(root), *(p for p in shipped if p.is_dir())]
    env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders])
    return env


def _templates_stamp(templates: Path) -> str:
    """Digest of every template and of this module's filters: what a cached block depends on."""
    sources = [p.read_bytes() for p in sorted(templates.rglob("*")) if p.is_file()]
    return fingerprint(Path(__file__).read_bytes(), *sources)


def compact_number(value: int) -> str:
    """950 → "950", 1234 → "1.2k", 12345 → "12k", 1234567 → "1.2M": a count at a glance (stars, citations)."""
    if value < 1000:
        return str(value)
    for limit, suffix in ((1_000, "k"), (1_000_000, "M")):
        scaled = value / limit
        text = f"{scaled:.1f}" if scaled < 9.95 else f"{scaled:.0f}"
        if float(text) < 1000 or suffix == "M":  # 999,999 is "1M", not "1000k"
            return text.removesuffix(".0") + suffix
    raise AssertionError("unreachable")  # pragma: no cover


def _block_key(stamp: str, template: str, item: CatalogEntry, meta: EntryMetadata) -> str:
    """What a cached block depends on: the templates, the entry and, when the cache has any, its metadata."""
    key = f"{stamp}/{template}/{item.cache_key}"
    return key if meta.empty else f"{key}/{fingerprint(repr(meta).encode())}"


def render_blocks(
    env: jinja2.Environment, template: str, entries: list[CatalogEntry], cache: BuildCache | None, stamp: str,
    metadata: Mapping[str, EntryMetadata] | None = None,
) -> dict[str, str]:
    """Each entry's block from `template`, keyed by entry id; only uncached entries are rendered."""
    metadata = metadata or {}
    blocks: dict[str, str] = {}
    missing: list[CatalogEntry] = []
    for item in entries:
        key = _block_key(stamp, template, item, metadata.get(item.id, NOTHING))
        hit = cache.get("block", key) if cache and item.cache_key else None
        if hit is None:
            missing.append(item)
        else:
            blocks[item.id] = hit
    if missing:
        meta = {item.id: metadata.get(item.id, NOTHING) for item in missing}
        text = env.get_template(template).render(items=missing, meta=meta, sep=BLOCK_SEPARATOR)
        parts = text.split(BLOCK_SEPARATOR + "\n")
        if len(parts) != len(missing) + 1:
            raise jinja2.TemplateError(f"{template} must end every entry's block with {{{{ sep }}}} on its own line")
        for item, part in zip(missing, parts, strict=False):
            blocks[item.id] = part.rstrip("\n")
            if cache and item.cache_key:
                cache.put("block", _block_key(stamp, template, item, meta[item.id]), blocks[item.id])
    return blocks


def render_markdown(catalog: Catalog, templates: Path, cache: BuildCache | None = None,
                    metadata: Mapping[str, EntryMetadata] | None = None,
                    refreshed: str | None = None) -> dict[str, str]:
    """Every generated markdown file, keyed by its path relative to the catalog root.

    `metadata` is `alignhub.metadata.lookup`'s answer and `refreshed` the cache's stamp (YYYY-MM-DD);
    without them (no metadata/ folder) the files are exactly what the entries alone give.
    """
    env = make_environment(templates, cache.folder / "jinja" if cache and cache.enabled else None)
    stamp = _templates_stamp(templates)
    context = {"catalog": catalog, "taxonomy": catalog.taxonomy, "fields": field_rows(), "refreshed": refreshed}
    outputs = {}
    for name, (page, block_template) in MARKDOWN_OUTPUTS.items():
        blocks = render_blocks(env, block_template, catalog.entries, cache, stamp, metadata) if block_template \
            else {}
        outputs[name] = env.get_template(page).render(context, blocks=blocks)
    return outputs
