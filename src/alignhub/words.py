"""Interface words per language, from `templates/strings.yaml`: the site's, and the link labels the
READMEs share with it. Entry text never lives there: it comes from entries/.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from alignhub.templating import template_file

# libyaml's loader where PyYAML has it: the same data as safe_load, read a twentieth as fast.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

STRINGS_FILE = "strings.yaml"
LANGUAGES = ("en", "zh")


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
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    missing = [lang for lang in LANGUAGES if not isinstance(data, dict) or not isinstance(data.get(lang), dict)]
    if missing:
        raise ValueError(f"{path}: no interface words for {', '.join(missing)}")
    return {lang: Words(data[lang]) for lang in LANGUAGES}


def interface_words(templates: Path) -> dict[str, Words]:
    """The interface words per language from `templates/strings.yaml`."""
    path = template_file(templates, STRINGS_FILE)
    return _strings_cached(path, path.stat().st_mtime_ns)
