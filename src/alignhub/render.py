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

from alignhub.buildcache import BuildCache, digest, tree_digest
from alignhub.catalog import Catalog, CatalogEntry
from alignhub.metadata.lookup import NOTHING, EntryMetadata
from alignhub.rules import RULES
from alignhub.schema import field_rows
from alignhub.templating import make_environment, template_path
from alignhub.words import interface_words

# The generated markdown files, the template each one comes from, and the template of one entry's
# block (rendered once per entry and cached, so one edit re-renders one block).
MARKDOWN_OUTPUTS: dict[str, tuple[str, str | None]] = {
    "README.md": ("README.md.j2", "README.blocks.md.j2"),
    "README.zh-CN.md": ("README.zh-CN.md.j2", "README.zh-CN.blocks.md.j2"),
    "CONTRIBUTING.md": ("CONTRIBUTING.md.j2", None),
    # The command reference: every command's `--help`, a page of the site as well.
    "docs/cli.md": ("cli.md.j2", None),
}


def render_blocks(
    env: jinja2.Environment, template: str, entries: list[CatalogEntry], cache: BuildCache | None, stamp: str,
    metadata: Mapping[str, EntryMetadata] | None = None,
) -> dict[str, str]:
    """Each entry's block, `template` rendered with the entry as `item` and its metadata as `meta`,
    keyed by entry id. A block is cached under what it depends on: the templates (`stamp`), the entry
    and, when the metadata cache has any, its metadata; only the entries without one are rendered."""
    metadata = metadata or {}
    blocks: dict[str, str] = {}
    page = env.get_template(template)
    # What Template.render does for each call, with the globals merged once instead of 20,000 times
    # (a third of the cost of rendering the blocks of 10,000 entries in two languages).
    context = dict(page.globals)
    for item in entries:
        meta = metadata.get(item.id, NOTHING)
        key = f"{stamp}/{template}/{item.cache_key}" + ("" if meta.empty else f"/{digest(repr(meta).encode())}")
        block = cache.get("block", key) if cache and item.cache_key else None
        if block is None:
            try:
                block = "".join(page.root_render_func(page.new_context(
                    {**context, "item": item, "meta": meta}, shared=True))).rstrip("\n")
            except Exception:
                env.handle_exception()  # re-raises, with the template's file and line in the traceback
            if cache and item.cache_key:
                cache.put("block", key, block)
        blocks[item.id] = block
    return blocks


def render_markdown(catalog: Catalog, templates: Path, cache: BuildCache | None = None,
                    metadata: Mapping[str, EntryMetadata] | None = None,
                    refreshed: str | None = None, commands: Sequence[Any] = (), cli_help: str = "") -> dict[str, str]:
    """Every generated markdown file, keyed by its path relative to the catalog root.

    `metadata` is `alignhub.metadata.lookup`'s answer and `refreshed` the cache's stamp (YYYY-MM-DD);
    without them (no metadata/ folder) the files are exactly what the entries alone give.
    """
    env = make_environment(templates, bytecode_dir=cache.folder / "jinja" if cache and cache.enabled else None)
    stamp = tree_digest(*template_path(templates))  # the code is part of the cache's fingerprint
    env.globals["words"] = interface_words(templates)  # link labels, shared with the site
    context = {"catalog": catalog, "taxonomy": catalog.taxonomy, "fields": field_rows(), "refreshed": refreshed,
               "commands": commands, "cli_help": cli_help, "rules": list(RULES.values())}
    outputs = {}
    for name, (page, block_template) in MARKDOWN_OUTPUTS.items():
        blocks = render_blocks(env, block_template, catalog.entries, cache, stamp, metadata) if block_template \
            else {}
        outputs[name] = env.get_template(page).render(context, blocks=blocks)
    return outputs
