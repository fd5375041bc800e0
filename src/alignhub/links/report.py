"""Verdicts and the report: each observation judged under the settings, then shown as a table,
markdown (to paste into an issue) or JSON. The words live in templates/links-report.*.j2."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal

from alignhub.links.collect import Occurrence
from alignhub.links.observation import OUT_OF_TIME, PERMANENT, RATE_LIMITED, Observation
from alignhub.links.settings import LinkSettings

Status = Literal["ok", "redirected", "broken", "unchecked"]
TEMPLATES = {"table": "links-report.txt.j2", "markdown": "links-report.md.j2"}


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: Status
    code: int | None
    detail: str  # why it is broken, or where it moved; "" when ok
    update_to: str  # for a permanent redirect: the URL to write instead; else ""
    final_url: str
    cached: bool
    found_in: list[Occurrence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
            "update_to": self.update_to,
            "final_url": self.final_url,
            "cached": self.cached,
            "found_in": [{"path": o.path, "line": o.line, "field": o.field} for o in self.found_in],
        }


def _reason(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _permanent_target(seen: Observation) -> str:
    """Where the leading run of permanent redirects ends: the URL to write instead ("" if none).

    A → 301 → B → 302 → C means "write B" (C is only where B sends visitors today); a temporary
    first hop means the original URL is the one to keep.
    """
    target = ""
    for code, to in seen.redirects:
        if code not in PERMANENT:
            break
        target = to
    return target


def judge(seen: Observation, settings: LinkSettings, found_in: list[Occurrence]) -> LinkResult:
    """The verdict on one URL under the accepted status codes."""
    tries = f" after {seen.attempts} tries" if seen.attempts > 1 else ""
    via = f" (redirected to {seen.final_url})" if seen.redirects else ""
    status: Status = "broken"
    update_to = ""
    if seen.error in (RATE_LIMITED, OUT_OF_TIME) or (seen.code == 429 and not seen.error):
        # Not known to be broken: the server did not let us ask, or the run ran out of time.
        reason = "rate-limited" if seen.error != OUT_OF_TIME else "the run's deadline was reached"
        detail = f"unchecked ({reason})"
        return LinkResult(seen.url, "unchecked", seen.code, detail, "", seen.final_url, seen.cached, found_in)
    if seen.error:
        detail = seen.error + (tries if seen.code is None else "")
    elif seen.code is None or seen.code not in settings.accept:
        detail = (_reason(seen.code) if seen.code is not None else "no answer") + tries + via
    else:
        update_to = _permanent_target(seen)
        status = "redirected" if update_to else "ok"
        detail = f"moved permanently: update the link to {update_to}" if update_to else ""
    return LinkResult(seen.url, status, seen.code, detail, update_to, seen.final_url, seen.cached, found_in)


@dataclass
class Report:
    """What the templates receive."""

    results: list[LinkResult]
    excluded: int = 0

    @property
    def broken(self) -> list[LinkResult]:
        return [r for r in self.results if r.status == "broken"]

    @property
    def redirected(self) -> list[LinkResult]:
        return [r for r in self.results if r.status == "redirected"]

    @property
    def unchecked(self) -> list[LinkResult]:
        return [r for r in self.results if r.status == "unchecked"]

    @property
    def problems(self) -> list[LinkResult]:
        """Broken first, then redirected, then unchecked; each group by where it is written first."""
        def key(result: LinkResult) -> tuple[tuple[bool, str, int, str], str]:
            return (result.found_in[0].order if result.found_in else (True, "", 0, ""), result.url)

        return sorted(self.broken, key=key) + sorted(self.redirected, key=key) + sorted(self.unchecked, key=key)

    def counts(self) -> dict[str, int]:
        return {
            "checked": len(self.results),
            "cached": sum(r.cached for r in self.results),
            "excluded": self.excluded,
            "ok": sum(r.status == "ok" for r in self.results),
            "redirected": len(self.redirected),
            "broken": len(self.broken),
            "unchecked": len(self.unchecked),
        }

    def to_json(self) -> str:
        data = {"summary": self.counts(), "links": [r.to_json() for r in self.results]}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_WHITESPACE = re.compile(r"\s+")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def cell(text: object) -> str:
    """Text for one cell of the markdown report (an issue): on one line, so a server's multi-line
    text cannot break the table, escaped like entry text, and with no @mention that would notify
    someone (a word joiner after the @ keeps it readable)."""
    from alignhub.templating import markdown_escape

    flat = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return _MENTION.sub("@\u2060", markdown_escape(_WHITESPACE.sub(" ", flat).strip()))


def render_report(report: Report, fmt: str, root: Path) -> str:
    if fmt == "json":
        return report.to_json()
    from alignhub.resources import templates_dir  # Jinja and the template lookup: not for a JSON report
    from alignhub.templating import make_environment

    env = make_environment(templates_dir(root))
    env.filters["cell"] = cell
    return env.get_template(TEMPLATES[fmt]).render(report=report, counts=report.counts())
