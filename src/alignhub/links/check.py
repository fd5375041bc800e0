"""The concurrent HTTP check: what each URL answers, following redirects, with polite limits.

One aiohttp session; a global cap and a per-host cap on requests in flight; HEAD first, GET where a
host refuses HEAD; redirects followed by hand so that permanent ones and loops can be told apart;
timeouts, retries with exponential backoff, and 429/503 ``Retry-After`` honoured up to a cap for
every request to that host; a least interval between requests to a host (per-host overrides as in
lychee); and a deadline for the whole run: a wait that would pass it is not waited, and the URL is
reported unchecked (rate-limited, or out of time) rather than broken. The result is an
`Observation` per URL: what happened, not a verdict
(the verdict depends on the accepted codes, see report.py, so cached observations stay valid when
the settings change).
"""

from __future__ import annotations

import asyncio
import collections
import errno
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import aiohttp
from yarl import URL

from alignhub.links.observation import OUT_OF_TIME, RATE_LIMITED, Observation
from alignhub.links.settings import LinkSettings
from alignhub.sources.httppolicy import RATE_LIMIT_STATUSES, RETRY_STATUSES, backoff_seconds, retry_after_seconds

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A host is paused as a whole only on a burst: when at least BURST of its last BURST_WINDOW answers
# were 429. A sporadic 429 delays only its own URL (pausing every request to the host for each one
# made a run with 2% sporadic 429s 3-5 times slower than lychee's).
BURST = 3
BURST_WINDOW = 6
# Outcomes another try would not change ("" is an answer; its status code decides).
_FINAL_ERRORS = frozenset({"", "invalid URL", "host not found", "TLS error", "not an http(s) URL"})


@dataclass
class _Host:
    """Per-host state: its own cap, when it may be asked again, and whether it refuses HEAD."""

    slots: asyncio.Semaphore
    interval: float = 0.0  # least time between the starts of two requests
    not_before: float = 0.0  # loop time before which no request goes to this host (Retry-After)
    next_start: float = 0.0  # loop time the next request may start, by the interval
    head_refused: bool = False
    recent: collections.deque[bool] = field(default_factory=lambda: collections.deque(maxlen=BURST_WINDOW))

    def answered(self, code: int | None) -> bool:
        """Record an answer (429 or not); whether the host is now in a burst of 429s (then it all waits)."""
        self.recent.append(code == 429)
        return code == 429 and sum(self.recent) >= BURST


@dataclass
class _Answer:
    code: int | None = None
    location: str | None = None
    retry_after: float | None = None
    error: str = ""
    attempts: int = 0


