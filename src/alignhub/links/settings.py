"""How `alignhub links` checks: limits, timeouts, accepted codes and URL patterns.

Values come from ``[tool.alignhub.links]`` in the catalog root's pyproject.toml; command-line
options win over the file. Every value is checked here, so a typo fails before any request is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from alignhub.config import ConfigError
from alignhub.httppolicy import USER_AGENT
from alignhub.suggest import did_you_mean

FORMATS = ("table", "markdown", "json")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RANGE = re.compile(r"^\s*(\d{3})\s*(?:(?:-|\.\.)\s*(\d{3}))?\s*$")


def parse_duration(value: Any) -> float:
    """Seconds from 30, 2.5, "90s", "15m", "12h", "7d" or "1w"."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"'{value}' is not a duration (e.g. 30, 90s, 15m, 12h, 7d)")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError(f"'{value}' is negative")
    return seconds


def parse_status_codes(value: Any) -> frozenset[int]:
    """Status codes from 200, "200-299", "200..299" or a list (or comma-separated string) of those."""
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    if isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    codes: set[int] = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            low = high = item
        else:
            match = _RANGE.match(str(item))
            if not match:
                raise ValueError(f"'{item}' is not a status code or range (e.g. 200, 200-299)")
            low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 100 <= low <= high <= 599:
            raise ValueError(f"'{item}' is not within 100-599")
        codes.update(range(low, high + 1))
    if not codes:
        raise ValueError("no status codes given")
    return frozenset(codes)


def compile_patterns(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as err:
            raise ValueError(f"'{pattern}' is not a regular expression: {err}") from None
    return tuple(compiled)


@dataclass(frozen=True)
class HostSettings:
    """What one host (and its subdomains) gets instead of the defaults, like lychee's per-host options."""

    per_host: int | None = None  # requests in flight at once to this host
    interval: float | None = None  # least seconds between the starts of two requests to this host


@dataclass(frozen=True)
class LinkSettings:
    """Everything the checker needs to know; the defaults suit a few hundred links on many hosts."""

    concurrency: int = 64  # requests in flight at once, over all hosts
    per_host: int = 4  # requests in flight at once to one host (polite to arxiv.org and friends)
    timeout: float = 20.0  # seconds for one request, connect to last header
    retries: int = 2  # extra tries after a timeout, a connection error, 429 or a 5xx answer
    backoff: float = 1.0  # first wait between tries; doubles each time
    max_retry_after: float = 60.0  # cap on a server's Retry-After, so one host cannot stall the run
    deadline: float = 600.0  # seconds for the whole run; what is left then is reported as unchecked
    interval: float = 0.0  # least seconds between the starts of two requests to one host
    hosts: tuple[tuple[str, HostSettings], ...] = ()  # per-host overrides, (host, settings)
    max_redirects: int = 10
    accept: frozenset[int] = frozenset(range(200, 300))
    include: tuple[re.Pattern[str], ...] = ()  # when given, only URLs matching one of these are checked
    exclude: tuple[re.Pattern[str], ...] = ()  # URLs matching one of these are never checked
    cache_ttl: float = 86400.0  # seconds a result stays fresh in the cache
    use_cache: bool = True
    user_agent: str = USER_AGENT
    # HEAD answers that may mean "ask me with GET" rather than "this page is missing": some servers
    # answer HEAD with 404 or 400 while the page is there (a hanging HEAD is asked again with GET too).
    head_refused: frozenset[int] = frozenset({400, 403, 404, 405, 501})

    def for_host(self, host: str) -> tuple[int, float]:
        """(requests in flight, interval) for `host`: its own override, or its parent domain's, or the defaults."""
        host = host.lower().rstrip(".")
        for name, override in self.hosts:
            if host == name or host.endswith("." + name):
                per_host = override.per_host if override.per_host is not None else self.per_host
                interval = override.interval if override.interval is not None else self.interval
                return per_host, interval
        return self.per_host, self.interval

    def wants(self, url: str) -> bool:
        """Whether `url` is checked under the include and exclude patterns."""
        if self.include and not any(p.search(url) for p in self.include):
            return False
        return not any(p.search(url) for p in self.exclude)


# Keys of [tool.alignhub.links] and how each value is read.
_READERS: dict[str, Any] = {
    "concurrency": lambda v: _positive_int(v),
    "per_host": lambda v: _positive_int(v),
    "timeout": lambda v: _positive(parse_duration(v)),
    "retries": lambda v: _count(v),
    "backoff": parse_duration,
    "max_retry_after": parse_duration,
    "max_redirects": lambda v: _count(v),
    "accept": parse_status_codes,
    "include": lambda v: compile_patterns(_strings(v)),
    "exclude": lambda v: compile_patterns(_strings(v)),
    "cache_ttl": parse_duration,
    "user_agent": lambda v: _string(v),
    "deadline": lambda v: _positive(parse_duration(v)),
    "interval": parse_duration,
    "hosts": lambda v: _hosts(v),
}
_HOST_READERS: dict[str, Any] = {"per_host": lambda v: _positive_int(v), "interval": parse_duration}
KNOWN_KEYS = frozenset(_READERS)
assert {f.name for f in fields(LinkSettings)} >= KNOWN_KEYS


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{value!r} is not a whole number of at least 1")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a whole number of at least 0")
    return value


def _positive(seconds: float) -> float:
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return seconds


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a non-empty string")
    return value


def _hosts(value: Any) -> tuple[tuple[str, HostSettings], ...]:
    """``[tool.alignhub.links.hosts."arxiv.org"]`` tables: per_host and interval for that host.

    Longer names first, so that a subdomain's own table wins over its parent domain's.
    """
    if not isinstance(value, dict):
        raise ValueError("must be a table of hosts, e.g. [tool.alignhub.links.hosts.\"arxiv.org\"]")
    found = []
    for host, table in value.items():
        if not isinstance(table, dict):
            raise ValueError(f"'{host}' must be a table with per_host and/or interval")
        values = {}
        for key, item in table.items():
            if key not in _HOST_READERS:
                raise ValueError(f"'{host}': unknown key '{key}' ({did_you_mean(key, _HOST_READERS)})")
            try:
                values[key] = _HOST_READERS[key](item)
            except ValueError as err:
                raise ValueError(f"'{host}' {key}: {err}") from None
        found.append((host.lower().rstrip("."), HostSettings(**values)))
    return tuple(sorted(found, key=lambda item: (-len(item[0]), item[0])))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{value!r} is not a list of strings")
    return value


def settings_from_config(table: Mapping[str, Any], base: LinkSettings | None = None) -> LinkSettings:
    """`base` (the defaults) updated from a ``[tool.alignhub.links]`` table; ConfigError names the key."""
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _READERS:
            hint = did_you_mean(key, KNOWN_KEYS)
            raise ConfigError(f"pyproject.toml: [tool.alignhub.links] unknown key '{key}' ({hint})")
        try:
            changes[key] = _READERS[key](value)
        except ValueError as err:
            raise ConfigError(f"pyproject.toml: [tool.alignhub.links] {key}: {err}") from None
    return replace(base or LinkSettings(), **changes)


@dataclass(frozen=True)
class Overrides:
    """Command-line values; None means "keep what the config says"; patterns add to the config's."""

    values: dict[str, Any] = field(default_factory=dict)
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    def apply(self, settings: LinkSettings) -> LinkSettings:
        chosen = {k: v for k, v in self.values.items() if v is not None}
        return replace(
            settings,
            **chosen,
            include=settings.include + self.include,
            exclude=settings.exclude + self.exclude,
        )
