"""Text similarity between catalog entries: TF-IDF vectors and cosine nearest neighbours.

Used for a paper page's "Related in this catalog". scikit-learn does the vector maths; this module
only decides what text describes an entry and how ties are broken, so the result is deterministic
(the same entries and abstracts give the same neighbours, in the same order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def nearest(texts: Sequence[str], count: int = RELATED_COUNT) -> list[list[int]]:
    """For each text, the indexes of the `count` most similar other texts, most similar first.

    Ties are broken by position, and texts with nothing in common with a text are never returned.
    """
    if len(texts) < 2:
        return [[] for _ in texts]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    matrix = vectorizer.fit_transform(texts)  # rows are L2-normalised: a dot product is the cosine
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
