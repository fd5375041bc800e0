"""`alignhub add`: a new entry from an arXiv or OpenReview id, written for the contributor to finish."""

from __future__ import annotations

import io
import json
import socket
from datetime import date
from pathlib import Path

import pytest

from alignhub.intake.add import short_name, slug
from conftest import edit
from fixtures.api.fakeapi import FakeApis

MULTI = ["--section", "methods", "--topic", "multi-objective-value-alignment"]


def test_add_writes_an_entry_that_validation_holds_back_until_summarised(root: Path, api: FakeApis, cli) -> None:
    code, out = cli("add", "2310.12773", *MULTI, "--tag", "rlhf", "--root", str(root))
    assert code == 0, out
    assert out.splitlines() == [
        "wrote entries/methods/safe-rlhf.yaml",
        "next: write summary.en and summary.zh (one sentence each, in your own words), check the type (guessed from "
        "the section) and the tags, then run `alignhub validate`",
    ]
    path = root / "entries" / "methods" / "safe-rlhf.yaml"
    assert path.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schema/entry.schema.json\n"
        'title: "Safe RLHF: Safe Reinforcement Learning from Human Feedback"\n'
        "type: method\n"
        "topic: multi-objective-value-alignment\n"
        "authors: [Josef Dai, Xuehai Pan, Ruiyang Sun, Jiaming Ji, Xinbo Xu, Mickel Liu, Yizhou Wang, Yaodong Yang]\n"
        "year: 2023\n"
        "links:\n"
        '  arxiv: "2310.12773"\n'
        "tags: [rlhf]\n"
        "summary:\n"
        '  en: ""\n'
        '  zh: ""\n'
        f"added: {date.today().isoformat()}\n"
    )
    # the fetched record is cached too, so `validate --strict` can already check the id
    assert json.loads((root / "metadata" / "arxiv" / "2310.12773.json").read_text())["title"].startswith("Safe RLHF")

    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 1
    assert out.splitlines() == [
        "entries/methods/safe-rlhf.yaml:11:7: summary.en: must not be empty (a draft: write one sentence in your own words) [draft-summary]",
        "entries/methods/safe-rlhf.yaml:12:7: summary.zh: must not be empty (a draft: write one sentence in your own words) [draft-summary]",
        "2 problems in 1 file; 1 entry is a draft to finish (empty summary)",
    ]
    edit(root, "entries/methods/safe-rlhf.yaml", 'en: ""', "en: Trains helpfulness and harmlessness separately.")
    edit(root, "entries/methods/safe-rlhf.yaml", 'zh: ""', "zh: 分别训练有用性与无害性。")
    code, out = cli("validate", "--strict", "--root", str(root))
    assert code == 0, out


