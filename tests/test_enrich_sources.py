"""OpenReview (v2 and v1, login, browser challenge), Semantic Scholar batches and GitHub status, on a local server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from alignhub.metadata.records import FetchedVenue, GitHubRecord, OpenReviewRecord, S2Record
from alignhub.metadata.venues import decode
from alignhub.sources.github import GitHubSource
from alignhub.sources.openreview import OpenReviewSource
from alignhub.sources.outcomes import Failed, Fetched, NotFound, SourceUnavailable
from alignhub.sources.s2 import S2Source
from alignhub.sources.settings import load_settings
from conftest import edit
from fixtures.api.fakeapi import JSON_TYPE, FakeApis, Reply, summary

LOGIN = {"OPENREVIEW_USERNAME": "ada@example.org", "OPENREVIEW_PASSWORD": "correct horse"}


def openreview(root: Path, **env: str) -> OpenReviewSource:
    return OpenReviewSource(load_settings(root), env)


# -- OpenReview ----------------------------------------------------------------------------------

def test_v2_note_of_an_accepted_paper(root: Path, api: FakeApis) -> None:
    outcome = openreview(root, OPENREVIEW_TOKEN="t0k3n").fetch_batch(["TyFrPOKYXw"])["TyFrPOKYXw"]
    assert isinstance(outcome, Fetched)
    record = outcome.record
    assert isinstance(record, OpenReviewRecord)
    assert record.api == "v2"
    assert record.title == "Safe RLHF: Safe Reinforcement Learning from Human Feedback"
    assert record.authors[:2] == ["Josef Dai", "Xuehai Pan"]
    assert record.status == "accepted"
    assert record.venue == FetchedVenue(name="ICLR", year=2024, presentation="spotlight")
    assert record.venue_text == "ICLR 2024 spotlight"
    assert record.published == date(2023, 10, 13)  # odate (made public), epoch milliseconds
    assert record.pdf_url == "https://openreview.net/pdf/6c5b1c1c6e4a9d8e6b3f2a7c1d0e9f8a7b6c5d4e.pdf"
    assert record.forum_url == "https://openreview.net/forum?id=TyFrPOKYXw"
    assert record.tldr and record.tldr.startswith("Safe RLHF decouples")
    assert api.requests()[0].headers["authorization"] == "Bearer t0k3n"


def test_v1_note_is_found_after_v2_says_404(root: Path, api: FakeApis) -> None:
    outcome = openreview(root, OPENREVIEW_TOKEN="t").fetch_batch(["dNy_RKzJacY"])["dNy_RKzJacY"]
    assert [s.path for s in api.requests()] == ["/openreview/v2/notes", "/openreview/v1/notes"]
    assert isinstance(outcome, Fetched)
    record = outcome.record
    assert isinstance(record, OpenReviewRecord)
    assert record.api == "v1"
    assert record.title == "Aligning AI With Shared Human Values"
    assert record.status == "accepted"
    assert record.venue == FetchedVenue(name="ICLR", year=2021, presentation="poster")
    assert record.tldr == "We introduce the ETHICS dataset to assess a language model's knowledge of basic concepts of morality."
    assert record.published == date(2020, 9, 28)  # v1 has no pdate: the creation day


def test_rejected_v2_submission_has_a_status_and_no_venue(root: Path, api: FakeApis) -> None:
    outcome = openreview(root, OPENREVIEW_TOKEN="t").fetch_batch(["Xq7dL2mN4p"])["Xq7dL2mN4p"]
    assert isinstance(outcome, Fetched) and isinstance(outcome.record, OpenReviewRecord)
    assert (outcome.record.status, outcome.record.venue) == ("rejected", None)


def test_a_note_on_neither_host_is_not_found(root: Path, api: FakeApis) -> None:
    outcome = openreview(root, OPENREVIEW_TOKEN="t").fetch_batch(["AAAAAAAAAA"])["AAAAAAAAAA"]
    assert outcome == NotFound("OpenReview has no note with this id (asked API v2 and v1)")


def test_an_answer_about_another_note_is_a_failure_not_a_verdict(root: Path, api: FakeApis) -> None:
    other = Reply.file("openreview/v2/Xq7dL2mN4p.json", JSON_TYPE)  # a sound answer, for another id
    api.then(other)
    outcome = openreview(root, OPENREVIEW_TOKEN="t").fetch_batch(["TyFrPOKYXw"])["TyFrPOKYXw"]
    assert isinstance(outcome, Failed)
    assert outcome.message.startswith("OpenReview answered with other notes (Xq7dL2mN4p), not the one asked for")


def test_login_with_username_and_password_then_bearer_token(root: Path, api: FakeApis) -> None:
    outcome = openreview(root, **LOGIN).fetch_batch(["TyFrPOKYXw"])["TyFrPOKYXw"]
    assert isinstance(outcome, Fetched)
    login, note = api.requests()
    assert (login.method, login.path) == ("POST", "/openreview/v2/login")
    assert login.json() == {"id": "ada@example.org", "password": "correct horse", "expiresIn": 3600}
    assert note.headers["authorization"] == f"Bearer {api.openreview_token}"


def test_a_wrong_password_is_a_failure_with_the_servers_words(root: Path, api: FakeApis) -> None:
    with pytest.raises(SourceUnavailable) as caught:
        openreview(root, OPENREVIEW_USERNAME="ada@example.org", OPENREVIEW_PASSWORD="wrong").fetch_batch(["x"])
    assert caught.value.failed
    assert "login as ada@example.org failed: Invalid username or password" in caught.value.notice


def test_without_credentials_openreview_is_skipped_with_one_notice_and_the_run_goes_on(
        root: Path, api: FakeApis, cli) -> None:
    edit(root, "entries/methods/dpo.yaml", '  arxiv: "2305.18290"', '  arxiv: "2305.18290"\n  openreview: TyFrPOKYXw')
    edit(root, "entries/methods/kto.yaml", "  arxiv: 2402.01306", "  arxiv: 2402.01306\n  openreview: dNy_RKzJacY")
    code, out = cli("enrich", "--root", str(root))
    assert code == 0, out
    assert out.count("openreview: no credentials") == 1
    assert "set OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD, or OPENREVIEW_TOKEN" in out
    assert api.requests("/openreview") == []
    table = summary(out)
    assert table["openreview"]["skipped"] == 2
    assert table["arxiv"]["fetched"] == 7  # the other sources ran


@pytest.mark.parametrize("challenge", [
    Reply.file("openreview/challenge.html", "text/html; charset=utf-8"),
    Reply.file("openreview/challenge-403.json", "application/json; charset=utf-8", 403),
], ids=["200-html", "403-ChallengeRequiredError"])
def test_a_browser_challenge_gives_one_notice_and_skips_openreview(root: Path, api: FakeApis, cli,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  challenge: Reply) -> None:
    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    edit(root, "entries/methods/dpo.yaml", '  arxiv: "2305.18290"', '  arxiv: "2305.18290"\n  openreview: TyFrPOKYXw')
    edit(root, "entries/methods/kto.yaml", "  arxiv: 2402.01306", "  arxiv: 2402.01306\n  openreview: dNy_RKzJacY")
    api.then(challenge)
    code, out = cli("enrich", "--source", "openreview", "--source", "github", "--root", str(root))
    assert code == 0, out
    assert out.count("browser challenge") == 1
    assert len(api.requests("/openreview")) == 1  # the second note was not asked
    assert summary(out)["openreview"]["skipped"] == 2
    assert summary(out)["github"]["fetched"] == 2
    assert not (root / "metadata" / "openreview").exists()


@pytest.mark.parametrize(("venue", "venueid", "api_version", "status", "expected"), [
    ("ICLR 2024 poster", "ICLR.cc/2024/Conference", "v2", "accepted", ("ICLR", 2024, None, "poster")),
    ("ICLR 2025 Oral", "ICLR.cc/2025/Conference", "v2", "accepted", ("ICLR", 2025, None, "oral")),
    ("ICLR 2023 notable top 5%", "ICLR.cc/2023/Conference", "v1", "accepted", ("ICLR", 2023, None, "oral")),
    ("ICLR 2023 notable top 25%", "ICLR.cc/2023/Conference", "v1", "accepted", ("ICLR", 2023, None, "spotlight")),
    ("ICML 2023 OralPoster", "ICML.cc/2023/Conference", "v2", "accepted", ("ICML", 2023, None, "oral")),
    ("ICML 2025 spotlightposter", "ICML.cc/2025/Conference", "v2", "accepted", ("ICML", 2025, None, "spotlight")),
    ("ICML 2026 regular", "ICML.cc/2026/Conference", "v2", "accepted", ("ICML", 2026, None, None)),
    ("NeurIPS 2024 Track Datasets and Benchmarks Spotlight", "NeurIPS.cc/2024/Datasets_and_Benchmarks_Track", "v2",
     "accepted", ("NeurIPS", 2024, "datasets-benchmarks", "spotlight")),
    ("NeurIPS 2025 Datasets and Benchmarks Track poster", "NeurIPS.cc/2025/Datasets_and_Benchmarks_Track", "v2",
     "accepted", ("NeurIPS", 2025, "datasets-benchmarks", "poster")),
    ("NeurIPS 2022 Accept", "NeurIPS.cc/2022/Conference", "v1", "accepted", ("NeurIPS", 2022, None, None)),
    ("Submitted to ICLR 2024", "ICLR.cc/2024/Conference/Rejected_Submission", "v2", "rejected", None),
    ("ICLR 2024 Conference Withdrawn Submission", "ICLR.cc/2024/Conference/Withdrawn_Submission", "v2",
     "withdrawn", None),
    ("Submitted to ICLR 2026", "ICLR.cc/2026/Conference/Submission", "v2", "submitted", None),
    ("ICLR 2022 Submitted", "ICLR.cc/2022/Conference", "v1", "rejected", None),  # v1: venueid on rejects too
    ("Some Workshop Nobody Knows", None, "v2", "unknown", None),
])
def test_venue_strings_map_through_the_per_year_table(venue: str, venueid: str | None, api_version: str,
                                                       status: str, expected: tuple | None) -> None:
    got_status, got_venue = decode(venue, venueid, api_version)
    assert got_status == status
    if expected is None:
        assert got_venue is None
    else:
        assert got_venue is not None
        assert (got_venue.name, got_venue.year, got_venue.track, got_venue.presentation) == expected


# -- Semantic Scholar ----------------------------------------------------------------------------

def test_s2_batch_with_a_null_for_an_unknown_paper(root: Path, api: FakeApis) -> None:
    client = S2Source(load_settings(root), {})
    outcomes = client.fetch_batch(["2305.18290", "2105.14111", "doi:10.18653/v1/2022.acl-long.229"])
    request = api.requests()[0]
    assert (request.method, request.path) == ("POST", "/s2/graph/v1/paper/batch")
    assert request.arg("fields") == "title,venue,year,citationCount,externalIds,references.externalIds"
    assert request.json() == {"ids": ["ARXIV:2305.18290", "ARXIV:2105.14111", "DOI:10.18653/v1/2022.acl-long.229"]}
    dpo = outcomes["2305.18290"]
    assert isinstance(dpo, Fetched) and isinstance(dpo.record, S2Record)
    assert (dpo.record.citations, dpo.record.venue, dpo.record.year) == (4213, "Neural Information Processing Systems",
                                                                         2023)
    assert outcomes["2105.14111"] == NotFound("Semantic Scholar does not know this paper")
    assert isinstance(outcomes["doi:10.18653/v1/2022.acl-long.229"], NotFound)  # asked by DOI, unknown here


def test_s2_batches_hold_at_most_the_batch_size_and_send_the_key(root: Path, api: FakeApis, cli,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGNHUB_S2_BATCH", "3")
    monkeypatch.setenv("S2_API_KEY", "s2-key")
    code, out = cli("enrich", "--source", "s2", "--root", str(root))
    assert code == 0, out
    sent = api.requests("/s2")
    assert [len(s.json()["ids"]) for s in sent] == [3, 3, 1]
    assert {s.headers.get("x-api-key") for s in sent} == {"s2-key"}
    assert summary(out)["s2"] == {"fetched": 6, "unchanged": 0, "not found": 1, "failed": 0, "skipped": 0,
                                  "requests": 3}


def test_s2_429_then_success(root: Path, api: FakeApis) -> None:
    api.then(Reply.file("s2/too-many-requests.json", "application/json", 429))
    outcomes = S2Source(load_settings(root), {}).fetch_batch(["2402.01306"])
    assert isinstance(outcomes["2402.01306"], Fetched)
    assert len(api.requests()) == 2


def test_s2_batch_of_the_wrong_length_fails_rather_than_misattributes(root: Path, api: FakeApis) -> None:
    api.then(Reply.json([None]))
    outcomes = S2Source(load_settings(root), {}).fetch_batch(["2402.01306", "2305.18290"])
    assert all(isinstance(o, Failed) and "expected a list of 2 papers, got 1" in o.message for o in outcomes.values())


# -- GitHub --------------------------------------------------------------------------------------

def test_github_repository_status(root: Path, api: FakeApis) -> None:
    client = GitHubSource(load_settings(root), {"GITHUB_TOKEN": "ghp_x"})
    outcome = client.fetch_batch(["eleutherai/concept-erasure"])["eleutherai/concept-erasure"]
    assert isinstance(outcome, Fetched) and isinstance(outcome.record, GitHubRecord)
    record = outcome.record
    assert (record.full_name, record.stars, record.archived, record.license) == ("EleutherAI/concept-erasure", 241,
                                                                                 True, None)
    assert record.pushed_at is not None and record.pushed_at.isoformat() == "2025-01-20T16:30:55+00:00"
    request = api.requests()[0]
    assert request.path == "/github/repos/eleutherai/concept-erasure"
    assert request.headers["authorization"] == "Bearer ghp_x"
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["x-github-api-version"] == "2022-11-28"


def test_github_404_is_not_found(root: Path, api: FakeApis) -> None:
    outcome = GitHubSource(load_settings(root), {}).fetch_batch(["someone/gone"])["someone/gone"]
    assert outcome == NotFound("GitHub has no such repository (or it is private)")


def test_github_rate_limit_used_up_stops_the_source_with_a_notice(root: Path, api: FakeApis, cli) -> None:
    api.then(Reply.json({"message": "API rate limit exceeded for 127.0.0.1."}, 403, **{
        "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000"}))
    code, out = cli("enrich", "--source", "github", "--root", str(root))
    assert code == 1
    assert out.count("github: rate limit used up until") == 1
    assert "set GITHUB_TOKEN" in out
    assert summary(out)["github"]["failed"] == 2
    assert len(api.requests()) == 1
