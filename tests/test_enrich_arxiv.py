"""The arXiv client against a local arXiv serving recorded-format feeds: batching, ids and every fault."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from alignhub.metadata.records import ArxivRecord
from alignhub.sources.arxiv import ArxivSource
from alignhub.sources.outcomes import Failed, Fetched, NotFound
from alignhub.sources.settings import load_settings
from fixtures.api.fakeapi import FEED_TYPE, HERE, FakeApis, Reply, summary

CATALOG_IDS = ["2105.14111", "2109.07958", "2305.18290", "2306.03819", "2311.10766", "2402.01306", "2402.10571"]


def source(root: Path) -> ArxivSource:
    return ArxivSource(load_settings(root))


def queries(api: FakeApis) -> list[list[str]]:
    return [s.arg("id_list").split(",") for s in api.requests("/api/query")]


def test_batches_hold_at_most_the_batch_size_and_ask_for_all_of_them(root: Path, api: FakeApis, cli,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "3")
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 0, out
    sent = api.requests("/api/query")
    assert [len(q) for q in queries(api)] == [3, 3, 1]
    assert sorted(i for q in queries(api) for i in q) == CATALOG_IDS
    # max_results is the batch: arXiv's default of 10 would silently cut a batch of 100
    assert [s.arg("max_results") for s in sent] == ["3", "3", "1"]
    assert sorted(p.name for p in (root / "metadata" / "arxiv").iterdir()) == [f"{i}.json" for i in CATALOG_IDS]


def test_a_hundred_ids_go_in_one_request(root: Path, api: FakeApis) -> None:
    ids = [f"2501.{n:05d}" for n in range(1, 101)]
    for number in ids:
        api.add_arxiv(number, f"Synthetic paper {number}")
    client = source(root)
    assert client.batch_size == 100
    outcomes = client.fetch_batch(ids)
    assert len(api.requests("/api/query")) == 1
    assert api.requests()[0].arg("max_results") == "100"
    assert all(isinstance(o, Fetched) for o in outcomes.values()) and len(outcomes) == 100


def test_a_record_carries_every_field_arxiv_gives(root: Path, api: FakeApis) -> None:
    outcome = source(root).fetch_batch(["2305.18290"])["2305.18290"]
    assert isinstance(outcome, Fetched)
    record = outcome.record
    assert isinstance(record, ArxivRecord)
    assert record.title == "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"
    assert record.version == 3
    assert record.published.isoformat() == "2023-05-29T17:57:46+00:00"
    assert record.updated.isoformat() == "2024-07-29T22:26:36+00:00"
    assert record.authors[3].name == "Stefano Ermon"
    assert record.authors[3].affiliations == ["Stanford University", "CZ Biohub"]
    assert record.authors[4].affiliations == []
    assert record.abstract.startswith("While large-scale unsupervised language models")  # leading spaces gone
    assert "\n" not in record.abstract
    assert (record.primary_category, record.categories) == ("cs.LG", ["cs.LG", "cs.AI", "cs.CL"])
    assert record.pdf_url == "https://arxiv.org/pdf/2305.18290v3"
    assert (record.doi, record.journal_ref, record.comment) == (None, None, None)


def test_versioned_and_old_style_ids(root: Path, api: FakeApis) -> None:
    outcomes = source(root).fetch_batch(["2305.18290v2", "hep-th/9711200"])
    assert api.requests()[0].arg("id_list") == "2305.18290v2,hep-th/9711200"
    versioned = outcomes["2305.18290v2"]
    old = outcomes["hep-th/9711200"]
    assert isinstance(versioned, Fetched) and isinstance(old, Fetched)
    assert versioned.record.version == 2
    assert versioned.record.pdf_url == "https://arxiv.org/pdf/2305.18290v2"
    assert old.record.title == "The Large N Limit of Superconformal Field Theories and Supergravity"
    assert old.record.doi == "10.1023/A:1026654312961"
    assert old.record.journal_ref == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert old.record.authors[0].affiliations == ["Harvard University"]


def test_old_style_ids_get_a_readable_cache_file(root: Path, api: FakeApis) -> None:
    from alignhub.metadata.store import Store

    store = Store(root)
    outcome = source(root).fetch_batch(["hep-th/9711200"])["hep-th/9711200"]
    assert isinstance(outcome, Fetched)
    store.write("arxiv", outcome.record)
    assert (root / "metadata" / "arxiv" / "hep-th%2F9711200.json").is_file()
    assert store.keys("arxiv") == {"hep-th/9711200"}
    assert store.read("arxiv", "hep-th/9711200") == (outcome.record, None)


def test_ids_are_checked_before_anything_is_sent(root: Path, api: FakeApis) -> None:
    outcomes = source(root).fetch_batch(["abc", "2305.1829"])
    assert api.requests() == []
    assert isinstance(outcomes["abc"], Failed) and "not sent: 'abc' is not an arXiv id" in outcomes["abc"].message
    assert isinstance(outcomes["2305.1829"], Failed)


def test_an_error_entry_fails_the_id_it_names_and_the_rest_is_asked_again(root: Path, api: FakeApis) -> None:
    api.arxiv_rejects.add("2402.01306")  # arXiv's rules and ours disagree about this one
    outcomes = source(root).fetch_batch(["2305.18290", "2402.01306", "2402.10571"])
    assert isinstance(outcomes["2402.01306"], Failed)
    assert outcomes["2402.01306"].message == "arXiv rejected the id: incorrect id format for 2402.01306"
    assert isinstance(outcomes["2305.18290"], Fetched) and isinstance(outcomes["2402.10571"], Fetched)
    # sent once each: the package alone would have retried the 400 three more times
    assert queries(api) == [["2305.18290", "2402.01306", "2402.10571"], ["2305.18290", "2402.10571"]]


def test_a_missing_id_is_not_found_while_its_batch_mates_are_fetched(root: Path, api: FakeApis) -> None:
    outcomes = source(root).fetch_batch(["2305.18290", "2402.99999"])
    assert isinstance(outcomes["2305.18290"], Fetched)
    assert outcomes["2402.99999"] == NotFound("arXiv has no paper with this id")


def test_an_empty_feed_for_a_whole_batch_is_a_failure_not_a_verdict(root: Path, api: FakeApis) -> None:
    outcomes = source(root).fetch_batch(["2402.99998", "2402.99999"])
    assert all(isinstance(o, Failed) and "empty feed for all 2 ids" in o.message for o in outcomes.values())
    # a single id that is not there is simply not found
    assert source(root).fetch_batch(["2402.99999"])["2402.99999"] == NotFound("arXiv has no paper with this id")


def test_429_is_retried_after_the_time_retry_after_asks(root: Path, api: FakeApis) -> None:
    api.then(Reply(429, b"Rate exceeded.", "text/plain", {"Retry-After": "1"}))
    outcome = source(root).fetch_batch(["2305.18290"])["2305.18290"]
    assert isinstance(outcome, Fetched)
    first, second = api.requests("/api/query")
    assert second.arg("id_list") == first.arg("id_list")
    assert second.at - first.at >= 0.95


def test_a_retry_after_beyond_the_limit_fails_at_once(root: Path, api: FakeApis,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_HTTP_MAX_WAIT", "60")
    api.then(Reply(429, b"", "text/plain", {"Retry-After": "3600"}))
    outcome = source(root).fetch_batch(["2305.18290"])["2305.18290"]
    assert isinstance(outcome, Failed)
    assert "HTTP 429" in outcome.message and "asks to wait 3600 s" in outcome.message
    assert len(api.requests()) == 1


def test_503_is_retried_with_backoff_then_succeeds(root: Path, api: FakeApis) -> None:
    api.then(Reply(503, b"Service Unavailable", "text/plain"), Reply(503, b"", "text/plain"))
    outcome = source(root).fetch_batch(["2402.10571"])["2402.10571"]
    assert isinstance(outcome, Fetched)
    assert len(api.requests()) == 3


def test_503_that_persists_fails_every_id_of_the_batch_naming_the_url(root: Path, api: FakeApis) -> None:
    api.then(*[Reply(503, b"", "text/plain")] * 3)
    outcomes = source(root).fetch_batch(["2305.18290", "2402.10571"])
    for outcome in outcomes.values():
        assert isinstance(outcome, Failed)
        assert outcome.message.startswith("HTTP 503 Service Unavailable (3 tries) (http://127.0.0.1:")
        assert "/api/query?" in outcome.message
    assert len(api.requests()) == 3


def test_an_html_page_fails_every_id_of_the_batch(root: Path, api: FakeApis) -> None:
    api.then(Reply.file("arxiv/maintenance.html", "text/html; charset=utf-8"))
    outcomes = source(root).fetch_batch(["2305.18290", "2402.10571"])
    assert set(outcomes) == {"2305.18290", "2402.10571"}
    for outcome in outcomes.values():
        assert isinstance(outcome, Failed)
        assert "arXiv answered with an HTML page, not an Atom feed (HTTP 200, text/html" in outcome.message


def test_a_malformed_body_fails_every_id_of_the_batch(root: Path, api: FakeApis) -> None:
    truncated = (HERE / "arxiv" / "feed-catalog.xml").read_bytes()[:3000]
    api.then(Reply(200, truncated, FEED_TYPE))
    outcomes = source(root).fetch_batch(["2305.18290", "2402.10571"])
    for outcome in outcomes.values():
        assert isinstance(outcome, Failed)
        assert "arXiv's answer is not well-formed XML" in outcome.message


def test_an_entry_without_dates_is_a_failure_for_its_id(root: Path, api: FakeApis) -> None:
    body = (HERE / "arxiv" / "feed-catalog.xml").read_bytes()
    body = body.replace(b"<published>2023-05-29T17:57:46Z</published>", b"")
    api.then(Reply(200, body, FEED_TYPE), Reply(200, body, FEED_TYPE))  # the feed holds foreign ids: asked twice
    outcomes = source(root).fetch_batch(["2305.18290", "2402.10571"])
    assert outcomes["2305.18290"] == Failed("arXiv returned an entry without <published>")
    assert isinstance(outcomes["2402.10571"], Fetched)


def test_a_stalled_answer_times_out_and_the_retry_succeeds(root: Path, api: FakeApis,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "1")
    api.then(Reply(delay=1.5, body=b"late"))
    assert isinstance(source(root).fetch_batch(["2305.18290"])["2305.18290"], Fetched)
    assert len(api.requests()) == 2


def test_a_timeout_on_every_try_fails_the_batch(root: Path, api: FakeApis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "0")
    api.then(Reply(delay=1.5, body=b"late"))
    outcome = source(root).fetch_batch(["2305.18290"])["2305.18290"]
    assert isinstance(outcome, Failed) and outcome.message.startswith("no answer within 0.3 s (1 try)")


def test_requests_are_paced_by_the_delay(root: Path, api: FakeApis, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pacing is measured where it is done, when each request leaves the client (the server's arrival
    times drift under load), and from the waits the client asked for: not by wall time."""
    monkeypatch.setenv("ALIGNHUB_ARXIV_DELAY", "0.4")
    client = source(root)
    sent: list[float] = []
    waits: list[float] = []
    pace = client.session._pace

    def recorded_pace() -> None:
        pace()
        sent.append(client.session._last_sent)

    monkeypatch.setattr(client.session, "_pace", recorded_pace)
    monkeypatch.setattr(client.session, "sleep", lambda seconds: (waits.append(seconds), time.sleep(seconds)))
    client.fetch_batch(["2305.18290"])
    client.fetch_batch(["2402.10571"])
    assert len(api.requests()) == 2 and len(sent) == 2
    assert sent[1] - sent[0] >= 0.4
    assert all(0 < w <= 0.4 for w in waits)


