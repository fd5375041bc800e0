"""Options of the `alignhub` MkDocs plugin (`plugins: - alignhub: {...}` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from alignhub.exports import FEED_SIZE
from alignhub.site.pages import NEWEST


class AlignhubConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Generate the catalog's pages; false leaves the site to the hand-written docs/."""
    root = c.Optional(c.Dir(exists=True))
    """The catalog root holding entries/ (default: the folder of mkdocs.yml)."""
    newest = c.Type(int, default=NEWEST)
    """How many of the newest additions the home page lists."""
    feed_size = c.Type(int, default=FEED_SIZE)
    """How many of the newest additions the Atom feed carries."""
