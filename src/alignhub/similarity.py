"""Text similarity between catalog entries: TF-IDF vectors and cosine nearest neighbours.

Used for a paper page's "Related in this catalog" and for ranking `alignhub watch`'s new papers.
scikit-learn does the vector maths; this module only decides what text describes an entry and how
ties are broken, so the result is deterministic (the same entries and abstracts give the same
neighbours, in the same order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from alignhub.catalog import Catalog, CatalogEntry

RELATED_COUNT = 5
# Rows of the similarity matrix computed at once: bounds memory at 10k entries (chunk × n floats).
_CHUNK = 512


def entry_text(item: CatalogEntry, labels: Mapping[str, str], abstract: str | None = None) -> str:
    """What an entry is about: title and short name (twice, they name the topic best), summary,
    tag labels and, when the metadata cache has it, the abstract."""
    e = item.entry
    names = " ".join(filter(None, [e.title, e.short_name]))
    tags = " ".join(labels.get(tag, tag.replace("-", " ")) for tag in e.tags)
    return " ".join(filter(None, [names, names, e.summary.en, tags, abstract]))


def _vectorizer() -> TfidfVectorizer:
    """Words and word pairs, English stop words left out, damped term counts; rows L2-normalised."""
    return TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1)


def nearest(texts: Sequence[str], count: int = RELATED_COUNT) -> list[list[int]]:
    """For each text, the indexes of the `count` most similar other texts, most similar first.

    Ties are broken by position, and texts with nothing in common with a text are never returned.
    """
    if len(texts) < 2:
        return [[] for _ in texts]
    matrix = _vectorizer().fit_transform(texts)  # rows are L2-normalised: a dot product is the cosine
    found: list[list[int]] = []
    positions = np.arange(len(texts))
    for start in range(0, len(texts), _CHUNK):
        scores = (matrix[start:start + _CHUNK] @ matrix.T).toarray()
        for offset, row in enumerate(scores):
            row[start + offset] = -1.0  # never itself
            order = np.lexsort((positions, -row))[:count]
            found.append([int(i) for i in order if row[i] > 0])
    return found


def related_entries(
    catalog: Catalog, abstracts: Mapping[str, str] | None = None, count: int = RELATED_COUNT
) -> dict[str, list[str]]:
    """The ids of each entry's nearest entries by text, keyed by entry id."""
    abstracts = abstracts or {}
    labels = {tag: label.en for tag, label in catalog.taxonomy.tag_labels.items()}
    items = sorted(catalog.entries, key=lambda item: item.id)
    neighbours = nearest([entry_text(item, labels, abstracts.get(item.id)) for item in items], count)
    return {item.id: [items[i].id for i in found] for item, found in zip(items, neighbours, strict=True)}


# How many of its nearest entries a new paper's relevance averages over: one close entry alone is
# often a shared method word ("policy optimization"), three agreeing entries are a topic.
RELEVANCE_NEIGHBOURS = 3


@dataclass(frozen=True)
class Relevance:
    score: float  # mean cosine to the nearest entries + cosine to the nearest topic description
    entry: int  # index of the nearest entry text (-1: none shares a word)
    entry_score: float
    topic: int  # index of the nearest topic text (-1: none shares a word)
    topic_score: float


def relevance(entries: Sequence[str], topics: Sequence[str], new: Sequence[str],
              neighbours: int = RELEVANCE_NEIGHBOURS) -> list[Relevance]:
    """How close each new text (a paper's title and abstract) is to the catalog: its entries and its topics.

    One TF-IDF vocabulary is fitted over all three, so a word every new paper uses (a week's
    listing) counts for little. Ties go to the lower index; the result depends only on the inputs.
    """
    if not new:
        return []
    matrix = _vectorizer().fit_transform([*entries, *topics, *new])
    entry_rows, topic_rows = matrix[: len(entries)], matrix[len(entries): len(entries) + len(topics)]
    new_rows = matrix[len(entries) + len(topics):]
    found: list[Relevance] = []
    for start in range(0, len(new), _CHUNK):
        chunk = new_rows[start:start + _CHUNK]
        by_entry = (chunk @ entry_rows.T).toarray() if len(entries) else np.zeros((chunk.shape[0], 0))
        by_topic = (chunk @ topic_rows.T).toarray() if len(topics) else np.zeros((chunk.shape[0], 0))
        for e_row, t_row in zip(by_entry, by_topic, strict=True):
            entry = int(np.argmax(e_row)) if e_row.size and e_row.max() > 0 else -1
            topic = int(np.argmax(t_row)) if t_row.size and t_row.max() > 0 else -1
            nearest = np.sort(e_row)[-neighbours:].mean() if e_row.size else 0.0
            topic_score = float(t_row[topic]) if topic >= 0 else 0.0
            found.append(Relevance(float(nearest) + topic_score, entry, float(e_row[entry]) if entry >= 0 else 0.0,
                                   topic, topic_score))
    return found