def test_the_default_pacing_is_three_seconds_and_a_hundred_ids(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ALIGNHUB_ARXIV_DELAY", "ALIGNHUB_ARXIV_BATCH", "ALIGNHUB_HTTP_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(root)
    assert (settings.arxiv_delay, settings.arxiv_batch) == (3.0, 100)
    assert settings.arxiv_api == "https://export.arxiv.org/api/query"
    assert settings.timeout == 30.0
    client = ArxivSource(settings)
    assert client.session.min_interval == 3.0
    assert client.client.query_url_format == "https://export.arxiv.org/api/query?{}"


def test_the_cache_file_is_sorted_json_and_the_same_bytes_every_time(root: Path, api: FakeApis, cli) -> None:
    assert cli("enrich", "--source", "arxiv", "--root", str(root))[0] == 0
    path = root / "metadata" / "arxiv" / "2402.01306.json"
    first = path.read_bytes()
    data = json.loads(first)
    assert list(data) == sorted(data)
    assert first.endswith(b"}\n") and first.decode("utf-8")
    code, out = cli("enrich", "--refresh", "--source", "arxiv", "--root", str(root))
    assert code == 0
    assert path.read_bytes() == first
    assert summary(out)["arxiv"] == {"fetched": 0, "unchanged": 7, "not found": 0, "failed": 0, "skipped": 0,
                                     "requests": 1}


# -- answers that are not about what was asked ----------------------------------------------------

def _foreign_feed() -> Reply:
    """A feed for other ids: the recorded feed of the seven catalog papers, whatever was asked."""
    return Reply(200, (HERE / "arxiv" / "feed-catalog.xml").read_bytes(), FEED_TYPE)


def test_a_feed_with_foreign_ids_is_asked_again(root: Path, api: FakeApis) -> None:
    api.then(_foreign_feed())
    outcomes = source(root).fetch_batch(["2402.99999", "2310.12773"])
    assert outcomes["2402.99999"] == NotFound("arXiv has no paper with this id")  # the second answer is sound
    assert isinstance(outcomes["2310.12773"], Fetched)
    assert queries(api) == [["2402.99999", "2310.12773"]] * 2


def test_a_feed_with_foreign_ids_twice_is_a_source_error_not_a_verdict(root: Path, api: FakeApis, cli) -> None:
    api.then(_foreign_feed(), _foreign_feed())
    outcomes = source(root).fetch_batch(["2402.99999", "2310.12773"])
    for outcome in outcomes.values():
        assert isinstance(outcome, Failed)
        assert outcome.message == ("arXiv answered (twice) with entries for ids not asked for (2305.18290v3, "
                                   "2402.01306v4), so its silence about this one proves nothing; run again later")
    # the catalog through the command line: nothing recorded as missing, so validate --strict stays green
    api.then(*[_foreign_feed()] * 2)
    code, out = cli("enrich", "--source", "arxiv", "2305.18290", "2402.10571", "--root", str(root))
    assert code == 1  # 2305.18290 is in the feed, by id: fetched; 2402.10571 is not: failed, not missing
    assert summary(out)["arxiv"]["not found"] == 0
    api.then(*[Reply(200, (HERE / "arxiv" / "feed-extra.xml").read_bytes(), FEED_TYPE)] * 2)
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert summary(out)["arxiv"]["not found"] == 0
    assert not any("missing" in p.read_text() for p in (root / "metadata" / "arxiv").iterdir())
    assert cli("validate", "--strict", "--root", str(root))[0] == 0


def test_a_captcha_page_fails_the_batch_and_records_nothing(root: Path, api: FakeApis, cli) -> None:
    captcha = (b"<!DOCTYPE html><html><head><title>Verify you are human</title></head><body>"
               b"<form action=\"/captcha\"><p>Please complete the security check to access arxiv.org.</p></form>"
               b"</body></html>")
    api.then(*[Reply(200, captcha, "text/html; charset=utf-8")] * 3)
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 1
    assert summary(out)["arxiv"] == {"fetched": 0, "unchanged": 0, "not found": 0, "failed": 7, "skipped": 0,
                                     "requests": 1}
    assert "failed: arXiv answered with an HTML page, not an Atom feed (HTTP 200, text/html" in out
    assert not (root / "metadata" / "arxiv").exists()


@pytest.mark.parametrize("after", [0, 300])
def test_a_dropped_connection_is_retried_and_the_batch_fetched(root: Path, api: FakeApis, after: int) -> None:
    api.then(Reply.dropped(after))  # closed before answering, or part-way through the feed
    outcomes = source(root).fetch_batch(["2305.18290", "2402.10571"])
    assert all(isinstance(o, Fetched) for o in outcomes.values())
    assert queries(api) == [["2305.18290", "2402.10571"]] * 2
