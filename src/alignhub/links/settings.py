"""How `alignhub links` checks: limits, timeouts, accepted codes and URL patterns.

``[tool.alignhub.links]`` of the catalog's pyproject.toml, ``ALIGNHUB_LINKS_<KEY>`` environment
variables and the command's options, read by `alignhub.config.read_settings` (options win, then the
environment, then the file). Every value is checked there, so a typo fails before any request is sent.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alignhub import __version__
from alignhub.config import SettingsModel, setting_message
from alignhub.settingtypes import (
    Count,
    Duration,
    Flag,
    Patterns,
    Positive,
    PositiveDuration,
    StatusCodes,
    Text,
    optional,
    parse_duration,
    read_whole,
    validator_of,
)
from alignhub.sources.httppolicy import USER_AGENT
from alignhub.suggest import did_you_mean


class HostSettings(BaseModel):
    """What one host (and its subdomains) gets instead of the defaults, like lychee's per-host options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    per_host: Annotated[int | None, optional(read_whole(1))] = Field(
        None, description="requests in flight at once to this host")
    interval: Annotated[float | None, optional(parse_duration)] = Field(
        None, description="least time between the starts of two requests to this host")


def _hosts(value: Any) -> tuple[tuple[str, HostSettings], ...]:
    """``[tool.alignhub.links.hosts."arxiv.org"]`` tables: per_host and interval for that host.

    Longer names first, so that a subdomain's own table wins over its parent domain's.
    """
    if isinstance(value, tuple):
        return value
    if not isinstance(value, dict):
        raise ValueError("must be a table of hosts, e.g. [tool.alignhub.links.hosts.\"arxiv.org\"]")
    found = []
    for host, table in value.items():
        if not isinstance(table, dict):
            raise ValueError(f"'{host}' must be a table with per_host and/or interval")
        for key in table:
            if key not in HostSettings.model_fields:
                raise ValueError(f"'{host}': unknown key '{key}' ({did_you_mean(key, HostSettings.model_fields)})")
        try:
            found.append((host.lower().rstrip("."), HostSettings.model_validate(table)))
        except ValidationError as err:
            raise ValueError(f"'{host}' {err.errors()[0]['loc'][0]}: {setting_message(err)}") from None
    return tuple(sorted(found, key=lambda item: (-len(item[0]), item[0])))


def _option(name: str, extends: bool = False) -> dict[str, Any]:
    """A setting's command-line option; with `extends`, the option's values add to the other layers'."""
    return {"option": name, "extends": True} if extends else {"option": name}


Hosts = Annotated[tuple[tuple[str, HostSettings], ...], validator_of(_hosts)]


class LinkSettings(SettingsModel):
    """Everything the checker needs to know; the defaults suit a few hundred links on many hosts."""

    section = "links"
    env_prefix = "ALIGNHUB_LINKS_"

    concurrency: Positive = Field(64, description="requests in flight at once, over all hosts",
                                  json_schema_extra=_option("--concurrency"))
    per_host: Positive = Field(
        4, description="requests in flight at once to one host (polite to arxiv.org and friends)",
        json_schema_extra=_option("--per-host"))
    timeout: PositiveDuration = Field(20.0, description="time for one request, connect to last header",
                                      json_schema_extra=_option("--timeout"))
    retries: Count = Field(2, description="extra tries after a timeout, a connection error, 429 or a 5xx answer",
                           json_schema_extra=_option("--retries"))
    backoff: Duration = Field(1.0, description="first wait between tries; doubles each time")
    max_retry_after: Duration = Field(
        60.0, description="cap on a server's Retry-After, so one host cannot stall the run")
    deadline: PositiveDuration = Field(
        600.0, description="time for the whole run; links left then are reported unchecked, not broken",
        json_schema_extra=_option("--deadline"))
    interval: Duration = Field(0.0, description="least time between the starts of two requests to one host",
                               json_schema_extra=_option("--interval"))
    hosts: Hosts = Field(
        (), description='per-host per_host and interval, as [tool.alignhub.links.hosts."arxiv.org"] tables '
                        "(a host and its subdomains)", json_schema_extra={"env": None})
    max_redirects: Count = Field(10, description="redirects followed at most")
    accept: StatusCodes = Field(frozenset(range(200, 300)), description="status codes that count as working",
                                json_schema_extra=_option("--accept"))
    include: Patterns = Field(
        (), description="regular expressions: when given, only URLs matching one of them are checked "
                        "(--include adds to them)",
        json_schema_extra={"env": None, **_option("--include", extends=True)})
    exclude: Patterns = Field(
        (), description="regular expressions: URLs matching one of them are never checked (--exclude adds to them)",
        json_schema_extra={"env": None, **_option("--exclude", extends=True)})
    cache_ttl: Duration = Field(86400.0, description="how long a result stays fresh in .alignhub-cache/links.json",
                                json_schema_extra=_option("--cache-ttl"))
    use_cache: Flag = Field(True, description="read and write the cache of results",
                            json_schema_extra=_option("--no-cache"))
    user_agent: Text = Field(USER_AGENT, description="the User-Agent header of every request",
                             json_schema_extra={"shown": USER_AGENT.replace(__version__, "VERSION")})
    head_refused: StatusCodes = Field(
        frozenset({400, 403, 404, 405, 501}),
        description='HEAD answers that may mean "ask me with GET" rather than "this page is missing" (a '
                    "hanging HEAD is asked again with GET too)")

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
