"""GitHub repository status for code links: stars, last push, archived, licence (``GET /repos/{owner}/{repo}``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import requests
from pydantic import ValidationError

from alignhub.metadata.records import GitHubRecord
from alignhub.sources.http import FetchError, Session, json_body, short_url
from alignhub.sources.outcomes import Failed, Fetched, NotFound, Outcome, SourceUnavailable
from alignhub.sources.settings import Settings


def to_record(key: str, repo: Mapping[str, Any]) -> GitHubRecord:
    licence = repo.get("license")
    return GitHubRecord(
        id=key,
        full_name=str(repo["full_name"]),
        url=str(repo.get("html_url") or f"https://github.com/{repo['full_name']}"),
        stars=int(repo["stargazers_count"]),
        pushed_at=repo.get("pushed_at"),
        archived=bool(repo.get("archived", False)),
        license=(licence.get("spdx_id") or licence.get("key")) if isinstance(licence, dict) else None,
    )


def _rate_limited(response: requests.Response) -> bool:
    return response.status_code in (403, 429) and response.headers.get("x-ratelimit-remaining") == "0"


class GitHubSource:
    name = "github"
    batch_size = 1  # one request per repository, so the cache is written after each

    def __init__(self, settings: Settings, env: Mapping[str, str]) -> None:
        self.base = settings.github_api
        self.session = Session(settings)
        self.session.headers.update({"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"})
        token = env.get("GITHUB_TOKEN", "").strip()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.has_token = bool(token)

    @property
    def requests_sent(self) -> int:
        return self.session.sent

    def fetch_one(self, key: str) -> Outcome:
        url = f"{self.base}/repos/{key}"
        try:
            response = self.session.get(url)
            if _rate_limited(response):
                reset = response.headers.get("x-ratelimit-reset", "")
                when = (datetime.fromtimestamp(int(reset), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                        if reset.isdigit() else "later")
                hint = "" if self.has_token else "; set GITHUB_TOKEN for 5,000 requests an hour"
                raise SourceUnavailable(f"github: rate limit used up until {when}{hint} ({short_url(url)})",
                                        failed=True)
            if response.status_code == 404:
                return NotFound("GitHub has no such repository (or it is private)")
            if response.status_code != 200:
                data = json_body(response) if "json" in response.headers.get("Content-Type", "") else {}
                message = data.get("message") if isinstance(data, dict) else None
                raise FetchError(response.url, f"HTTP {response.status_code}: {message or response.reason}",
                                 status=response.status_code)
            return Fetched(to_record(key, json_body(response)))
        except FetchError as err:
            return Failed(str(err))
        except (KeyError, TypeError, ValueError, ValidationError) as err:
            return Failed(f"unexpected repository shape from GitHub: {err} ({short_url(url)})")

    def fetch_batch(self, keys: list[str]) -> dict[str, Outcome]:
        return {key: self.fetch_one(key) for key in keys}