def test_add_runs_from_python_with_a_typed_request(root: Path, api: FakeApis,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from alignhub.intake.add import AddRequest
    from alignhub.intake.command import run_add

    request = AddRequest("2310.12773", "methods", "multi-objective-value-alignment", entry_id="safe-rlhf-typed")
    assert run_add(request, root) == 0
    assert capsys.readouterr().out.startswith("wrote entries/methods/safe-rlhf-typed.yaml\n")
    assert (root / "entries" / "methods" / "safe-rlhf-typed.yaml").is_file()


def test_add_from_an_openreview_id_takes_the_accepted_venue(root: Path, api: FakeApis, cli,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    code, out = cli("add", "https://openreview.net/forum?id=TyFrPOKYXw", *MULTI, "--type", "method",
                    "--root", str(root))
    assert code == 0, out
    assert "check the type" not in out  # given, not guessed
    text = (root / "entries" / "methods" / "safe-rlhf.yaml").read_text(encoding="utf-8")
    assert "year: 2023\nvenue: {name: ICLR, year: 2024, presentation: spotlight}\nlinks:\n  openreview: TyFrPOKYXw\n" \
        in text
    assert (root / "metadata" / "openreview" / "TyFrPOKYXw.json").is_file()


def test_add_an_old_style_id_with_a_doi(root: Path, api: FakeApis, cli) -> None:
    code, out = cli("add", "arXiv:hep-th/9711200v2", "--section", "interpretability", "--topic", "concept-erasure",
                    "--root", str(root))
    assert code == 0, out
    text = (root / "entries" / "interpretability" / "large-n-limit-of-superconformal-field.yaml").read_text(
        encoding="utf-8")
    assert 'links:\n  arxiv: "hep-th/9711200"\n  doi: 10.1023/A:1026654312961\n' in text
    assert "type: analysis\n" in text and "year: 1997\n" in text


@pytest.mark.parametrize("paper", ["2305.18290", "2305.18290v2", "https://arxiv.org/abs/2305.18290v3"])
def test_add_refuses_a_paper_already_listed_and_names_the_entry(root: Path, api: FakeApis, cli, paper: str) -> None:
    code, out = cli("add", paper, "--section", "methods", "--topic", "offline-preference-optimization",
                    "--root", str(root))
    assert (code, out.strip()) == (1, "alignhub add: 2305.18290 is already in the catalog: entries/methods/dpo.yaml")
    assert api.requests() == []


def test_add_refuses_a_paper_whose_entry_is_not_finished_yet(root: Path, api: FakeApis, cli,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENREVIEW_TOKEN", "t")
    assert cli("add", "2310.12773", *MULTI, "--root", str(root))[0] == 0  # summary still empty: not valid yet
    code, out = cli("add", "2310.12773v1", *MULTI, "--root", str(root))
    assert (code, out.strip()) == (1, "alignhub add: 2310.12773 is already in the catalog: "
                                      "entries/methods/safe-rlhf.yaml")
    code, out = cli("add", "TyFrPOKYXw", *MULTI, "--root", str(root))  # the same paper on OpenReview
    assert (code, out.strip()) == (1, 'alignhub add: "Safe RLHF: Safe Reinforcement Learning from Human Feedback" '
                                      "is already in the catalog: entries/methods/safe-rlhf.yaml")


def test_add_refuses_a_paper_whose_title_is_already_listed(root: Path, api: FakeApis, cli) -> None:
    api.add_arxiv("2501.00001", "KTO: Model Alignment as Prospect-Theoretic Optimization")  # a second upload
    code, out = cli("add", "2501.00001", "--section", "methods", "--topic", "offline-preference-optimization",
                    "--root", str(root))
    assert code == 1
    assert out.strip() == ('alignhub add: "KTO: Model Alignment as Prospect-Theoretic Optimization" is already in '
                           "the catalog: entries/methods/kto.yaml")
    assert not (root / "entries" / "methods" / "kto-2.yaml").exists()


def test_add_a_paper_arxiv_does_not_have(root: Path, api: FakeApis, cli) -> None:
    code, out = cli("add", "2402.99999", *MULTI, "--root", str(root))
    assert (code, out.strip()) == (1, "alignhub add: 2402.99999: arXiv has no paper with this id")
    assert sorted(p.name for p in (root / "entries" / "methods").iterdir()) == ["dpo.yaml", "kto.yaml", "odpo.yaml"]


def test_add_offline_answers_at_once_with_one_line(root: Path, api: FakeApis, cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nobody listens there once the probe is closed
    monkeypatch.setenv("ALIGNHUB_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("ALIGNHUB_HTTP_BACKOFF", "30")  # a retry would take 30 s; there is none
    code, out = cli("add", "2310.12773", *MULTI, "--root", str(root))
    assert (code, out.splitlines()) == (1, [
        f"alignhub add: cannot reach 127.0.0.1:{port}: connection refused — offline? copy an existing entry by hand "
        "(e.g. entries/methods/dpo.yaml) and fill in the fields from the paper"])
    assert sorted(p.name for p in (root / "entries" / "methods").iterdir()) == ["dpo.yaml", "kto.yaml", "odpo.yaml"]


def test_the_progress_bar_is_drawn_on_a_terminal_only() -> None:
    from alignhub.progress import progress_bar as _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, drawn in ((Terminal(), True), (io.StringIO(), False)):
        bar = _progress("arxiv", 3, file=stream)
        bar.update(3)
        bar.close()
        assert ("arxiv" in stream.getvalue()) is drawn, stream.getvalue()


def test_add_an_openreview_paper_without_credentials(root: Path, api: FakeApis, cli) -> None:
    code, out = cli("add", "TyFrPOKYXw", *MULTI, "--root", str(root))
    assert code == 1
    assert "openreview: no credentials" in out and "OPENREVIEW_TOKEN" in out
    assert api.requests() == []


@pytest.mark.parametrize(("args", "message"), [
    (["2310.12773", "--section", "method", "--topic", "x"], "unknown section 'method' (did you mean 'methods'?)"),
    (["2310.12773", "--section", "methods", "--topic", "offline-preference-optimisation"],
     "unknown topic 'offline-preference-optimisation' for section 'methods' "
     "(did you mean 'offline-preference-optimization'?)"),
    (["2310.12773", "--section", "datasets", "--topic", "offline-preference-optimization"],
     "topic 'offline-preference-optimization' belongs to section 'methods', not 'datasets'"),
    (["2310.12773", *MULTI, "--type", "methd"], "unknown type 'methd' (did you mean 'method'?)"),
    (["2310.12773", *MULTI, "--tag", "dpoo"], "unknown tag 'dpoo' (did you mean 'dpo'?)"),
    (["2310.12773", *MULTI, "--id", "Safe_RLHF"], "'Safe_RLHF' is not a valid entry id"),
    (["not an id", *MULTI], "'not an id' is neither an arXiv id"),
])
def test_add_misuse_exits_2_before_asking_anything(root: Path, api: FakeApis, cli, args: list[str],
                                                   message: str) -> None:
    code, out = cli("add", *args, "--root", str(root))
    assert code == 2
    assert message in out
    assert api.requests() == []


def test_an_entry_id_already_taken_gets_a_number(root: Path, api: FakeApis, cli) -> None:
    api.add_arxiv("2501.00002", "DPO: A Different Paper With the Same Acronym")
    code, out = cli("add", "2501.00002", "--section", "methods", "--topic", "offline-preference-optimization",
                    "--root", str(root))
    assert code == 0, out
    assert "wrote entries/methods/dpo-2.yaml" in out
    code, out = cli("add", "2310.12773", *MULTI, "--id", "dpo", "--root", str(root))
    assert (code, out.strip()) == (1, "alignhub add: an entry with id 'dpo' already exists; choose another --id")


@pytest.mark.parametrize(("title", "short", "entry_id"), [
    ("KTO: Model Alignment as Prospect Theoretic Optimization", "KTO", "kto"),
    ("Direct Preference Optimization: Your Language Model is Secretly a Reward Model", None,
     "direct-preference-optimization"),
    ("Safe RLHF: Safe Reinforcement Learning from Human Feedback", None, "safe-rlhf"),
    ("Goal Misgeneralization in Deep Reinforcement Learning", None, "goal-misgeneralization-in-deep-reinforcement-learning"),
    ("Training language models to follow instructions with human feedback", None,
     "training-language-models-to-follow-instructions"),
    ("Über-Alignment: Ça marche", "Über-Alignment", "uber-alignment"),
])
def test_short_name_and_entry_id_come_from_the_title(title: str, short: str | None, entry_id: str) -> None:
    assert short_name(title) == short
    assert slug(title, short_name(title)) == entry_id


def test_add_is_not_hung_by_a_fifo_under_entries(root: Path, api: FakeApis, cli) -> None:
    import os

    os.mkfifo(root / "entries" / "methods" / "waiting.yaml")  # add reads unfinished entries: hung here before
    code, out = cli("add", "2310.12773", *MULTI, "--root", str(root))
    assert code == 0, out
