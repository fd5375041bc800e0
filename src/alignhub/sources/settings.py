"""Where the metadata APIs are and how politely to ask them: ``[tool.alignhub.enrich]``.

Read by `alignhub.config.read_settings` like every command's settings: the environment variables
(``ALIGNHUB_ARXIV_API``, ``ALIGNHUB_HTTP_TIMEOUT`` … tests point the APIs at 127.0.0.1) win over
the catalog's pyproject.toml. Credentials are read from the environment by the clients that need
them and are never stored here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from alignhub.config import SettingsModel, read_settings
from alignhub.settingtypes import Count, Duration, PositiveDuration, Url, whole

ARXIV_MAX_BATCH = 100  # ids per arXiv request: long id lists are where arXiv starts to misbehave
S2_MAX_BATCH = 500  # Semantic Scholar's documented limit for /paper/batch


class HttpSettings(SettingsModel):
    """What every metadata client's HTTP session needs (`alignhub.sources.http.Session`)."""

    timeout: PositiveDuration = Field(30.0, description="time for connecting and for each read",
                                      json_schema_extra={"env": "ALIGNHUB_HTTP_TIMEOUT"})
    retries: Count = Field(3, description="further tries after a 429/5xx, a timeout or a dropped connection",
                           json_schema_extra={"env": "ALIGNHUB_HTTP_RETRIES"})
    backoff: Duration = Field(
        10.0, description="first wait when the server sends no Retry-After; doubles each try",
        json_schema_extra={"env": "ALIGNHUB_HTTP_BACKOFF"})
    max_wait: Duration = Field(
        300.0, description="longest single wait accepted; a longer Retry-After fails the request",
        json_schema_extra={"env": "ALIGNHUB_HTTP_MAX_WAIT"})


class Settings(HttpSettings):
    """``alignhub enrich`` (and ``add``, ``watch``): the APIs, their pacing and the HTTP settings."""

    section = "enrich"
    env_prefix = "ALIGNHUB_"

    arxiv_api: Url = Field("https://export.arxiv.org/api/query", description="arXiv's query API")
    arxiv_delay: Duration = Field(3.0, description="least time between two arXiv requests (arXiv's terms: 3 s)")
    arxiv_batch: Annotated[int, whole(1, ARXIV_MAX_BATCH)] = Field(
        ARXIV_MAX_BATCH, description=f"ids per arXiv request (at most {ARXIV_MAX_BATCH})")
    openreview_api: Url = Field("https://api2.openreview.net", description="OpenReview's API (v2)")
    openreview_api_v1: Url = Field("https://api.openreview.net", description="OpenReview's API v1 (older venues)")
    openreview_delay: Duration = Field(1.0, description="least time between two OpenReview requests")
    s2_api: Url = Field("https://api.semanticscholar.org/graph/v1", description="Semantic Scholar's graph API")
    s2_batch: Annotated[int, whole(1, S2_MAX_BATCH)] = Field(
        S2_MAX_BATCH, description=f"ids per Semantic Scholar request (at most {S2_MAX_BATCH})")
    s2_delay: Duration = Field(1.0, description="least time between two Semantic Scholar requests (the keyed rate)")
    github_api: Url = Field("https://api.github.com", description="GitHub's REST API")


def load_settings(root: Path) -> Settings:
    """The settings for a catalog root (environment over pyproject.toml). Raises ConfigError."""
    return read_settings(Settings, root)