def _describe(err: BaseException) -> str:
    """A short, stable reason for a failed request (no addresses or object reprs)."""
    if isinstance(err, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return "timeout"
    if isinstance(err, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError | ssl.SSLError):
        return "TLS error"
    if isinstance(err, aiohttp.ClientConnectorDNSError):
        return "host not found"
    if isinstance(err, aiohttp.ClientConnectorError):
        if err.os_error is not None and err.os_error.errno == errno.ECONNREFUSED:
            return "connection refused"
        return f"cannot connect ({err.os_error.strerror or err.os_error})" if err.os_error else "cannot connect"
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    if isinstance(err, aiohttp.InvalidURL):
        return "invalid URL"
    if isinstance(err, aiohttp.TooManyRedirects):
        return "too many redirects"
    if isinstance(err, aiohttp.NonHttpUrlClientError):
        return "not an http(s) URL"
    if isinstance(err, aiohttp.ClientResponseError):
        return "malformed response"  # the server's own words may be anything: they are not repeated
    if isinstance(err, aiohttp.ClientPayloadError):
        return "malformed response body"
    if isinstance(err, ValueError):
        return "invalid URL"
    if isinstance(err, OSError) and err.strerror:
        return f"network error ({err.strerror})"
    return "request failed"  # never an exception's class name: it means nothing to a contributor


class Checker:
    """Checks URLs within the limits of `settings`; create inside a running event loop."""

    def __init__(self, settings: LinkSettings, session: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.session = session
        self.slots = asyncio.Semaphore(settings.concurrency)
        self.hosts: dict[str, _Host] = {}
        self.deadline = asyncio.get_running_loop().time() + settings.deadline

    def _host(self, url: URL) -> _Host:
        key = (url.host or "").lower()
        if key not in self.hosts:
            per_host, interval = self.settings.for_host(key)
            self.hosts[key] = _Host(asyncio.Semaphore(per_host), interval)
        return self.hosts[key]

    async def _send(self, method: str, url: URL, host: _Host) -> _Answer:
        """One request. The host's slot is taken before the global one, so that tasks queued behind
        a busy host do not keep other hosts waiting."""
        loop = asyncio.get_running_loop()
        async with host.slots:
            start = max(loop.time(), host.not_before, host.next_start)
            if start >= self.deadline:
                paused = host.not_before > loop.time()
                return _Answer(error=RATE_LIMITED if paused else OUT_OF_TIME)
            host.next_start = start + host.interval  # reserved before sleeping: the next task queues after
            if start > loop.time():
                await asyncio.sleep(start - loop.time())
            async with self.slots:
                left = self.deadline - loop.time()
                if left <= 0:
                    return _Answer(error=OUT_OF_TIME)
                timeout = aiohttp.ClientTimeout(total=min(self.settings.timeout, left))
                try:
                    async with self.session.request(
                        method, url, allow_redirects=False, timeout=timeout
                    ) as response:
                        return _Answer(
                            code=response.status,
                            location=response.headers.get("Location"),
                            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                        )
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as err:
                    return _Answer(error=_describe(err))

    async def _ask(self, method: str, url: URL, host: _Host) -> _Answer:
        """A request with retries: backoff for errors and 5xx, Retry-After (capped) for 429/503.

        A HEAD that times out is not retried: the caller asks again with GET, since some servers
        never answer HEAD. A wait that would end past the run's deadline is not waited.
        """
        settings = self.settings
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            answer = await self._send(method, url, host)
            burst = host.answered(answer.code)
            attempt += 1
            answer.attempts = attempt
            if answer.error in (RATE_LIMITED, OUT_OF_TIME):
                return answer
            retryable = answer.error not in _FINAL_ERRORS or answer.code in RETRY_STATUSES
            if method == "HEAD" and answer.error == "timeout":
                retryable = False
            if not retryable or attempt > settings.retries:
                return answer
            delay = backoff_seconds(settings.backoff, attempt - 1)
            if answer.retry_after is not None and answer.code in RATE_LIMIT_STATUSES:
                delay = min(answer.retry_after, settings.max_retry_after)
                if answer.code == 503 or burst:
                    # The whole host is asked to wait, not only this URL.
                    host.not_before = max(host.not_before, loop.time() + delay)
            if loop.time() + delay >= self.deadline:
                if answer.code == 429:
                    answer.error = RATE_LIMITED
                return answer
            await asyncio.sleep(delay)

    async def check(self, url: str) -> Observation:
        """Follow `url` to its final answer."""
        started = time.time()
        method = "HEAD"
        redirects: list[tuple[int, str]] = []
        seen = {url}
        current = url

        def finish(answer: _Answer, error: str = "") -> Observation:
            return Observation(
                url=url,
                code=answer.code,
                error=error or answer.error,
                redirects=tuple(redirects),
                method=method,
                attempts=answer.attempts,
                checked=started,
            )

        while True:
            try:
                address = URL(current)  # parsed once per hop: this runs for every URL of a run
                host = self._host(address)
            except ValueError:  # e.g. a malformed IPv6 literal: yarl cannot even find the host
                return finish(_Answer(attempts=0), "invalid URL")
            if host.head_refused:
                method = "GET"
            answer = await self._ask(method, address, host)
            if method == "HEAD" and (answer.code in self.settings.head_refused or answer.error == "timeout"):
                # 405/501 say "not HEAD here" for the whole host; a 403 or 404 may be about this page only.
                host.head_refused = host.head_refused or answer.code in (405, 501)
                method = "GET"
                continue
            if answer.error or answer.code not in REDIRECTS or not answer.location:
                return finish(answer)
            try:
                target = str(address.join(URL(answer.location)))
            except ValueError:
                return finish(answer, "bad redirect location")
            redirects.append((int(answer.code or 0), target))
            if target in seen:
                return finish(answer, "redirect loop")
            if len(redirects) > self.settings.max_redirects:
                return finish(answer, "too many redirects")
            seen.add(target)
            current = target
            method = "HEAD"


def new_session(settings: LinkSettings) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=settings.concurrency, limit_per_host=0, ttl_dns_cache=600)
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        cookie_jar=aiohttp.DummyCookieJar(),
        # Some sites send very long headers (content security policies); aiohttp's 8 KiB default refuses them.
        max_line_size=65536,
        max_field_size=65536,
    )


async def check_all(
    urls: Iterable[str], settings: LinkSettings, done: Callable[[Observation], None] | None = None
) -> dict[str, Observation]:
    """Check every URL concurrently; `done` is called as each one finishes (for a progress bar)."""
    results: dict[str, Observation] = {}
    urls = list(urls)
    started = time.time()
    async with new_session(settings) as session:
        checker = Checker(settings, session)

        async def one(url: str) -> None:
            results[url] = observation = await checker.check(url)
            if done is not None:
                done(observation)

        tasks = [asyncio.ensure_future(one(url)) for url in urls]
        if tasks:
            # The checks watch the deadline themselves; this only stops what still hangs a moment after it.
            _, pending = await asyncio.wait(tasks, timeout=settings.deadline + 1.0)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
    for url in urls:
        if url not in results:
            results[url] = Observation(url=url, error=OUT_OF_TIME, attempts=0, checked=started)
            if done is not None:
                done(results[url])
    return results


def run_checks(
    urls: Iterable[str], settings: LinkSettings, done: Callable[[Observation], None] | None = None
) -> dict[str, Observation]:
    """`check_all` from synchronous code."""
    return asyncio.run(check_all(list(urls), settings, done))
