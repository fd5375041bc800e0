"""The Jinja environment for the site and the exports, and the site's interface words.

HTML (and the XML of the feed) is autoescaped: every value a template prints is escaped unless it
is explicitly marked safe, so no entry text can become markup. Only BibTeX templates (`*.bib.j2`)
are rendered without HTML escaping; they escape entry text for LaTeX through the `tex` filter.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from alignhub.render import compact_number, github_anchor

SITE_TEMPLATES = "site"
STRINGS_FILE = "strings.yaml"
LANGUAGES = ("en", "zh")

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


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".bib.j2")


def make_site_environment(templates: Path) -> jinja2.Environment:
    """Templates under `templates/site/`, autoescaped except BibTeX."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(templates / SITE_TEMPLATES), str(templates)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=_autoescape,
    )
    env.filters["tex"] = tex_escape
    env.filters["verbatim"] = bib_verbatim
    env.filters["anchor"] = github_anchor
    env.filters["compact"] = compact_number
    return env


class Words:
    """One language's interface words, read as `t.word` in templates.

    A plain object rather than a dict, so a word named like a dict method ("copy", "items")
    cannot turn into that method in a template.
    """

    def __init__(self, words: dict[str, Any]) -> None:
        self.__dict__.update(words)

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]


@lru_cache(maxsize=8)
def _strings_cached(path: Path, mtime_ns: int) -> dict[str, Words]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [lang for lang in LANGUAGES if not isinstance(data, dict) or not isinstance(data.get(lang), dict)]
    if missing:
        raise ValueError(f"{path}: no interface words for {', '.join(missing)}")
    return {lang: Words(data[lang]) for lang in LANGUAGES}


def interface_words(templates: Path) -> dict[str, Words]:
    """The interface words per language from `templates/site/strings.yaml`."""
    path = templates / SITE_TEMPLATES / STRINGS_FILE
    return _strings_cached(path, path.stat().st_mtime_ns)
