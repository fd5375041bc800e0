"""Paper and repository identifiers: checked locally, and mapped to each source's cache key.

arXiv ids are validated here before anything is sent (arXiv answers a malformed id with a 400, and
the `arxiv` package would retry it); the rules are the entry schema's own `check_arxiv_id`.
"""

from __future__ import annotations

import re

from alignhub.models import OPENREVIEW_ID, Entry, check_arxiv_id

_ARXIV_VERSIONED = re.compile(r"^(?P<base>.+?)(?:v(?P<version>\d+))?$")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>[^?#\s]+?)(?:\.pdf)?/?(?:[?#].*)?$", re.IGNORECASE)
_OPENREVIEW_URL = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:.*&)?id=(?P<id>[A-Za-z0-9_-]+)")
_GITHUB_REPO = re.compile(r"^https?://(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)"
                          r"(?:\.git)?(?:[/?#].*)?$")


def split_arxiv(text: str) -> tuple[str, int | None]:
    """``2305.18290v2`` → ("2305.18290", 2). Also takes ``arXiv:…`` and arxiv.org URLs.

    Raises ValueError with the schema's explanation when the text is not an arXiv id.
    """
    value = text.strip()
    url = _ARXIV_URL.search(value)
    if url:
        value = url.group("id")
    value = re.sub(r"^arxiv:", "", value, flags=re.IGNORECASE)
    match = _ARXIV_VERSIONED.match(value)
    assert match is not None  # the pattern accepts any non-empty text
    base, version = match.group("base"), match.group("version")
    check_arxiv_id(base)
    return base, int(version) if version else None


def openreview_id(text: str) -> str | None:
    """A forum id from an id or an openreview.net URL; None when the text is neither."""
    value = text.strip()
    url = _OPENREVIEW_URL.search(value)
    if url:
        value = url.group("id")
    return value if OPENREVIEW_ID.match(value) and not value.isdigit() else None


def github_repo(url: str | None) -> str | None:
    """``https://github.com/Org/Repo/tree/main`` → ``org/repo``; None for any other host."""
    if not url:
        return None
    match = _GITHUB_REPO.match(url.strip())
    if not match:
        return None
    return f"{match.group('owner')}/{match.group('repo')}".lower()


def s2_key(entry: Entry) -> str | None:
    """Semantic Scholar is asked by arXiv id, else by DOI (it does not know OpenReview ids)."""
    return s2_key_of(entry.links.arxiv, entry.links.doi)


def s2_key_of(arxiv: str | None, doi: str | None) -> str | None:
    if arxiv:
        return arxiv
    if doi:
        return f"doi:{doi.lower()}"
    return None


def entry_keys(entry: Entry) -> dict[str, str]:
    """The cache key of this entry in each source that can describe it."""
    links = entry.links
    return source_keys(links.arxiv, links.openreview, links.doi, links.code)


def source_keys(arxiv: str | None, openreview: str | None, doi: str | None, code: str | None) -> dict[str, str]:
    """The cache keys of the work these links name, by source (`entry_keys`, from an entry's facts too)."""
    keys = {
        "arxiv": arxiv,
        "openreview": openreview,
        "s2": s2_key_of(arxiv, doi),
        "github": github_repo(code),
    }
    return {source: key for source, key in keys.items() if key}
