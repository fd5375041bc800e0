"""One HTTP session for every metadata API: a timeout on every request and patient, bounded retries.

Rate limits are the normal case with these APIs (arXiv answers 429/503 even to polite clients), so a
429 or 5xx is retried after the server's ``Retry-After`` (seconds or an HTTP date) or, without one,
after an exponential backoff; a timeout or a dropped connection (closed before or during the answer)
is retried the same way. Whatever still fails becomes a `FetchError` naming the URL — never a
traceback. A host that cannot be reached at all (its name does not resolve, it refuses the
connection, no route to it) is not retried: waiting minutes would not bring the network back, so
`HostUnreachable` ends the source's run at once with one line naming the host.
"""

from __future__ import annotations

import errno
import re
import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from alignhub.sources.httppolicy import RETRY_STATUSES, USER_AGENT, backoff_seconds, retry_after_seconds
from alignhub.sources.outcomes import SourceUnavailable
from alignhub.sources.settings import HttpSettings

DROPPED = "the connection was dropped before an answer"


def short_url(url: str, limit: int = 160) -> str:
    """URLs of batch requests hold a hundred ids; messages show their start."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


class FetchError(Exception):
    """No usable answer from `url`. `connection` is set when the connection failed or was dropped (retried)."""

    def __init__(self, url: str, message: str, *, connection: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.message = message
        self.connection = connection
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} ({short_url(self.url)})"


class HostUnreachable(SourceUnavailable):
    """The host of `url` cannot be reached at all: nothing more can be fetched from it in this run.

    A `SourceUnavailable`, so `enrich` stops asking that source (every id left counts as failed) and
    `add` reports it; `notice` is one line naming the host and the reason.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.host = urlsplit(url).netloc or url
        self.reason = reason
        super().__init__(f"cannot reach {self.host}: {reason}", failed=True)


_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED: "connection refused", errno.ENETUNREACH: "network is unreachable",
                       errno.EHOSTUNREACH: "no route to host"}


def unreachable_reason(err: BaseException) -> str | None:
    """Why the host cannot be reached at all, or None for a failure worth retrying (timeout, dropped connection).

    requests wraps urllib3's errors, which wrap the socket's: the chain is searched for the socket's verdict.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [err]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror | urllib3.exceptions.NameResolutionError):
            return "its name does not resolve (no network, or a wrong host name)"
        if isinstance(current, OSError) and current.errno in _UNREACHABLE_ERRNOS:
            return _UNREACHABLE_ERRNOS[current.errno]
        if isinstance(current, urllib3.exceptions.NewConnectionError):
            text = str(current)
            if "refused" in text.lower():
                return "connection refused"
            if "Name or service not known" in text or "resolve" in text.lower():
                return "its name does not resolve (no network, or a wrong host name)"
        todo += [e for e in (current.__cause__, current.__context__, getattr(current, "reason", None))
                 if isinstance(e, BaseException)]
        todo += [a for a in current.args if isinstance(a, BaseException)]
    return None


def _connection_reason(err: Exception) -> str:
    """The OS's words ("Connection refused") rather than urllib3's nested repr."""
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(err))
    if match:
        return match.group(1).strip()
    if "RemoteDisconnected" in str(err) or "Connection aborted" in str(err):
        return DROPPED
    return type(err).__name__


class Session(requests.Session):
    """A requests session that adds the timeout, the retries and the pacing; `sent` counts requests sent.

    `min_interval` is the least time between the start of one request and the next (arXiv asks for
    three seconds), retries included; it is kept here rather than by each client so that a request
    that ends in an exception still counts.
    """

    def __init__(self, settings: HttpSettings, *, min_interval: float = 0.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.settings = settings
        self.min_interval = min_interval
        self.sleep = sleep
        self.sent = 0
        self.headers["User-Agent"] = USER_AGENT
        self._last_sent: float | None = None

    def _pace(self) -> None:
        if self._last_sent is not None:
            gap = self.min_interval - (time.monotonic() - self._last_sent)
            if gap > 0:
                self.sleep(gap)
        self._last_sent = time.monotonic()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.settings.timeout)
        shown = url.decode() if isinstance(url, bytes) else str(url)
        attempt = 0
        while True:
            wait: float | None = None
            connection = False
            status = None
            self._pace()
            try:
                self.sent += 1
                response = super().request(method, url, *args, **kwargs)
            except requests.Timeout:
                problem = f"no answer within {kwargs['timeout']:g} s"
            except requests.ConnectionError as err:
                reason = unreachable_reason(err)
                if reason is not None:
                    raise HostUnreachable(shown, reason) from None
                why = _connection_reason(err)
                problem = why if why == DROPPED else f"cannot connect: {why}"
                connection = True
            except requests.exceptions.ChunkedEncodingError:
                problem, connection = "the connection was dropped during the answer", True
            except requests.RequestException as err:
                raise FetchError(shown, f"request failed: {err}") from None
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                status = response.status_code
                problem = f"HTTP {status} {response.reason or ''}".rstrip()
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if wait is not None and wait > self.settings.max_wait:
                    raise FetchError(shown, f"{problem}: the server asks to wait {wait:.0f} s, longer than the "
                                            f"{self.settings.max_wait:g} s allowed (ALIGNHUB_HTTP_MAX_WAIT)",
                                     status=status)
            if attempt >= self.settings.retries:
                tries = "1 try" if attempt == 0 else f"{attempt + 1} tries"
                raise FetchError(shown, f"{problem} ({tries})", connection=connection, status=status)
            if wait is None:
                wait = min(backoff_seconds(self.settings.backoff, attempt), self.settings.max_wait)
            self.sleep(wait)
            attempt += 1


def json_body(response: requests.Response) -> Any:
    """The decoded JSON of a response; FetchError when the server sent something else (an HTML page)."""
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type.lower():
        kind = "an HTML page" if "html" in content_type.lower() else f"'{content_type or 'no content type'}'"
        raise FetchError(response.url, f"expected JSON, got {kind} (HTTP {response.status_code})",
                         status=response.status_code)
    try:
        return response.json()
    except ValueError:
        raise FetchError(response.url, f"the JSON body does not parse (HTTP {response.status_code})",
                         status=response.status_code) from None
