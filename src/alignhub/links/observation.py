"""What checking one URL found, kept apart from the HTTP code so reports and the cache need no aiohttp."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PERMANENT = frozenset({301, 308})
# Errors that mean "not checked" rather than "broken" (see report.judge).
RATE_LIMITED = "rate-limited"
OUT_OF_TIME = "run deadline reached"


@dataclass(frozen=True)
class Observation:
    """What checking one URL found: the final status (or the error) and the redirects on the way."""

    url: str
    code: int | None = None  # final HTTP status; None when no answer came
    error: str = ""  # why there is no usable answer: timeout, connection refused, redirect loop …
    redirects: tuple[tuple[int, str], ...] = ()  # (status, next URL) for every redirect followed
    method: str = "HEAD"  # method of the last request
    attempts: int = 1  # requests sent for the last hop, retries included
    checked: float = 0.0  # when (Unix time)
    cached: bool = False  # read from the result cache, not checked in this run

    @property
    def final_url(self) -> str:
        return self.redirects[-1][1] if self.redirects else self.url

    @property
    def transient(self) -> bool:
        """No answer, or an answer that may differ next time: never kept in the cache."""
        return self.code is None or self.code in (408, 429) or self.code >= 500

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "error": self.error,
            "redirects": [list(hop) for hop in self.redirects],
            "method": self.method,
            "attempts": self.attempts,
            "checked": round(self.checked, 3),
        }

    @classmethod
    def from_json(cls, url: str, data: dict[str, Any]) -> Observation:
        return cls(
            url=url,
            code=data.get("code"),
            error=str(data.get("error", "")),
            redirects=tuple((int(code), str(to)) for code, to in data.get("redirects", [])),
            method=str(data.get("method", "HEAD")),
            attempts=int(data.get("attempts", 1)),
            checked=float(data.get("checked", 0.0)),
            cached=True,
        )
