"""The result cache: what each URL answered and when, so a rerun re-checks only what has expired.

One JSON file in ``.alignhub-cache/`` (gitignored), written atomically with sorted keys. Only
lasting answers are kept (see `Observation.transient`): a timeout or a 503 is asked again next run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from alignhub import fsutil
from alignhub.links.observation import Observation

CACHE_FILE = ".alignhub-cache/links.json"
FORMAT = 1


class LinkCache:
    def __init__(self, root: Path, ttl: float, enabled: bool = True) -> None:
        self.path = root / CACHE_FILE
        self.ttl = ttl
        self.enabled = enabled
        self.entries: dict[str, Observation] = {}
        if enabled:
            self._read()

    def _read(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return
            self.entries = {url: Observation.from_json(url, seen) for url, seen in data["links"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A missing, foreign or damaged cache only costs a full check.
            self.entries = {}

    def fresh(self, url: str, now: float | None = None) -> Observation | None:
        """The cached observation of `url` while it is younger than the time-to-live."""
        seen = self.entries.get(url)
        if seen is None or (now if now is not None else time.time()) - seen.checked >= self.ttl:
            return None
        return seen

    def store(self, observations: dict[str, Observation]) -> None:
        for url, seen in observations.items():
            if seen.transient:
                self.entries.pop(url, None)
            elif not seen.cached:
                self.entries[url] = seen

    def save(self, now: float | None = None) -> None:
        """Write the unexpired observations (expired ones are dropped)."""
        if not self.enabled:
            return
        now = time.time() if now is None else now
        keep = {url: seen.to_json() for url, seen in sorted(self.entries.items()) if now - seen.checked < self.ttl}
        text = json.dumps({"format": FORMAT, "links": keep}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        fsutil.atomic_write_text(self.path, text)
