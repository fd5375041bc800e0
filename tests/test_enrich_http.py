"""The shared HTTP session: Retry-After in both forms, and a host that is gone."""

from __future__ import annotations

import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from alignhub.metadata.http import FetchError, Session, retry_after
from alignhub.metadata.settings import HttpSettings
from fixtures.api.fakeapi import FakeApis, Reply, summary


def response_with(retry: str) -> requests.Response:
    response = requests.Response()
    response.headers["Retry-After"] = retry
    return response


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 11, 22, 8, 0, 0, tzinfo=timezone.utc)
    assert retry_after(response_with("120"), now) == 120.0
    assert retry_after(response_with("Sun, 22 Nov 2026 08:01:30 GMT"), now) == 90.0
    assert retry_after(response_with("Sun, 22 Nov 2026 07:59:00 GMT"), now) == 0.0  # already past
    assert retry_after(response_with("soon"), now) is None
    assert retry_after(requests.Response(), now) is None


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


def test_a_host_that_refuses_connections_is_named_with_the_reason() -> None:
    session = Session(HttpSettings(timeout=2, retries=1, backoff=0.01))
    url = f"http://127.0.0.1:{_free_port()}/api/query?id_list=2305.18290"
    with pytest.raises(FetchError) as caught:
        session.get(url)
    assert caught.value.connection
    assert str(caught.value) == f"cannot connect: Connection refused (2 tries) ({url})"
    assert session.sent == 2


def test_the_network_gone_mid_run_stops_the_source_after_two_failed_batches(root: Path, api: FakeApis, cli,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_ARXIV_BATCH", "2")
    monkeypatch.setenv("ALIGNHUB_HTTP_RETRIES", "1")
    monkeypatch.setenv("ALIGNHUB_ARXIV_API", f"http://127.0.0.1:{_free_port()}/api/query")
    code, out = cli("enrich", "--source", "arxiv", "--root", str(root))
    assert code == 1
    assert "arxiv: 2 batches in a row failed; the 3 ids left were not asked (run again later to resume)" in out
    assert "arxiv 2105.14111 (entries/safety/goal-misgeneralization-in-deep-rl.yaml): failed: cannot connect: " \
           "Connection refused (2 tries)" in out
    assert summary(out)["arxiv"] == {"fetched": 0, "unchanged": 0, "not found": 0, "failed": 7, "skipped": 0,
                                     "requests": 4}
    assert not (root / "metadata").exists()
