"""The shared HTTP session: Retry-After in both forms, a dropped connection (retried), a host that is gone (not)."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest

from alignhub.sources.http import FetchError, HostUnreachable, Session
from alignhub.sources.httppolicy import retry_after_seconds
from alignhub.sources.settings import HttpSettings
from fixtures.api.fakeapi import FakeApis, Reply, summary


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 11, 22, 8, 0, 0, tzinfo=timezone.utc).timestamp()
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("1.5", now) == 1.5
    assert retry_after_seconds("Sun, 22 Nov 2026 08:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Sun, 22 Nov 2026 07:59:00 GMT", now) == 0.0  # already past
    assert retry_after_seconds("Sun, 22 Nov 2026 08:01:30", now) == 90.0  # no zone: UTC
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None and retry_after_seconds("", now) is None


def test_retry_after_as_a_date_is_honoured(api: FakeApis) -> None:
    session = Session(HttpSettings(timeout=5, retries=1, backoff=30, max_wait=60))
    api.then(Reply(503, headers={"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}))  # a date already past: go now
    response = session.get(f"{api.base}/github/repos/eleutherai/concept-erasure")
    assert response.status_code == 200
    assert session.sent == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_host_that_refuses_connections_is_not_retried() -> None:
    session = Session(HttpSettings(timeout=2, retries=3, backoff=30))
    url = f"http://127.0.0.1:{_free_port()}/api/query?id_list=2305.18290"
    with pytest.raises(HostUnreachable) as caught:
        session.get(url)
    assert caught.value.notice == f"cannot reach {caught.value.host}: connection refused"
    assert caught.value.failed
    assert session.sent == 1  # no 30 s wait for a port nobody listens on


def test_a_name_that_does_not_resolve_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)  # what the resolver says with no network
    session = Session(HttpSettings(timeout=2, retries=3, backoff=30))
    with pytest.raises(HostUnreachable) as caught:
        session.get("https://export.arxiv.org/api/query?id_list=2305.18290")
    assert caught.value.notice == ("cannot reach export.arxiv.org: its name does not resolve "
                                   "(no network, or a wrong host name)")
    assert session.sent == 1


@pytest.mark.parametrize("after", [0, 40])
def test_a_dropped_connection_is_retried(api: FakeApis, after: int) -> None:
    session = Session(HttpSettings(timeout=5, retries=2, backoff=0.01))
    api.then(Reply.dropped(after))
    response = session.get(f"{api.base}/github/repos/eleutherai/concept-erasure")
    assert response.status_code == 200
    assert session.sent == 2


def test_a_connection_dropped_every_time_fails_naming_the_url(api: FakeApis) -> None:
    session = Session(HttpSettings(timeout=5, retries=1, backoff=0.01))
    api.then(Reply.dropped(), Reply.dropped(40))
    url = f"{api.base}/github/repos/eleutherai/concept-erasure"
    with pytest.raises(FetchError) as caught:
        session.get(url)
    assert caught.value.connection
    assert str(caught.value) == f"the connection was dropped during the answer (2 tries) ({url})"  # the last try's


def test_an_unreachable_source_stops_at_once_with_one_line(root: Path, api: FakeApis, cli,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "2")
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "3")
    monkeypatch.setenv("ALIGNHUB_HTTP_BACKOFF", "30")
    monkeypatch.setenv("ALIGNHUB_ARXIV_API", f"http://127.0.0.1:{_free_port()}/api/query")
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 1  # after one request: no retry, so no 30 s backoff (benchmarks/offline.py times it)
    reason = "cannot reach 127.0.0.1:{}: connection refused — run again once the network is back (or check the " \
             "ALIGNHUB_*_API setting)"
    lines = [line for line in out.splitlines() if "cannot reach" in line]
    port = os.environ["ALIGNHUB_ARXIV_API"].split(":")[2].split("/")[0]
    assert lines == [f"arxiv: 7 ids not asked: {reason.format(port)}", f"arxiv: {reason.format(port)}"]
    assert summary(out)["arxiv"] == {"fetched": 0, "unchanged": 0, "not found": 0, "failed": 7, "skipped": 0,
                                     "requests": 1}
    assert not (root / "metadata").exists()


def test_the_network_gone_mid_run_stops_the_source_after_two_failed_batches(root: Path, api: FakeApis, cli,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "2")
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "1")
    api.then(*[Reply.dropped()] * 4)  # the host is there, but every connection drops: retried, then given up
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 1
    assert "arxiv: 2 batches in a row failed; run again later to resume" in out.splitlines()
    assert "arxiv: 3 ids not asked: 2 batches in a row failed; run again later to resume" in out.splitlines()
    assert "arxiv 2105.14111 (entries/safety/goal-misgeneralization-in-deep-rl.yaml): failed: the connection was " \
           "dropped before an answer (2 tries)" in out
    assert summary(out)["arxiv"] == {"fetched": 0, "unchanged": 0, "not found": 0, "failed": 7, "skipped": 0,
                                     "requests": 4}
    assert not (root / "metadata").exists()
