"""Every Jinja environment of alignhub: one factory, one template lookup, and the filters.

Templates are looked up file by file: a catalog's own `templates/` first, then the templates shipped
with alignhub, so a catalog overrides only the files it wants to (README, a report, one site page)
for every output. Markdown outputs escape entry text through the `md` filter; HTML and the feed's
XML are autoescaped; BibTeX templates (`*.bib.j2`) escape entry text for LaTeX through `tex`.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import jinja2

from alignhub import resources

SITE_TEMPLATES = "site"


def template_path(templates: Path) -> list[Path]:
    """Where templates are looked up, in order: `templates` (a catalog's own), then the shipped ones."""
    found: list[Path] = []
    for folder in (templates, *resources.shipped_templates()):
        if folder.is_dir() and folder.resolve() not in {f.resolve() for f in found}:
            found.append(folder)
    return found or [templates]


def template_file(templates: Path, name: str) -> Path:
    """The file a template name resolves to (the first folder of the lookup that holds it)."""
    for folder in template_path(templates):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"no template {name} in {', '.join(str(f) for f in template_path(templates))}")


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".bib.j2")


def make_environment(templates: Path, *, html: bool = False, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: markdown (escaping is explicit, through `md`) or, with `html`, the site's
    HTML and the exports (autoescaped except BibTeX; `site/` templates found by their short names).
    Compiled templates are kept in `bytecode_dir` when given."""
    folders = template_path(templates)
    if html:
        folders = [*(f / SITE_TEMPLATES for f in folders if (f / SITE_TEMPLATES).is_dir()), *folders]
    bytecode_cache = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
        except OSError:
            pass  # a read-only checkout compiles the templates each time
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        bytecode_cache=bytecode_cache,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=_autoescape if html else False,
    )
    env.filters.update(md=markdown_escape, url=markdown_url, anchor=github_anchor, compact=compact_number,
                       tex=tex_escape, verbatim=bib_verbatim, aligned_table=aligned_table)
    return env


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


_CELL_BORDER = re.compile(r"(?<!\\)\|")  # a pipe that is not escaped text (`md` writes text's pipes as \|)


def aligned_table(text: str) -> str:
    """A markdown pipe table with every column padded to one width, so the pipes line up: awesome-lint
    asks for it, and the raw README reads as a table too. Use as ``{% filter aligned_table %}``."""
    lines = [line.strip() for line in text.strip().splitlines()]
    rows = [[cell.strip() for cell in _CELL_BORDER.split(line)[1:-1]] for line in lines]
    body = [row for number, row in enumerate(rows) if number != 1]  # row 1 is the header's --- row
    widths = [max(3, *(len(row[column]) for row in body)) for column in range(len(rows[0]))]
    padded = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
              for row in rows]
    padded[1] = "| " + " | ".join("-" * width for width in widths) + " |"
    return "\n".join(padded) + "\n"


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in " -_" or category[0] in "LN" or category == "Mn":
            kept.append("-" if ch == " " else ch)
    return "".join(kept)


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


# LaTeX's special characters, each written so that it prints as itself.
_TEX_ESCAPES = str.maketrans({
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
})


def tex_escape(text: Any) -> str:
    """Entry text as LaTeX that prints the same characters (braces stay balanced)."""
    return str(text).translate(_TEX_ESCAPES)


# Verbatim BibTeX fields (url, doi, eprint) are not LaTeX; only a brace could break the record.
_VERBATIM_ESCAPES = str.maketrans({"{": "%7B", "}": "%7D"})


def bib_verbatim(text: Any) -> str:
    """A URL or identifier for a verbatim BibTeX field: as is, braces percent-encoded."""
    return str(text).translate(_VERBATIM_ESCAPES)
