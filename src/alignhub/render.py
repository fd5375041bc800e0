"""The generated markdown files (both READMEs, CONTRIBUTING.md), rendered through templates/.

Python hands templates the catalog and a few derived views; every word of markdown lives in the
templates. Their environment and filters (which escape entry text so that no title or summary can
inject a link, image or HTML) are alignhub.templating's.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import jinja2

from alignhub.buildcache import BuildCache, tree_digest
from alignhub.catalog import Catalog, CatalogEntry
from alignhub.fsutil import digest
from alignhub.metadata.lookup import NOTHING, EntryMetadata
from alignhub.rules import RULES
from alignhub.schema import field_rows
from alignhub.templating import make_environment, template_path
from alignhub.words import interface_words

# The generated markdown files, the template each one comes from, the template of one entry's block
# and the template of one topic's listing of blocks. Blocks and listings are cached: a rebuild after
# one edit renders that entry's block and its topic's listing, and serves every other topic whole.
MARKDOWN_OUTPUTS: dict[str, tuple[str, str | None, str | None]] = {
    "README.md": ("README.md.j2", "README.blocks.md.j2", "README.listing.md.j2"),
    "README.zh-CN.md": ("README.zh-CN.md.j2", "README.zh-CN.blocks.md.j2", "README.zh-CN.listing.md.j2"),
    "CONTRIBUTING.md": ("CONTRIBUTING.md.j2", None, None),
    # The command reference: every command's `--help`, a page of the site as well.
    "docs/cli.md": ("cli.md.j2", None, None),
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
        key = _block_key(f"{stamp}/{template}", item, meta) if cache else None
        block = cache.get("block", key) if cache and key else None
        if block is None:
            try:
                block = _render_block(page, context, item, meta)
            except Exception:
                env.handle_exception()  # re-raises, with the template's file and line in the traceback
            if cache and key:
                cache.put("block", key, block)
        blocks[item.id] = block
    return blocks


def _render_block(page: jinja2.Template, context: dict[str, Any], item: CatalogEntry, meta: EntryMetadata) -> str:
    return "".join(page.root_render_func(page.new_context(
        {**context, "item": item, "meta": meta}, shared=True))).rstrip("\n")


# Below this many blocks to render, starting worker processes costs more than it saves.
PARALLEL_MIN_BLOCKS = 2000
_worker_job: tuple[list[jinja2.Template], list[CatalogEntry], Mapping[str, EntryMetadata]] | None = None


def _render_chunk(indices: list[int]) -> list[list[str] | None]:
    """Worker side: every block template rendered for each entry of `indices` (None where one fails:
    the parent renders that entry again itself, to report the error with the template's line)."""
    assert _worker_job is not None
    pages, entries, metadata = _worker_job
    contexts = [dict(page.globals) for page in pages]
    rendered: list[list[str] | None] = []
    for i in indices:
        item = entries[i]
        meta = metadata.get(item.id, NOTHING)
        try:
            rendered.append([_render_block(page, ctx, item, meta) for page, ctx in zip(pages, contexts, strict=True)])
        except Exception:  # any failure is the parent's to report, with the template's line
            rendered.append(None)
    return rendered


def prerender_blocks(
    env: jinja2.Environment, templates: list[str], catalog: Catalog, cache: BuildCache | None, stamp: str,
    metadata: Mapping[str, EntryMetadata], workers: int,
) -> None:
    """Render the blocks the cache lacks on `workers` forked processes, into the cache, when there are
    enough of them to pay for the processes (a cold build of a big catalog): each worker builds the
    models of its own entries, so that work is spread too. Listings then find every block cached."""
    if not cache or not cache.enabled or workers < 2 or "fork" not in mp.get_all_start_methods():
        return
    keys = {t: [_block_key(f"{stamp}/{t}", item, metadata.get(item.id, NOTHING)) for item in catalog.entries]
            for t in templates}
    todo = [i for i in range(len(catalog.entries))
            if any((key := keys[t][i]) and cache.get("block", key) is None for t in templates)]
    if len(todo) * len(templates) < PARALLEL_MIN_BLOCKS:
        return
    global _worker_job
    _worker_job = ([env.get_template(t) for t in templates], catalog.entries, metadata)
    size = -(-len(todo) // (workers * 4))  # a few chunks per worker evens out their finishing times
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            for chunk, rendered in zip(chunks, pool.map(_render_chunk, chunks), strict=True):
                for i, blocks in zip(chunk, rendered, strict=True):
                    for template, block in zip(templates, blocks or (), strict=False):
                        key = keys[template][i]
                        if key:
                            cache.put("block", key, block)
    finally:
        _worker_job = None


def _block_key(prefix: str, item: CatalogEntry, meta: EntryMetadata) -> str | None:
    """What an entry's block is cached under: the templates, the entry and, when the metadata cache has
    any, its metadata. None for an entry that did not come from a file (nothing keys it)."""
    if not item.cache_key:
        return None
    if meta is NOTHING or meta.empty:
        return f"{prefix}/{item.cache_key}"
    return f"{prefix}/{item.cache_key}/{digest(repr(meta).encode())}"


def render_listings(
    env: jinja2.Environment, block_template: str, listing_template: str, catalog: Catalog,
    cache: BuildCache | None, stamp: str, metadata: Mapping[str, EntryMetadata] | None = None,
) -> dict[str, str]:
    """Each topic's listing, keyed by topic id: `listing_template` rendered with the topic's `entries`
    (in listing order) and their `blocks`. A listing is cached under its blocks' keys, in order: a
    topic none of whose entries changed (nor moved) is served whole, without reading its entries."""
    metadata = metadata or {}
    listing = env.get_template(listing_template)
    listings: dict[str, str] = {}
    prefix = f"{stamp}/{block_template}"
    for group in catalog.sections:
        for topic in group.topics:
            if not topic.entries:
                continue
            keys = [_block_key(prefix, item, metadata.get(item.id, NOTHING)) for item in topic.entries]
            key = digest("\n".join([listing_template, *(k or "" for k in keys)]).encode()) \
                if cache and all(keys) else None
            text = cache.get("listing", key) if cache and key else None
            if text is None:
                blocks = render_blocks(env, block_template, topic.entries, cache, stamp, metadata)
                text = listing.render(entries=topic.entries, blocks=blocks).rstrip("\n")
                if cache and key:
                    cache.put("listing", key, text)
            listings[topic.topic.id] = text
    return listings


def render_markdown(catalog: Catalog, templates: Path, cache: BuildCache | None = None,
                    metadata: Mapping[str, EntryMetadata] | None = None,
                    refreshed: str | None = None, commands: Sequence[Any] = (), cli_help: str = "",
                    workers: int = 1) -> dict[str, str]:
    """Every generated markdown file, keyed by its path relative to the catalog root.

    `metadata` is `alignhub.metadata.lookup`'s answer and `refreshed` the cache's stamp (YYYY-MM-DD);
    without them (no metadata/ folder) the files are exactly what the entries alone give.
    """
    env = make_environment(templates, bytecode_dir=cache.folder / "jinja" if cache and cache.enabled else None)
    stamp = tree_digest(*template_path(templates))  # the code is part of the cache's fingerprint
    env.globals["words"] = interface_words(templates)  # link labels, shared with the site
    context = {"catalog": catalog, "taxonomy": catalog.taxonomy, "fields": field_rows(), "refreshed": refreshed,
               "commands": commands, "cli_help": cli_help, "rules": list(RULES.values())}
    block_templates = [block for _, block, _ in MARKDOWN_OUTPUTS.values() if block]
    prerender_blocks(env, block_templates, catalog, cache, stamp, metadata or {}, workers)
    outputs = {}
    for name, (page, block_template, listing_template) in MARKDOWN_OUTPUTS.items():
        listings = render_listings(env, block_template, listing_template, catalog, cache, stamp, metadata) \
            if block_template and listing_template else {}
        outputs[name] = env.get_template(page).render(context, listings=listings)
    return outputs
