"""arXiv through the `arxiv` package (4.x), with what the package leaves out put around it.

The package builds the query URL and parses entries into `Result`s. It sets no timeout, retries a
400 as if it were transient, ignores ``Retry-After``, and turns an HTML page or a broken body into
an empty result list (indistinguishable from "not found"). So the client gets our own session
(`_FeedSession`): timeout, backoff and pacing from `http.Session` (the package's own `delay_seconds`
is not used: it forgets a request that ended in an exception), and a check of every answer before
the package parses it — an HTML page or malformed XML fails the batch with the reason, and arXiv's
400 error entries ("incorrect id format for …") are reported for the id they name while the rest
of the batch is asked again. An id the feed leaves out is "not found" only when the feed holds
nothing but ids that were asked for: a feed with foreign entries is asked again once, then the ids
it lacks fail (a source error) instead of being recorded as missing.
"""

from __future__ import annotations

import re
from typing import Any

import arxiv
import requests
from lxml import etree

from alignhub.metadata.ids import split_arxiv
from alignhub.metadata.records import ArxivAuthor, ArxivRecord
from alignhub.sources.http import FetchError, Session
from alignhub.sources.outcomes import Failed, Fetched, NotFound, Outcome
from alignhub.sources.settings import Settings

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ERROR_ID = re.compile(r"^https?://arxiv\.org/api/errors")
_ABS = re.compile(r"^https?://arxiv\.org/abs/")
_VERSION = re.compile(r"v(\d+)$")


class ArxivRejected(Exception):
    """arXiv answered with error entries; `messages` maps the id each one names to arXiv's words."""

    def __init__(self, url: str, messages: dict[str, str]) -> None:
        super().__init__("; ".join(messages.values()))
        self.url = url
        self.messages = messages


def _text(element: Any, path: str) -> str | None:
    found = element.find(path, NS)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def parse_feed(response: requests.Response) -> Any:
    """The feed's root element; FetchError when the answer is an HTML page, broken XML or not Atom."""
    content_type = response.headers.get("Content-Type", "")
    head = response.content[:200].lstrip().lower()
    if "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html")):
        raise FetchError(response.url, f"arXiv answered with an HTML page, not an Atom feed "
                                       f"(HTTP {response.status_code}, {content_type or 'no content type'})")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(response.content, parser=parser)
    except etree.XMLSyntaxError as err:
        raise FetchError(response.url, f"arXiv's answer is not well-formed XML: {err.msg} "
                                       f"(line {err.lineno})") from None
    if root is None or root.tag != f"{{{NS['atom']}}}feed":
        tag = getattr(root, "tag", "nothing")
        raise FetchError(response.url, f"arXiv's answer is XML but not an Atom feed (root element {tag})")
    return root


class _FeedSession(Session):
    """The session handed to `arxiv.Client`: every answer is checked before the package parses it.

    `incomplete` collects the entries the package will drop (no id or dates), so they are reported
    as failures rather than as "not found"; the client empties it before each query.
    """

    incomplete: dict[str, str]

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        if response.status_code not in (200, 400):
            raise FetchError(response.url, f"HTTP {response.status_code} {response.reason or ''}".rstrip(),
                             status=response.status_code)
        root = parse_feed(response)
        errors: dict[str, str] = {}
        for entry in root.iterfind("atom:entry", NS):
            entry_id = _text(entry, "atom:id") or ""
            if _ERROR_ID.match(entry_id):
                message = _text(entry, "atom:summary") or "error"
                named = re.search(r"\bfor (\S+)$", message)
                errors[named.group(1) if named else entry_id] = message
            elif not (entry_id and _text(entry, "atom:published") and _text(entry, "atom:updated")):
                missing = [tag for tag in ("id", "published", "updated") if not _text(entry, f"atom:{tag}")]
                self.incomplete[_ABS.sub("", entry_id)] = f"arXiv returned an entry without <{missing[0]}>"
        if errors:
            raise ArxivRejected(response.url, errors)
        if response.status_code == 400:
            raise FetchError(response.url, "HTTP 400 Bad Request (no error entry in the answer)", status=400)
        return response


def to_record(key: str, result: arxiv.Result) -> ArxivRecord:
    version = _VERSION.search(result.entry_id)
    return ArxivRecord(
        id=key,
        version=int(version.group(1)) if version else 1,
        title=" ".join(result.title.split()),
        authors=[ArxivAuthor(name=" ".join(a.name.split()), affiliations=[" ".join(f.split()) for f in a.affiliation])
                 for a in result.authors],
        abstract=" ".join(result.summary.split()),
        published=result.published,
        updated=result.updated,
        primary_category=result.primary_category or None,
        categories=list(result.categories),
        doi=result.doi or None,
        journal_ref=" ".join(result.journal_ref.split()) if result.journal_ref else None,
        comment=" ".join(result.comment.split()) if result.comment else None,
        pdf_url=result.pdf_url,
    )


