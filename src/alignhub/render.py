"""The generated markdown files (both READMEs, CONTRIBUTING.md), rendered through templates/.

Python hands templates the catalog and a few derived views; every word of markdown lives in the
templates. Their environment and filters (which escape entry text so that no title or summary can
inject a link, image or HTML) are alignhub.templating's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from alignhub import templating
from alignhub.buildcache import BuildCache, fingerprint
from alignhub.catalog import Catalog, CatalogEntry
from alignhub.metadata.lookup import NOTHING, EntryMetadata
from alignhub.rules import RULES
from alignhub.schema import field_rows
from alignhub.templating import make_environment, template_path
from alignhub.words import interface_words

# The generated markdown files, the template each one comes from, and the template of its
# per-entry blocks (rendered once per entry and cached, so one edit re-renders one block).
MARKDOWN_OUTPUTS: dict[str, tuple[str, str | None]] = {
    "README.md": ("README.md.j2", "README.blocks.md.j2"),
    "README.zh-CN.md": ("README.zh-CN.md.j2", "README.zh-CN.blocks.md.j2"),
    "CONTRIBUTING.md": ("CONTRIBUTING.md.j2", None),
}
# Ends each block in a batch render; entry text cannot hold it (the schema refuses control characters).
BLOCK_SEPARATOR = "\x1e"
_FILTERS = Path(templating.__file__)


def _templates_stamp(templates: Path) -> str:
    """Digest of every template that can be looked up and of the filters: what a cached block depends on."""
    sources = [p.read_bytes() for folder in template_path(templates) for p in sorted(folder.rglob("*")) if p.is_file()]
    return fingerprint(Path(__file__).read_bytes(), _FILTERS.read_bytes(), *sources)


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
                    refreshed: str | None = None, commands: Sequence[Any] = ()) -> dict[str, str]:
    """Every generated markdown file, keyed by its path relative to the catalog root.

    `metadata` is `alignhub.metadata.lookup`'s answer and `refreshed` the cache's stamp (YYYY-MM-DD);
    without them (no metadata/ folder) the files are exactly what the entries alone give.
    """
    env = make_environment(templates, bytecode_dir=cache.folder / "jinja" if cache and cache.enabled else None)
    stamp = _templates_stamp(templates)
    env.globals["words"] = interface_words(templates)  # link labels, shared with the site
    context = {"catalog": catalog, "taxonomy": catalog.taxonomy, "fields": field_rows(), "refreshed": refreshed,
               "commands": commands, "rules": list(RULES.values())}
    outputs = {}
    for name, (page, block_template) in MARKDOWN_OUTPUTS.items():
        blocks = render_blocks(env, block_template, catalog.entries, cache, stamp, metadata) if block_template \
            else {}
        outputs[name] = env.get_template(page).render(context, blocks=blocks)
    return outputs
