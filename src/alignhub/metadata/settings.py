"""Where the metadata APIs are and how politely to ask them: environment first, then pyproject.toml.

Base URLs come from the environment only (tests point them at 127.0.0.1); pacing and timeouts may
also be set in ``[tool.alignhub.enrich]`` of the catalog's pyproject.toml. Credentials are read
from the environment by the clients that need them and are never stored here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignhub.config import ConfigError, load_config

ARXIV_MAX_BATCH = 100  # ids per arXiv request: long id lists are where arXiv starts to misbehave
S2_MAX_BATCH = 500  # Semantic Scholar's documented limit for /paper/batch


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0  # seconds for connecting and for each read
    retries: int = 3  # further tries after a 429/5xx, a timeout or a dropped connection
    backoff: float = 10.0  # first wait when the server sends no Retry-After; doubles each try
    max_wait: float = 300.0  # longest single wait accepted; a longer Retry-After fails the request


@dataclass(frozen=True)
class Settings:
    arxiv_api: str = "https://export.arxiv.org/api/query"
    arxiv_delay: float = 3.0  # arXiv's terms: one request every three seconds
    arxiv_batch: int = ARXIV_MAX_BATCH
    openreview_api: str = "https://api2.openreview.net"
    openreview_api_v1: str = "https://api.openreview.net"
    openreview_delay: float = 1.0
    s2_api: str = "https://api.semanticscholar.org/graph/v1"
    s2_batch: int = S2_MAX_BATCH
    s2_delay: float = 1.0  # one request per second is the keyed rate
    github_api: str = "https://api.github.com"
    http: HttpSettings = field(default_factory=HttpSettings)


# setting name → (environment variable, pyproject key or None, converter)
_URLS = {
    "arxiv_api": "ALIGNHUB_ARXIV_API",
    "openreview_api": "ALIGNHUB_OPENREVIEW_API",
    "openreview_api_v1": "ALIGNHUB_OPENREVIEW_API_V1",
    "s2_api": "ALIGNHUB_S2_API",
    "github_api": "ALIGNHUB_GITHUB_API",
}
_NUMBERS = {
    "arxiv_delay": ("ALIGNHUB_ARXIV_DELAY", "arxiv_delay", float),
    "arxiv_batch": ("ALIGNHUB_ARXIV_BATCH", "arxiv_batch", int),
    "openreview_delay": ("ALIGNHUB_OPENREVIEW_DELAY", "openreview_delay", float),
    "s2_batch": ("ALIGNHUB_S2_BATCH", "s2_batch", int),
    "s2_delay": ("ALIGNHUB_S2_DELAY", "s2_delay", float),
}
_HTTP_NUMBERS = {
    "timeout": ("ALIGNHUB_HTTP_TIMEOUT", "timeout", float),
    "retries": ("ALIGNHUB_HTTP_RETRIES", "retries", int),
    "backoff": ("ALIGNHUB_HTTP_BACKOFF", "backoff", float),
    "max_wait": ("ALIGNHUB_HTTP_MAX_WAIT", "max_wait", float),
}
_LIMITS = {"arxiv_batch": (1, ARXIV_MAX_BATCH), "s2_batch": (1, S2_MAX_BATCH), "timeout": (0.001, None)}


def _number(name: str, raw: Any, where: str, kind: type) -> float | int:
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = kind(raw)
    except (TypeError, ValueError):
        noun = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{where}: {raw!r} is not {noun}") from None
    low, high = _LIMITS.get(name, (0, None))
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{where}: {raw!r} must be {bound}")
    return value


def _pick(specs: dict[str, tuple[str, str, type]], env: Mapping[str, str], config: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, (variable, key, kind) in specs.items():
        if env.get(variable, "").strip():
            values[name] = _number(name, env[variable].strip(), variable, kind)
        elif key in config:
            values[name] = _number(name, config[key], f"pyproject.toml [tool.alignhub.enrich] {key}", kind)
    return values


def load_settings(root: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Settings for a catalog root. Raises ConfigError naming the variable or key that is wrong."""
    env = os.environ if env is None else env
    config = load_config(root, "enrich")
    known = {spec[1] for spec in (*_NUMBERS.values(), *_HTTP_NUMBERS.values())}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ConfigError(f"pyproject.toml [tool.alignhub.enrich]: unknown key '{unknown[0]}' "
                          f"(known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {name: env[var].strip().rstrip("/") for name, var in _URLS.items()
                              if env.get(var, "").strip()}
    for name, url in values.items():
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{_URLS[name]}: {url!r} is not an http(s) URL")
    values.update(_pick(_NUMBERS, env, config))
    return Settings(**values, http=HttpSettings(**_pick(_HTTP_NUMBERS, env, config)))
