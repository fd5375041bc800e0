"""OpenReview: a submission's title, authors, abstract and decision, from API v2 and, for older venues, v1.

Plain `requests` rather than openreview-py: reads need only ``GET /notes?id=`` and ``POST /login``,
and the library's own retry policy (8 tries, minutes of backoff) would override ours. Anonymous
reads are refused since 2026 (a 403 ``ChallengeRequiredError`` or a 200 "Verifying your browser"
page), so without credentials, or when the challenge appears anyway, the source is skipped with one
notice and the rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any

import requests
from pydantic import ValidationError

from alignhub.metadata import venues
from alignhub.metadata.records import OpenReviewRecord
from alignhub.sources.http import FetchError, Session, json_body, short_url
from alignhub.sources.outcomes import Failed, Fetched, NotFound, Outcome, SourceUnavailable
from alignhub.sources.settings import Settings

SITE = "https://openreview.net"
CREDENTIALS_HINT = "set OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD, or OPENREVIEW_TOKEN"


def _value(content: Mapping[str, Any], *names: str) -> Any:
    """A content field in either API: v2 wraps every value as {"value": …}, v1 does not."""
    for name in names:
        raw = content.get(name)
        if isinstance(raw, dict) and "value" in raw:
            raw = raw["value"]
        if raw not in (None, "", []):
            return raw
    return None


def _text(value: Any) -> str | None:
    """A value as one line of text (None when absent or blank)."""
    if value is None:
        return None
    return " ".join(str(value).split()) or None


def _day(note: Mapping[str, Any]) -> date | None:
    """The day the paper became public (opened for review), else published with the decision, else created."""
    for key in ("odate", "pdate", "cdate", "tcdate"):
        stamp = note.get(key)
        if isinstance(stamp, int | float) and stamp > 0:
            return datetime.fromtimestamp(stamp / 1000, tz=timezone.utc).date()
    return None


def to_record(key: str, note: Mapping[str, Any], api: str) -> OpenReviewRecord:
    content = note.get("content") or {}
    authors = _value(content, "authors") or []
    if isinstance(authors, str):  # ICLR 2017 notes hold the authors as one string
        authors = [a for a in (part.strip() for part in authors.split(",")) if a]
    venue_text = _text(_value(content, "venue"))
    venueid = _text(_value(content, "venueid"))
    status, venue = venues.decode(venue_text, venueid, api)
    pdf = _value(content, "pdf")
    keywords = _value(content, "keywords") or []
    return OpenReviewRecord(
        id=key,
        api=api,  # type: ignore[arg-type]
        title=_text(_value(content, "title")) or "",
        authors=[" ".join(str(a).split()) for a in authors],
        abstract=_text(_value(content, "abstract")),
        venue_text=venue_text,
        venueid=venueid,
        status=status,
        venue=venue,
        published=_day(note),
        pdf_url=(SITE + pdf if pdf.startswith("/") else pdf) if isinstance(pdf, str) else None,
        forum_url=f"{SITE}/forum?id={key}",
        tldr=_text(_value(content, "TLDR", "TL;DR", "one-sentence_summary")),
        keywords=[str(k).strip() for k in keywords] if isinstance(keywords, list) else [],
    )


def _error_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(data, dict):
        return str(data.get("message") or data.get("name") or f"HTTP {response.status_code}")
    return f"HTTP {response.status_code}"


def _is_challenge(response: requests.Response) -> bool:
    if "html" in response.headers.get("Content-Type", "").lower():
        return True
    if response.status_code == 403:
        try:
            data = response.json()
        except ValueError:
            return False
        return isinstance(data, dict) and data.get("name") == "ChallengeRequiredError"
    return False


class OpenReviewSource:
    name = "openreview"
    batch_size = 1  # one request per note, so the cache is written after each (a challenge later loses nothing)

    def __init__(self, settings: Settings, env: Mapping[str, str]) -> None:
        self.session = Session(settings, min_interval=settings.openreview_delay)
        self.hosts = (("v2", settings.openreview_api), ("v1", settings.openreview_api_v1))
        self.token = env.get("OPENREVIEW_TOKEN", "").strip()
        self.username = env.get("OPENREVIEW_USERNAME", "").strip()
        self.password = env.get("OPENREVIEW_PASSWORD", "")
        self._ready = False

    @property
    def requests_sent(self) -> int:
        return self.session.sent

    def _challenge(self, response: requests.Response) -> SourceUnavailable:
        return SourceUnavailable(
            f"openreview: the API answered with a browser challenge instead of data ({short_url(response.url)}); "
            f"OpenReview is skipped for this run — {CREDENTIALS_HINT}, or try again later")

    def login(self) -> None:
        """Use the token, or log in once with username and password (API v2; the token works on v1 too)."""
        if self._ready:
            return
        if not self.token and not (self.username and self.password):
            raise SourceUnavailable("openreview: no credentials, and anonymous access is refused — "
                                    f"{CREDENTIALS_HINT}; OpenReview is skipped for this run")
        if not self.token:
            url = f"{self.hosts[0][1]}/login"
            response = self.session.post(url, json={"id": self.username, "password": self.password,
                                                    "expiresIn": 3600})
            if _is_challenge(response):
                raise self._challenge(response)
            if response.status_code != 200:
                raise SourceUnavailable(f"openreview: login as {self.username} failed: {_error_message(response)} "
                                        f"({short_url(url)})", failed=True)
            data = json_body(response)
            token = data.get("token") if isinstance(data, dict) else None
            if not token:
                why = "the account needs multi-factor authentication (use OPENREVIEW_TOKEN)" \
                    if isinstance(data, dict) and data.get("mfaPending") else "no token in the answer"
                raise SourceUnavailable(f"openreview: login as {self.username} failed: {why}", failed=True)
            self.token = str(token)
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        self._ready = True

    def _note(self, base: str, key: str) -> dict[str, Any] | None:
        response = self.session.get(f"{base}/notes", params={"id": key})
        if _is_challenge(response):
            raise self._challenge(response)
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            raise SourceUnavailable(f"openreview: access refused: {_error_message(response)} "
                                    f"({short_url(response.url)}) — {CREDENTIALS_HINT}", failed=True)
        if response.status_code != 200:
            raise FetchError(response.url, f"HTTP {response.status_code}: {_error_message(response)}",
                             status=response.status_code)
        data = json_body(response)
        notes = data.get("notes") if isinstance(data, dict) else None
        if not isinstance(notes, list):
            raise FetchError(response.url, "the answer has no 'notes' list")
        # /notes?forum= mixes replies in; /notes?id= should not, but pick the submission itself to be sure.
        note = next((n for n in notes if isinstance(n, dict) and n.get("id") == key), None)
        if note is None and notes:
            # An answer about other notes says nothing about this one: a source error, not "no such note".
            others = sorted(str(n.get("id")) for n in notes if isinstance(n, dict))[:3]
            raise FetchError(response.url, f"OpenReview answered with other notes ({', '.join(others)}), "
                                           "not the one asked for")
        return note

    def fetch_one(self, key: str) -> Outcome:
        try:
            for api, base in self.hosts:  # a note lives on one host and is a 404 on the other
                note = self._note(base, key)
                if note is not None:
                    try:
                        return Fetched(to_record(key, note, api))
                    except (ValidationError, TypeError, AttributeError) as err:
                        return Failed(f"unexpected note shape from API {api}: {err}")
        except FetchError as err:
            return Failed(str(err))
        return NotFound("OpenReview has no note with this id (asked API v2 and v1)")

    def fetch_batch(self, keys: list[str]) -> dict[str, Outcome]:
        self.login()
        return {key: self.fetch_one(key) for key in keys}
