"""Fetched metadata: the clients `alignhub enrich` and `alignhub add` use, and the committed cache they fill.

Only `enrich` and `add` talk to the network. Everything else — `validate`, `build`, the site — reads
the cache through `lookup`, which touches files only.
"""

from __future__ import annotations

from alignhub.metadata.lookup import Decision, EntryMetadata, RepoStatus, lookup

__all__ = ["Decision", "EntryMetadata", "RepoStatus", "lookup"]
