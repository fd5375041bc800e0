"""`alignhub links` against a local HTTP server on 127.0.0.1 with one route per kind of answer.

Every request goes to 127.0.0.1: catalog runs pass --include for the server's address, so the
entries' real arXiv/GitHub links are excluded before anything is sent.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import edit, write

FAST = "[tool.alignhub.links]\nbackoff = 0.05\ntimeout = 0.5\nretries = 1\nmax_retry_after = 5\n"


@dataclass
class Server:
    """The routes' server: what it was asked (method, path, time) and the most requests it held at once."""

    base: str
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> list[tuple[str, str, float]]:
        return [r for r in self.requests if r[1] == path]

    def times(self, path: str) -> int:
        return len(self.asked(path))


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

        def _answer(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _route(self) -> None:
            path = self.path
            with server.lock:
                seen_before = server.times(path)
                server.requests.append((self.command, path, time.monotonic()))
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
            try:
                self._dispatch(path, seen_before)
            finally:
                with server.lock:
                    server.in_flight -= 1

        def _dispatch(self, path: str, seen_before: int) -> None:
            page = b"<html><body>a page</body></html>"
            if path == "/ok" or path.startswith("/page/"):
                self._answer(200, {"Content-Type": "text/html"}, page)
            elif path == "/missing":
                self._answer(404)
            elif path == "/gone":
                self._answer(410)
            elif path == "/moved":
                self._answer(301, {"Location": "/ok"})
            elif path == "/moved-then-temporary":
                self._answer(308, {"Location": server.url("/temporary")})
            elif path == "/temporary":
                self._answer(302, {"Location": "/ok"})
            elif path == "/loop/a":
                self._answer(302, {"Location": "/loop/b"})
            elif path == "/loop/b":
                self._answer(302, {"Location": "/loop/a"})
            elif path == "/no-head":
                self._answer(405 if self.command == "HEAD" else 200, {"Allow": "GET"}, page)
            elif path == "/busy":
                self._answer(429, {"Retry-After": "1"}) if seen_before == 0 else self._answer(200, body=page)
            elif path == "/very-busy":
                self._answer(429, {"Retry-After": "3600"}) if seen_before == 0 else self._answer(200, body=page)
            elif path.startswith("/rate-limited/"):
                self._answer(429, {"Retry-After": "999999"})
            elif path == "/head-404":
                self._answer(404 if self.command == "HEAD" else 200, body=page)
            elif path == "/head-400":
                self._answer(400 if self.command == "HEAD" else 200, body=page)
            elif path == "/head-hangs":
                if self.command == "HEAD":
                    server.stop.wait(3)
                self._answer(200, body=page)
            elif path == "/to-ftp":
                self._answer(302, {"Location": "ftp://ftp.example.invalid/file"})
            elif path.startswith("/paced/"):
                self._answer(200, body=page)
            elif path == "/flaky":
                self._answer(503) if seen_before == 0 else self._answer(200, body=page)
            elif path == "/slow":
                server.stop.wait(3)  # far past the client's timeout; released at teardown
                self._answer(200, body=page)
            elif path.startswith("/held/"):
                server.stop.wait(0.2)
                self._answer(200, body=page)
            else:
                self._answer(500)

        do_GET = do_HEAD = _route

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    httpd.handle_error = lambda request, address: None  # a client that timed out has hung up: expected
    state = Server(f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    state.stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port() -> str:
    """An address where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nobody-home"


def _links_file(folder: Path, urls: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(FAST, encoding="utf-8")
    return write(folder, "links.md", "# Links\n\n" + "".join(f"- [link {i}]({u})\n" for i, u in enumerate(urls)))


def _json_run(cli, folder: Path, *args: str) -> tuple[int, dict[str, dict]]:
    code, out = cli("links", "--root", str(folder), str(folder / "links.md"), "--format", "json", *args)
    data = json.loads(out)
    return code, {link["url"]: link for link in data["links"]} | {"summary": data["summary"]}


ROUTES = ["/ok", "/missing", "/gone", "/moved", "/loop/a", "/no-head", "/busy", "/flaky", "/slow"]


def test_each_kind_of_answer_is_classified(server: Server, closed_port: str, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url(p) for p in ROUTES] + [closed_port])
    code, links = _json_run(cli, tmp_path)
    verdict = {url.removeprefix(server.base): (v["status"], v["code"], v["detail"]) for url, v in links.items()
               if url != "summary"}

    assert code == 1
    assert verdict["/ok"] == ("ok", 200, "")
    assert verdict["/missing"] == ("broken", 404, "404 Not Found")
    assert verdict["/gone"] == ("broken", 410, "410 Gone")
    assert verdict["/moved"] == ("redirected", 200, f"moved permanently: update the link to {server.url('/ok')}")
    assert links[server.url("/moved")]["update_to"] == server.url("/ok")
    assert verdict["/loop/a"][0::2] == ("broken", "redirect loop")
    assert verdict["/no-head"] == ("ok", 200, "")
    assert verdict["/busy"] == ("ok", 200, "")
    assert verdict["/flaky"] == ("ok", 200, "")
    assert verdict["/slow"] == ("broken", None, "timeout after 2 tries")
    assert verdict[closed_port] == ("broken", None, "connection refused after 2 tries")
    assert links["summary"] == {"checked": 10, "cached": 0, "excluded": 0, "ok": 4, "redirected": 1, "broken": 5,
                                "unchecked": 0}


def test_head_refused_is_asked_again_with_get(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/no-head"), server.url("/ok")])
    assert _json_run(cli, tmp_path)[0] == 0
    assert [m for m, _, _ in server.asked("/no-head")] == ["HEAD", "GET"]
    assert [m for m, _, _ in server.asked("/ok")] == ["HEAD"]


def test_429_waits_for_retry_after_and_503_is_retried(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/busy"), server.url("/flaky")])
    assert _json_run(cli, tmp_path)[0] == 0
    first, second = (t for _, _, t in server.asked("/busy"))
    assert second - first >= 0.95  # Retry-After: 1
    assert server.times("/flaky") == 2


def test_retry_after_is_capped(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/very-busy")])
    (tmp_path / "pyproject.toml").write_text(FAST.replace("max_retry_after = 5", "max_retry_after = 0.3"))
    code, links = _json_run(cli, tmp_path)
    assert code == 0 and links[server.url("/very-busy")]["status"] == "ok"
    first, second = (t for _, _, t in server.asked("/very-busy"))
    assert 0.25 <= second - first < 10  # waited the cap, not the hour the server asked for


def test_a_permanent_redirect_then_a_temporary_one_suggests_the_permanent_target(
    server: Server, tmp_path: Path, cli
) -> None:
    _links_file(tmp_path, [server.url("/moved-then-temporary"), server.url("/temporary")])
    code, links = _json_run(cli, tmp_path)
    assert code == 0
    assert links[server.url("/moved-then-temporary")]["update_to"] == server.url("/temporary")
    assert links[server.url("/moved-then-temporary")]["final_url"] == server.url("/ok")
    assert links[server.url("/temporary")]["status"] == "ok"  # a temporary redirect is nothing to fix


def test_second_run_answers_from_the_cache(server: Server, tmp_path: Path, cli) -> None:
    lasting = ["/ok", "/missing", "/gone", "/moved", "/no-head"]
    _links_file(tmp_path, [server.url(p) for p in lasting])
    code, first = _json_run(cli, tmp_path)
    asked = len(server.requests)
    assert code == 1 and asked >= len(lasting)

    code, second = _json_run(cli, tmp_path)
    assert code == 1
    assert len(server.requests) == asked, "the second run sent requests"
    assert second["summary"]["cached"] == len(lasting)
    for url in first:
        if url != "summary":
            assert (second[url]["status"], second[url]["detail"]) == (first[url]["status"], first[url]["detail"])
            assert second[url]["cached"] is True

    _json_run(cli, tmp_path, "--cache-ttl", "0s")  # everything has expired
    assert len(server.requests) == 2 * asked
    _json_run(cli, tmp_path, "--no-cache")
    assert len(server.requests) == 3 * asked


def test_timeouts_are_not_cached(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/ok"), server.url("/slow")])
    _json_run(cli, tmp_path)
    _json_run(cli, tmp_path)
    assert server.times("/ok") == 1
    assert server.times("/slow") == 6  # in each run: a HEAD that hangs, then two tries with GET


def test_per_host_and_global_limits_hold(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url(f"/held/{i}") for i in range(12)])
    assert _json_run(cli, tmp_path, "--no-cache", "--per-host", "3", "--concurrency", "50")[0] == 0
    assert server.most_in_flight == 3
    server.most_in_flight = 0
    assert _json_run(cli, tmp_path, "--no-cache", "--per-host", "50", "--concurrency", "2")[0] == 0
    assert server.most_in_flight == 2


def test_accepted_codes_and_patterns(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/ok"), server.url("/missing"), server.url("/gone")])
    code, links = _json_run(cli, tmp_path, "--no-cache", "--accept", "200-299,404", "--exclude", "/gone$")
    assert code == 0
    assert links[server.url("/missing")]["status"] == "ok"
    assert server.url("/gone") not in links and server.times("/gone") == 0
    assert links["summary"]["excluded"] == 1

    (tmp_path / "pyproject.toml").write_text(FAST + 'include = ["/ok$"]\n', encoding="utf-8")
    code, links = _json_run(cli, tmp_path, "--no-cache")
    assert code == 0 and set(links) == {server.url("/ok"), "summary"}


def _dpo_code_line(root: Path) -> int:
    lines = (root / "entries/methods/dpo.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith("code:"))


def test_a_broken_entry_link_names_its_file_and_line(server: Server, root: Path, cli) -> None:
    edit(root, "entries/methods/dpo.yaml", "https://github.com/eric-mitchell/direct-preference-optimization",
         server.url("/missing"))
    edit(root, "entries/methods/kto.yaml", "links:\n", f"links:\n  project: {server.url('/moved')}\n")
    assert cli("build", "--root", str(root))[0] == 0
    code, out = cli("links", "--root", str(root), "--include", "^" + re.escape(server.base))

    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("broken"))
    assert re.match(rf"broken\s+404\s+{re.escape(server.url('/missing'))}\s+"
                    rf"entries/methods/dpo.yaml:{_dpo_code_line(root)} links.code\s+404 Not Found$", row)
    readme_lines = (root / "README.md").read_text(encoding="utf-8").splitlines()
    readme_line = next(i for i, line in enumerate(readme_lines, 1) if server.url("/missing") in line)
    assert re.search(rf"^\s+README.md:{readme_line}$", out, re.MULTILINE)
    assert "entries/methods/kto.yaml:" in out and f"update the link to {server.url('/ok')}" in out
    summary = out.strip().splitlines()[-1]
    assert re.fullmatch(r"2 links checked \(0 from the cache, \d+ excluded\): 0 ok, 1 redirected permanently, 1 broken",
                        summary)
    assert {path for _, path, _ in server.requests} == {"/missing", "/moved", "/ok"}


def test_markdown_report_for_an_issue(server: Server, root: Path, cli) -> None:
    edit(root, "entries/methods/dpo.yaml", "https://github.com/eric-mitchell/direct-preference-optimization",
         server.url("/gone"))
    out_file = root / "report.md"
    code, out = cli("links", "--root", str(root), "--entries-only", "--format", "markdown", "--output", str(out_file),
                    "--include", "^" + re.escape(server.base))
    assert code == 1 and "wrote" in out
    report = out_file.read_text(encoding="utf-8")
    assert "### Broken links" in report
    assert (f"| [{server.url('/gone')}]({server.url('/gone')}) | 410 Gone | "
            f"`entries/methods/dpo.yaml:{_dpo_code_line(root)}` links.code |") in report


def test_all_good_exits_0_with_a_summary(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/ok"), server.url("/page/1")])
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"), "--format", "markdown")
    assert code == 0
    assert "All 2 links are fine." in out


def test_mistakes_are_reported_without_a_traceback(tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [])
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "nope.md"))
    assert code == 2 and "no such file" in out
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"), "--accept", "2xx")
    assert code == 2 and "'2xx' is not a status code" in out
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"), "--exclude", "(")
    assert code == 2 and "is not a regular expression" in out
    (tmp_path / "pyproject.toml").write_text("[tool.alignhub.links]\nconcurency = 3\n", encoding="utf-8")
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"))
    assert code == 1 and "unknown key 'concurency' (did you mean 'concurrency'?)" in out
    (tmp_path / "pyproject.toml").write_text("[tool.alignhub.links]\naccept = [200, 'x']\n", encoding="utf-8")
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"))
    assert code == 1 and "accept: 'x' is not a status code" in out
    assert "Traceback" not in out


def test_markdown_links_are_found_with_their_lines() -> None:
    from alignhub.links.collect import markdown_links

    text = (
        "# Title [![badge](https://img.example/b.svg)](https://example.org/home)\n"
        "\n"
        "A paragraph that goes on\n"
        "and links [here](https://example.org/a_(b)) at last.\n"
        "\n"
        '<p><a href="https://example.org/html">x</a></p>\n'
        "\n"
        "[relative](CONTRIBUTING.md), [anchor](#top), <mailto:x@example.org>, `https://example.org/code`\n"
    )
    found = [(o.line, o.url) for o in markdown_links("README.md", text)]
    assert found == [
        (1, "https://example.org/home"),
        (1, "https://img.example/b.svg"),
        (4, "https://example.org/a_(b)"),
        (6, "https://example.org/html"),
    ]


def test_catalog_links_come_from_entries_and_generated_files(root: Path) -> None:
    from alignhub.links.runner import gather_catalog

    gathered = gather_catalog(root)
    dpo = [o for o in gathered.occurrences if o.path == "entries/methods/dpo.yaml"]
    assert {(o.field, o.url) for o in dpo} == {
        ("links.arxiv", "https://arxiv.org/abs/2305.18290"),
        ("links.code", "https://github.com/eric-mitchell/direct-preference-optimization"),
    }
    in_readme = {o.url for o in gathered.occurrences if o.path == "README.md"}
    assert "https://arxiv.org/abs/2305.18290" in in_readme
    assert {o.path for o in gathered.occurrences} >= {"README.md", "README.zh-CN.md"}
    entries_only = gather_catalog(root, with_outputs=False)
    assert {o.path for o in entries_only.occurrences} == {o.path for o in gathered.occurrences if o.field}


def test_settings_read_durations_codes_and_patterns() -> None:
    from alignhub.links.settings import LinkSettings
    from alignhub.settingtypes import parse_duration, parse_status_codes

    assert [parse_duration(v) for v in (30, 2.5, "90s", "15m", "12h", "7d", "1w")] == [
        30, 2.5, 90, 900, 43200, 604800, 604800]
    assert parse_status_codes("200-204,403") == frozenset({200, 201, 202, 203, 204, 403})
    assert parse_status_codes(["200..201", 429]) == frozenset({200, 201, 429})
    for bad in ("2xx", "600", "300-200"):
        with pytest.raises(ValueError):
            parse_status_codes(bad)
    settings = LinkSettings.model_validate({"include": ["^https://arxiv"], "exclude": "pdf$", "per_host": 2})
    assert settings.wants("https://arxiv.org/abs/1") and not settings.wants("https://arxiv.org/x.pdf")
    assert not settings.wants("https://github.com/a/b")
    assert settings.per_host == 2 and settings.concurrency == LinkSettings().concurrency


def test_the_example_table_in_pyproject_is_valid() -> None:
    from alignhub.config import load_config, read_settings
    from alignhub.links.settings import LinkSettings
    from conftest import REPO

    assert load_config(REPO, "links"), "pyproject.toml has no [tool.alignhub.links] example"
    settings = read_settings(LinkSettings, REPO, env={})
    assert settings.for_host("export.arxiv.org") == (1, 1.0)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    from alignhub.sources.httppolicy import retry_after_seconds

    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_an_unusable_url_is_reported_not_raised(tmp_path: Path, cli) -> None:
    _links_file(tmp_path, ["http://[oops]/"])
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"))
    assert code == 1
    assert re.search(r"^broken\s+-\s+http://\[oops\]/\s+links.md:3\s+invalid URL$", out, re.MULTILINE)


def test_checking_a_markdown_file_loads_none_of_the_catalog_machinery(server: Server, tmp_path: Path) -> None:
    """`alignhub links FILE` starts in a fraction of the time when it imports neither the catalog (the entry
    models, the taxonomy) nor Jinja: at 2,000 links its start-up was half of lychee's whole run."""
    import subprocess
    import sys

    _links_file(tmp_path, [f"{server.base}/ok"])
    probe = (
        "import sys; from alignhub.cli import main; "
        f"code = main(['links', '--root', {str(tmp_path)!r}, {str(tmp_path / 'links.md')!r}, '--no-cache', "
        "'--format', 'json']); "
        "heavy = sorted(m for m in ('alignhub.catalog', 'alignhub.taxonomy', 'alignhub.models', 'jinja2') "
        "if m in sys.modules); "
        "print(code, heavy)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert run.stdout.strip().splitlines()[-1] == "0 []", run.stdout + run.stderr


def test_links_has_help(cli) -> None:
    code, out = cli("links", "--help")
    assert code == 0
    for option in ("--format", "--include", "--exclude", "--accept", "--per-host", "--cache-ttl", "--no-cache"):
        assert option in out


def test_a_rate_limiting_host_ends_within_the_deadline_and_its_links_are_unchecked(
    server: Server, tmp_path: Path, cli
) -> None:
    """8 links of one host answering 429 with Retry-After: 999999 took 240 s with the defaults."""
    _links_file(tmp_path, [server.url(f"/rate-limited/{i}") for i in range(8)])
    (tmp_path / "pyproject.toml").write_text(
        "[tool.alignhub.links]\nbackoff = 0.05\ntimeout = 1\nmax_retry_after = 60\ndeadline = 3\n")
    before = time.monotonic()
    code, links = _json_run(cli, tmp_path)
    spent = time.monotonic() - before
    assert spent < 20  # the deadline is 3 s; the rest is slack for a busy machine
    assert code == 0  # not known to be broken
    assert links["summary"]["unchecked"] == 8 and links["summary"]["broken"] == 0
    assert {v["detail"] for k, v in links.items() if k != "summary"} == {"unchecked (rate-limited)"}
    # Nothing was sent to the paused host after its first answers.
    assert len([r for r in server.requests if r[1].startswith("/rate-limited/")]) <= 8


def test_links_left_at_the_deadline_are_unchecked(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/slow"), server.url("/ok")])
    (tmp_path / "pyproject.toml").write_text("[tool.alignhub.links]\ntimeout = 20\ndeadline = 1\n")
    code, links = _json_run(cli, tmp_path)
    assert code == 0
    assert links[server.url("/slow")]["status"] == "unchecked"
    assert links[server.url("/slow")]["detail"] == "unchecked (the run's deadline was reached)"
    assert links[server.url("/ok")]["status"] == "ok"


def test_a_server_that_mishandles_head_is_asked_with_get(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/head-404"), server.url("/head-400"), server.url("/head-hangs")])
    code, links = _json_run(cli, tmp_path)
    assert code == 0, links
    assert [m for m, _, _ in server.asked("/head-404")] == ["HEAD", "GET"]
    assert [m for m, _, _ in server.asked("/head-hangs")] == ["HEAD", "GET"]


def test_requests_to_one_host_keep_the_interval(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url(f"/paced/{i}") for i in range(4)])
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alignhub.links]\nper_host = 8\n[tool.alignhub.links.hosts."127.0.0.1"]\ninterval = 0.3\n')
    assert _json_run(cli, tmp_path)[0] == 0
    times = sorted(t for _, p, t in server.requests if p.startswith("/paced/"))
    assert len(times) == 4
    # Arrivals are spaced like the sends, give or take the server's scheduling (slack for a busy machine).
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(times))


def test_per_host_overrides_are_read_and_checked(tmp_path: Path) -> None:
    from alignhub.config import ConfigError, read_settings
    from alignhub.links.settings import LinkSettings

    (tmp_path / "pyproject.toml").write_text(
        '[tool.alignhub.links]\nper_host = 4\n[tool.alignhub.links.hosts."arxiv.org"]\nper_host = 1\ninterval = "3s"\n')
    settings = read_settings(LinkSettings, tmp_path, env={})
    assert settings.for_host("export.arxiv.org") == (1, 3.0)
    assert settings.for_host("notarxiv.org") == (4, 0.0)
    (tmp_path / "pyproject.toml").write_text('[tool.alignhub.links.hosts."arxiv.org"]\nintervall = 3\n')
    with pytest.raises(ConfigError) as caught:
        read_settings(LinkSettings, tmp_path, env={})
    assert str(caught.value) == ("pyproject.toml [tool.alignhub.links] hosts: 'arxiv.org': unknown key 'intervall' "
                                 "(did you mean 'interval'?)")
    (tmp_path / "pyproject.toml").write_text('[tool.alignhub.links.hosts."arxiv.org"]\ninterval = "soon"\n')
    with pytest.raises(ConfigError, match=r"hosts: 'arxiv\.org' interval: 'soon' is not a duration"):
        read_settings(LinkSettings, tmp_path, env={})


def test_a_redirect_to_another_scheme_is_named_not_an_exception_class(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/to-ftp")])
    code, links = _json_run(cli, tmp_path)
    assert code == 1
    assert links[server.url("/to-ftp")]["detail"] == "not an http(s) URL"


def test_the_markdown_report_keeps_server_text_on_one_line_without_mentions() -> None:
    from alignhub.links.collect import Occurrence
    from alignhub.links.report import LinkResult, Report, render_report
    from conftest import REPO

    sneaky = LinkResult("https://example.com/@octocat", "broken", 400, "bad\n\n| injected | row |\ncc @octocat",
                        "", "https://example.com/@octocat", False, [Occurrence("README.md", 3, "", "x")])
    text = render_report(Report([sneaky]), "markdown", REPO)
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert len(rows) == 1 and "injected" in rows[0]
    assert "cc @octocat" not in text  # a mention outside a link would notify (inside one GitHub ignores it)


def test_one_sporadic_429_delays_only_its_own_link(server: Server, tmp_path: Path, cli) -> None:
    _links_file(tmp_path, [server.url("/busy")] + [server.url(f"/paced/{i}") for i in range(8)])
    assert _json_run(cli, tmp_path)[0] == 0
    retried = server.asked("/busy")[1][2]  # Retry-After: 1
    assert all(t < retried for _, p, t in server.requests if p.startswith("/paced/"))


def test_a_burst_of_429s_pauses_the_host() -> None:
    import asyncio

    from alignhub.links.check import BURST, _Host

    host = _Host(asyncio.Semaphore(1))
    assert [host.answered(429) for _ in range(BURST)] == [False] * (BURST - 1) + [True]
    for _ in range(10):
        host.answered(200)
    assert host.answered(429) is False  # the old ones have left the window