class ArxivSource:
    """Batches of up to 100 ids per request (`max_results` = the batch), paced `arxiv_delay` apart."""

    name = "arxiv"

    def __init__(self, settings: Settings) -> None:
        self.batch_size = settings.arxiv_batch
        self.session = _FeedSession(settings, min_interval=settings.arxiv_delay)
        self.client = arxiv.Client(page_size=self.batch_size, delay_seconds=0, num_retries=0)
        self.client.query_url_format = settings.arxiv_api + "?{}"  # per instance: tests point it at 127.0.0.1
        self.client._session = self.session  # the package's only hook for timeouts and answer checks
        self.session.incomplete = {}

    @property
    def requests_sent(self) -> int:
        return self.session.sent

    def _query(self, ids: list[str]) -> list[arxiv.Result]:
        self.client.page_size = len(ids)  # max_results = the batch: the default of 10 would truncate it
        self.session.incomplete = {}
        results: list[arxiv.Result] = []
        try:
            for result in self.client.results(arxiv.Search(id_list=ids, max_results=len(ids))):
                results.append(result)
        except arxiv.UnexpectedEmptyPageError:
            pass  # the feed announced more results than it held; the next page was empty
        return results

    def search(self, query: str, max_results: int, page_size: int) -> list[ArxivRecord]:
        """A listing query (``cat:cs.CL AND submittedDate:[… TO …]``), newest submissions first.

        Pages of `page_size` go through the same paced, checked session as the id batches; a failed
        page raises FetchError or `arxiv.ArxivError` for the caller to report.
        """
        self.client.page_size = page_size
        self.session.incomplete = {}
        search = arxiv.Search(query=query, max_results=max_results, sort_by=arxiv.SortCriterion.SubmittedDate,
                              sort_order=arxiv.SortOrder.Descending)
        records: list[ArxivRecord] = []
        try:
            for result in self.client.results(search):
                records.append(to_record(_VERSION.sub("", result.get_short_id()), result))
        except arxiv.UnexpectedEmptyPageError:
            pass  # the listing announced more results than it held
        return records

    def fetch_batch(self, keys: list[str]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        pending = []
        for key in keys:
            try:
                split_arxiv(key)
            except ValueError as err:
                outcomes[key] = Failed(f"not sent: {err}")
            else:
                pending.append(key)
        retried = False
        while pending:
            try:
                results = self._query(pending)
            except ArxivRejected as err:
                named = [k for k in pending if k in err.messages]
                if not named:
                    for key in pending:
                        outcomes[key] = Failed(f"arXiv rejected the request: {err}")
                    break
                for key in named:
                    outcomes[key] = Failed(f"arXiv rejected the id: {err.messages[key]}")
                pending = [k for k in pending if k not in err.messages]
                continue
            except (FetchError, arxiv.ArxivError) as err:
                for key in pending:
                    outcomes[key] = Failed(str(err))
                break
            if not results and not self.session.incomplete and len(pending) > 1:
                # An empty feed for a whole batch of well-formed ids is arXiv having a bad moment
                # (a known quirk), not proof that none of them exists.
                for key in pending:
                    outcomes[key] = Failed(f"arXiv returned an empty feed for all {len(pending)} ids of the batch; "
                                           "run again later")
                break
            foreign = self._foreign(pending, results)
            if foreign and not retried:
                retried = True  # a feed mixed up with another query's: ask once more
                continue
            outcomes.update(self._match(pending, results, foreign))
            break
        return outcomes

    def _foreign(self, asked: list[str], results: list[arxiv.Result]) -> list[str]:
        """Ids in the feed that were not asked for: then its silence about an asked id proves nothing."""
        wanted = set(asked)
        return sorted(short for short in (r.get_short_id() for r in results)
                      if short not in wanted and _VERSION.sub("", short) not in wanted)

    def _match(self, asked: list[str], results: list[arxiv.Result], foreign: list[str]) -> dict[str, Outcome]:
        """Each id asked for → its entry, by id rather than position (versioned or not, as asked).

        An id the feed leaves out is "not found" only when the feed answered for the ids asked and no
        others; with `foreign` ids in it, the ids it lacks are failures (asked again next run).
        """
        found: dict[str, arxiv.Result] = {}
        incomplete: dict[str, str] = {}
        for result in results:
            short = result.get_short_id()
            found[short] = result
            found.setdefault(_VERSION.sub("", short), result)
        for short, why in self.session.incomplete.items():
            incomplete[short] = why
            incomplete.setdefault(_VERSION.sub("", short), why)
        outcomes: dict[str, Outcome] = {}
        for key in asked:
            if key in found:
                outcomes[key] = Fetched(to_record(key, found[key]))
            elif key in incomplete:
                outcomes[key] = Failed(incomplete[key])
            elif foreign:
                shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
                outcomes[key] = Failed(f"arXiv answered (twice) with entries for ids not asked for ({shown}), "
                                       "so its silence about this one proves nothing; run again later")
            else:
                outcomes[key] = NotFound("arXiv has no paper with this id")
        return outcomes
