"""Search on the site: Material's lunr index, one per language, and the words jieba must keep whole.

Material's search plugin writes one index for the whole site. After the build it is split here:
the English site's `search/search_index.json` keeps the English pages, and `zh/search/...` the
Chinese ones (the Chinese pages point Material's search at it; see templates/site/theme/main.html).

Entry pages are left out of Material's indexing (it would parse each page's HTML again, a sixth of
the build at 1,000 entries): their documents are made here from the entry's view — one document
per page, the heading (short name and title) as its title, the text a reader sees outside links,
BibTeX and related entries. Each is marked (`p`: 1) and carries the short name (`sn`), which the
search worker wrapper (templates/site/assets/search-worker.js) uses to rank entry pages above the
other pages, and an exact short-name match first.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from alignhub import fsutil
from alignhub.catalog import Catalog
from alignhub.site import urls
from alignhub.site.views import EntryView
from alignhub.words import Words

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


def entry_document(e: EntryView, t: Words, lang: str, use_directory_urls: bool = True) -> dict[str, Any]:
    """The search document of an entry's page, as Material's plugin would index it (text as <p> blocks,
    escaped as Material escapes: quotes left as they are), its location relative to its language's site."""
    paragraphs = [f"{e.section_name} › {e.topic_name}"]
    # Authors and the (English) abstract are searched on the English site only: the Chinese index
    # stays small (an abstract is most of an entry's text) and Chinese readers search Chinese words.
    english = lang == "en"
    if e.authors and english:
        paragraphs.append(", ".join(e.authors))
    paragraphs.append(" · ".join(filter(None, [e.venue, e.when, e.type_label])))
    paragraphs.append(e.summary)
    if e.abstract and english:
        paragraphs.append(e.abstract)
    if e.tags:
        paragraphs.append(f"{t['tags_label']}: " + " ".join(tag.label for tag in e.tags))
    doc: dict[str, Any] = {
        "location": urls.page_url(urls.paper_page(e.id), use_directory_urls),
        "title": html.escape(e.heading, quote=False),
        "text": " ".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs),
        "p": 1,
    }
    if e.short_name:
        doc["sn"] = e.short_name
    return doc


def split_index(site_dir: Path, entry_docs: dict[str, list[dict[str, Any]]],
                segment: Callable[[str], str] | None = None) -> None:
    """Rewrite Material's one index as an English and a Chinese one, each with its own pages only,
    the entry documents added (their Chinese text segmented by `segment`, Material's own jieba step)."""
    path = site_dir / INDEX
    if not path.is_file():  # search disabled
        return
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    english: list[dict[str, Any]] = []
    chinese: list[dict[str, Any]] = []
    for doc in data.get("docs", []):
        location = doc.get("location", "")
        if location.startswith(urls.ZH_PREFIX):
            chinese.append({**doc, "location": location[len(urls.ZH_PREFIX):]})  # relative to the Chinese site
        else:
            english.append(doc)
    english += entry_docs.get("en", [])
    for doc in entry_docs.get("zh", []):
        chinese.append({**doc, "title": segment(doc["title"]), "text": segment(doc["text"])} if segment else doc)
    config = data.get("config", {})
    english_config = {**config, "lang": ["en"]}  # no Chinese pages: no lunr.zh, no jieba-split words
    _write(path, {**data, "config": english_config, "docs": english})
    _write(site_dir / urls.ZH_PREFIX / INDEX, {**data, "config": config, "docs": chinese})


def _write(path: Path, data: dict[str, Any]) -> None:
    fsutil.atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
