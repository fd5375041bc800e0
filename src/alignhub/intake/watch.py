"""`alignhub watch`: new arXiv submissions since the last run, ranked by relevance to the catalog.

One listing query per run (paged) through the arXiv client `enrich` uses, with its pacing, retries
and answer checks. The window starts where the last run's newest submission was (the state file,
committed with the catalog), so a run with nothing new costs one request. Papers the catalog
already holds (drafts included) are dropped; the rest are scored with `similarity.best_matches`
against every entry's text and every topic's description, and the best are written as a markdown
triage report with the `alignhub add` line that accepts each one.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import arxiv

from alignhub import fsutil, pipeline, similarity
from alignhub.catalog import Catalog
from alignhub.config import ConfigError, read_settings
from alignhub.errors import UsageError
from alignhub.intake.add import already_listed, listed
from alignhub.intake.settings import WatchSettings
from alignhub.metadata.records import ArxivRecord
from alignhub.resources import templates_dir
from alignhub.sources.arxiv import ArxivSource
from alignhub.sources.http import FetchError
from alignhub.sources.outcomes import SourceUnavailable
from alignhub.sources.settings import load_settings
from alignhub.templating import make_environment

TEMPLATE = "watch-report.md.j2"


@dataclass(frozen=True)
class WatchOptions:
    """What `alignhub watch` is asked besides its settings: from when, where to report, whether to keep the state."""

    since: date | None = None  # ask from this day (UTC); None: from the last run, else `days` ago
    output: str | None = None  # the report file ("-": standard output); None: the `report` setting
    dry_run: bool = False  # keep the state file as it is

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> WatchOptions:
        since = None
        if args.since:
            try:
                since = datetime.strptime(args.since, "%Y-%m-%d").date()
            except ValueError:
                raise UsageError(f"--since {args.since}: expected a date as YYYY-MM-DD") from None
        return cls(since, args.output, args.dry_run)


@dataclass
class Candidate:
    record: ArxivRecord
    score: float
    section: str
    topic: str
    like: str | None  # the entry it is most like, when an entry (not a topic description) matched best


def _stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M")


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_state(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        datetime.fromisoformat(str(data["last_submitted"]).replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"{path.name}: not an alignhub watch state (delete it to start again)") from None
    return data


def query(categories: tuple[str, ...], since: datetime, until: datetime) -> str:
    cats = " OR ".join(f"cat:{c}" for c in categories)
    return f"({cats}) AND submittedDate:[{_stamp(since)} TO {_stamp(until)}]"


def rank(catalog: Catalog, records: list[ArxivRecord]) -> list[Candidate]:
    """Each record scored against the catalog's entries and topic descriptions, best first.

    The suggested place is the nearest topic description's, unless one entry is closer than any
    description: then that entry's topic (and the entry is named).
    """
    labels = {tag: label.en for tag, label in catalog.taxonomy.tag_labels.items()}
    items = sorted(catalog.entries, key=lambda item: item.id)
    topics = [(section.id, topic) for section in catalog.taxonomy.sections for topic in section.topics]
    found = similarity.relevance([similarity.entry_text(item, labels) for item in items],
                                 [f"{topic.en} {topic.en} {topic.description}" for _, topic in topics],
                                 [f"{r.title} {r.title} {r.abstract}" for r in records])
    candidates = []
    for record, match in zip(records, found, strict=True):
        if match.entry < 0 and match.topic < 0:
            continue
        if match.topic < 0 or (match.entry >= 0 and match.entry_score > match.topic_score):
            item = items[match.entry]
            candidates.append(Candidate(record, match.score, item.section, item.entry.topic, item.id))
        else:
            section_id, topic = topics[match.topic]
            candidates.append(Candidate(record, match.score, section_id, topic.id, None))
    return sorted(candidates, key=lambda c: (-round(c.score, 6), c.record.id))


def report_text(root: Path, candidates: list[Candidate], total: int, present: int, since: datetime,
                until: datetime, categories: tuple[str, ...]) -> str:
    template = make_environment(templates_dir(root)).get_template(TEMPLATE)
    return template.render(candidates=candidates, total=total, present=present, since=_iso(since)[:10],
                           until=_iso(until)[:10], categories=categories)


def _since(options: WatchOptions, state: dict[str, Any], settings: WatchSettings, now: datetime) -> datetime:
    if options.since is not None:
        return datetime(options.since.year, options.since.month, options.since.day, tzinfo=timezone.utc)
    if state:
        return datetime.fromisoformat(str(state["last_submitted"]).replace("Z", "+00:00"))
    return now - timedelta(days=settings.days)


def run(options: WatchOptions, root: Path, now: datetime | None = None) -> int:
    settings = read_settings(WatchSettings, root, cli={"report": options.output})
    fetch_settings = load_settings(root)
    now = now or datetime.now(timezone.utc)
    state_path = root / settings.state
    state = read_state(state_path)
    since = _since(options, state, settings, now)
    loaded = pipeline.load(root)
    client = ArxivSource(fetch_settings)
    try:
        records = client.search(query(settings.categories, since, now), settings.max_results, settings.page_size)
    except (FetchError, arxiv.ArxivError) as err:
        print(f"alignhub watch: arXiv listing failed: {err}", file=sys.stderr)
        return 1
    except SourceUnavailable as err:  # no network, or arXiv's host cannot be reached at all
        print(f"alignhub watch: arXiv listing failed: {err.notice}", file=sys.stderr)
        return 1
    seen = set(state.get("seen", [])) if options.since is None else set()
    last = datetime.fromisoformat(str(state["last_submitted"]).replace("Z", "+00:00")) if state else None
    new = [r for r in records if last is None or options.since is not None or r.published > last
           or (r.published == last and r.id not in seen)]
    found = listed(root, loaded.catalog)
    fresh = [r for r in new if not already_listed(found, arxiv=r.id, title=r.title)]
    ranked = [c for c in rank(loaded.catalog, fresh) if c.score >= settings.min_score][: settings.top]
    text = report_text(root, ranked, len(new), len(new) - len(fresh), since, now, settings.categories)
    output = settings.report
    if output == "-":
        sys.stdout.write(text)
    else:
        fsutil.atomic_write_text(root / output, text)
    if not options.dry_run:
        newest = max((r.published for r in records), default=None)
        if newest is not None and (last is None or newest >= last):
            at_newest = sorted(r.id for r in records if r.published == newest)
            state = {"last_submitted": _iso(newest),
                     "seen": sorted(set(at_newest) | (seen if newest == last else set()))}
        elif not state:
            state = {"last_submitted": _iso(since), "seen": []}
        state["checked"] = _iso(now)
        fsutil.atomic_write_text(state_path, json.dumps(state, indent=2) + "\n")
    where = "" if output == "-" else f"; wrote {output}"
    print(f"{len(new)} new submissions since {_iso(since)}, {len(new) - len(fresh)} already in the catalog, "
          f"{len(ranked)} in the report ({client.requests_sent} arXiv requests){where}", file=sys.stderr)
    return 0
