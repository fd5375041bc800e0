"""Search on the site: Material's lunr index, one per language, and the words jieba must keep whole.

Material's search plugin writes one index for the whole site. After the build it is split here:
the English site's `search/search_index.json` keeps the English pages, and `zh/search/...` the
Chinese ones (the Chinese pages point Material's search at it; see templates/site/theme/main.html).
Each entry page's document is marked (`p`: 1) and carries the entry's short name (`sn`), which the
search worker wrapper (templates/site/assets/search-worker.js) uses to rank entry pages above the
other pages, and an exact short-name match first.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.catalog import Catalog
from alignhub.site import urls

INDEX = "search/search_index.json"
# Connectors that join two terms inside a Chinese label: 评估与伦理 is two words, not one.
_CONNECTORS = re.compile(r"及其|[与和及或的]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A longer run is a phrase (离线偏好优化): jieba's own dictionary splits it, and its last two words
# name the term (偏好优化), kept whole when both are words (not single characters) and the two are
# short enough to be one term.
_MAX_WORD = 4


def chinese_words(catalog: Catalog) -> list[str]:
    """The catalog's own Chinese terms — section, topic, type and tag names, cut at connectors and
    punctuation — for jieba's dictionary, so 可解释性 or 奖励模型 stay one token in the index."""
    taxonomy = catalog.taxonomy
    labels = [s.zh for s in taxonomy.sections]
    labels += [t.zh for s in taxonomy.sections for t in s.topics]
    labels += [label.zh for label in taxonomy.types.values()]
    labels += [label.zh for label in taxonomy.tag_labels.values()]
    words = set()
    for label in labels:
        for run in _HAN_RUN.findall(label or ""):
            for part in _CONNECTORS.split(run):
                if len(part) > _MAX_WORD:
                    tail = _cut(part)[-2:]
                    part = "".join(tail) if all(len(word) > 1 for word in tail) else ""
                if 2 <= len(part) <= _MAX_WORD:
                    words.add(part)
    return sorted(words)


def _cut(text: str) -> list[str]:
    try:
        import jieba
    except ImportError:
        return [text]
    jieba.setLogLevel(logging.WARNING)
    return [word for word in jieba.cut(text, HMM=False) if word.strip()]


def teach_jieba(words: Iterable[str]) -> None:
    """Add words to jieba's dictionary (the one Material's search plugin segments with), quietly."""
    try:
        import jieba
    except ImportError:  # Material then indexes Chinese without segmentation; nothing to teach
        return
    jieba.setLogLevel(logging.WARNING)
    for word in words:
        # A frequency high enough that the word wins over the splits jieba's dictionary knows.
        jieba.add_word(word, freq=100_000)


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def split_index(site_dir: Path, catalog: Catalog, use_directory_urls: bool = True) -> None:
    """Rewrite Material's one index as an English and a Chinese one, each with its own pages only."""
    path = site_dir / INDEX
    if not path.is_file():  # search disabled
        return
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    short_names = {
        urls.page_url(urls.paper_page(item.id), use_directory_urls): item.entry.short_name
        for item in catalog.entries
    }
    english: list[dict[str, Any]] = []
    chinese: list[dict[str, Any]] = []
    for doc in data.get("docs", []):
        location = doc.get("location", "")
        if location.startswith(urls.ZH_PREFIX):
            doc = {**doc, "location": location[len(urls.ZH_PREFIX):]}  # relative to the Chinese site
            chinese.append(doc)
        else:
            english.append(doc)
        page = _page_of(doc["location"])
        if page in short_names and page == doc["location"]:
            doc["p"] = 1
            if short_names[page]:
                doc["sn"] = short_names[page]
    config = data.get("config", {})
    english_config = {**config, "lang": ["en"]}  # no Chinese pages: no lunr.zh, no jieba-split words
    _write(path, {**data, "config": english_config, "docs": english})
    _write(site_dir / urls.ZH_PREFIX / INDEX, {**data, "config": config, "docs": chinese})


def _write(path: Path, data: dict[str, Any]) -> None:
    fsutil.atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
