"""Rendering through the Jinja templates in templates/: the Jinja environment and its filters.

Python hands templates the catalog and a few derived views; every word of markdown lives in the
templates. Filters escape entry text so that no title or summary can inject a link, image or HTML.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import jinja2

from alignhub.catalog import Catalog
from alignhub.schema import field_rows

# The generated markdown files and the template each one comes from.
MARKDOWN_OUTPUTS: dict[str, str] = {
    "README.md": "README.md.j2",
    "README.zh-CN.md": "README.zh-CN.md.j2",
    "CONTRIBUTING.md": "CONTRIBUTING.md.j2",
}

# Characters with meaning in CommonMark/GFM inline syntax: links, images, emphasis, code, HTML,
# tables, strikethrough, math. Escaped with a backslash they render as themselves.
_MD_ESCAPES = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]{}<>|~$"})
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_URL_ESCAPES = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22", "`": "%60"})


def markdown_escape(text: Any) -> str:
    """Entry text as inert markdown: every syntax character escaped, entities neutralised."""
    escaped = str(text).translate(_MD_ESCAPES)
    return _ENTITY.sub(r"\\&", escaped) if "&" in escaped else escaped


def markdown_url(url: str) -> str:
    """A URL safe inside a markdown link target."""
    return url.translate(_URL_ESCAPES)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in " -_" or category[0] in "LN" or category == "Mn":
            kept.append("-" if ch == " " else ch)
    return "".join(kept)


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # markdown output; escaping is explicit through the `md` filter
    )
    env.filters["md"] = markdown_escape
    env.filters["url"] = markdown_url
    env.filters["anchor"] = github_anchor
    return env


def render_markdown(catalog: Catalog, templates: Path) -> dict[str, str]:
    """Every generated markdown file, keyed by its path relative to the catalog root."""
    env = make_environment(templates)
    context = {"catalog": catalog, "taxonomy": catalog.taxonomy, "fields": field_rows()}
    return {name: env.get_template(template).render(context) for name, template in MARKDOWN_OUTPUTS.items()}
