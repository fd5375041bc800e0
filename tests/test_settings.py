"""Settings of every command: one reader (default < pyproject < environment < option), one error format,
and the --help epilogs and the README's table written from the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alignhub.cli import build_parser, command_reference, settings_models
from alignhub.config import ConfigError, OptionError, SettingsModel, env_var, read_settings
from alignhub.intake.settings import WatchSettings
from alignhub.links.settings import LinkSettings
from alignhub.settingsdoc import settings_doc
from alignhub.sources.settings import Settings
from conftest import REPO


def _pyproject(root: Path, section: str, body: str) -> None:
    (root / "pyproject.toml").write_text(f"[tool.alignhub.{section}]\n{body}\n", encoding="utf-8")


@pytest.mark.parametrize("model", [LinkSettings, Settings])
def test_a_timeout_with_a_unit_is_accepted_by_links_and_enrich(tmp_path: Path, model: type[SettingsModel]) -> None:
    _pyproject(tmp_path, model.section, 'timeout = "20s"')
    assert read_settings(model, tmp_path, env={}).timeout == 20.0  # type: ignore[attr-defined]
    _pyproject(tmp_path, model.section, 'timeout = "2m"')
    assert read_settings(model, tmp_path, env={}).timeout == 120.0  # type: ignore[attr-defined]


# (model, field, pyproject value, environment value, option value, what each gives)
PRECEDENCE = [
    (LinkSettings, "timeout", '"15s"', "25", "1m", (20.0, 15.0, 25.0, 60.0)),
    (Settings, "timeout", '"15s"', "25", "1m", (30.0, 15.0, 25.0, 60.0)),
    (WatchSettings, "top", "5", "6", 7, (50, 5, 6, 7)),
]


@pytest.mark.parametrize(("model", "name", "in_file", "in_env", "in_cli", "expected"), PRECEDENCE,
                         ids=[m.section for m, *_ in PRECEDENCE])
def test_an_option_wins_over_the_environment_which_wins_over_pyproject(
        tmp_path: Path, model: type[SettingsModel], name: str, in_file: str, in_env: str, in_cli: Any,
        expected: tuple[Any, ...]) -> None:
    variable = env_var(model, name)
    assert variable
    assert getattr(read_settings(model, tmp_path, env={}), name) == expected[0]
    _pyproject(tmp_path, model.section, f"{name} = {in_file}")
    assert getattr(read_settings(model, tmp_path, env={}), name) == expected[1]
    assert getattr(read_settings(model, tmp_path, env={variable: in_env}), name) == expected[2]
    assert getattr(read_settings(model, tmp_path, env={variable: in_env}, cli={name: in_cli}), name) == expected[3]
    assert getattr(read_settings(model, tmp_path, env={variable: "  "}, cli={name: None}), name) == expected[1]


def test_the_environment_variables_keep_their_names() -> None:
    names = {env_var(Settings, name) for name in Settings.model_fields}
    assert names == {"ALIGNHUB_ARXIV_API", "ALIGNHUB_OPENREVIEW_API", "ALIGNHUB_OPENREVIEW_API_V1", "ALIGNHUB_S2_API",
                     "ALIGNHUB_GITHUB_API", "ALIGNHUB_ARXIV_DELAY", "ALIGNHUB_ARXIV_BATCH", "ALIGNHUB_OPENREVIEW_DELAY",
                     "ALIGNHUB_S2_BATCH", "ALIGNHUB_S2_DELAY", "ALIGNHUB_HTTP_TIMEOUT", "ALIGNHUB_HTTP_RETRIES",
                     "ALIGNHUB_HTTP_BACKOFF", "ALIGNHUB_HTTP_MAX_WAIT"}


@pytest.mark.parametrize(("model", "key", "hint"), [
    (LinkSettings, "concurency", "did you mean 'concurrency'?"),
    (Settings, "arxiv_batchh", "did you mean 'arxiv_batch'?"),
    (WatchSettings, "catgories", "did you mean 'categories'?"),
])
def test_an_unknown_key_is_refused_with_a_suggestion(tmp_path: Path, model: type[SettingsModel], key: str,
                                                     hint: str) -> None:
    _pyproject(tmp_path, model.section, f"{key} = 3")
    with pytest.raises(ConfigError) as caught:
        read_settings(model, tmp_path, env={})
    assert str(caught.value) == f"pyproject.toml [tool.alignhub.{model.section}]: unknown key '{key}' ({hint})"


def test_an_error_names_where_the_value_came_from(tmp_path: Path) -> None:
    _pyproject(tmp_path, "links", 'timeout = "abc"')
    with pytest.raises(ConfigError) as caught:
        read_settings(LinkSettings, tmp_path, env={})
    assert str(caught.value) == ("pyproject.toml [tool.alignhub.links] timeout: 'abc' is not a duration "
                                 "(e.g. 30, 90s, 15m)")
    with pytest.raises(ConfigError) as caught:
        read_settings(Settings, None, env={"ALIGNHUB_HTTP_TIMEOUT": "abc"})
    assert str(caught.value) == "ALIGNHUB_HTTP_TIMEOUT: 'abc' is not a duration (e.g. 30, 90s, 15m)"
    with pytest.raises(OptionError) as caught:
        read_settings(LinkSettings, None, env={}, cli={"timeout": "-1"})
    assert str(caught.value) == "--timeout: '-1' is not a duration (e.g. 30, 90s, 15m)"
    for bad in ("true", True, 0):
        _pyproject(tmp_path, "enrich", f"timeout = {str(bad).lower()}")
        with pytest.raises(ConfigError, match="timeout: "):
            read_settings(Settings, tmp_path, env={})
    with pytest.raises(ConfigError, match="ALIGNHUB_ARXIV_API: 'ftp://x' is not an http"):
        read_settings(Settings, None, env={"ALIGNHUB_ARXIV_API": "ftp://x"})


def test_durations_refuse_negatives_and_booleans(tmp_path: Path) -> None:
    for bad, message in (("-5", "'-5' is negative"), ("true", "True is not a duration"),
                         ('"-2m"', "'-2m' is not a duration")):
        _pyproject(tmp_path, "links", f"backoff = {bad}")
        with pytest.raises(ConfigError, match=message):
            read_settings(LinkSettings, tmp_path, env={})


def test_an_option_error_is_a_usage_error_exit_2(tmp_path: Path, cli) -> None:
    (tmp_path / "links.md").write_text("# none\n", encoding="utf-8")
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"), "--timeout", "soon")
    assert code == 2 and "--timeout: 'soon' is not a duration (e.g. 30, 90s, 15m)" in out
    assert "Traceback" not in out
    _pyproject(tmp_path, "links", 'timeout = "soon"')
    code, out = cli("links", "--root", str(tmp_path), str(tmp_path / "links.md"))
    assert (code, out) == (1, "alignhub: pyproject.toml [tool.alignhub.links] timeout: 'soon' is not a duration "
                              "(e.g. 30, 90s, 15m)\n")


def test_include_options_add_to_the_patterns_of_pyproject(tmp_path: Path) -> None:
    _pyproject(tmp_path, "links", 'include = ["^https://a"]')
    settings = read_settings(LinkSettings, tmp_path, env={}, cli={"include": ["^https://b"]})
    assert [p.pattern for p in settings.include] == ["^https://a", "^https://b"]


@pytest.mark.parametrize("command", sorted(settings_models()))
def test_the_help_epilog_lists_every_setting(cli, command: str) -> None:
    code, out = cli(command, "--help")
    assert code == 0
    model = settings_models()[command]
    epilog = out[out.index(f"settings: [tool.alignhub.{model.section}]"):]
    for doc in settings_doc(model):
        assert f"  {doc.key} (default: {doc.default})" in epilog
        assert doc.env is None or doc.env in epilog
        assert doc.description.split()[0] in epilog
    assert all(info.description for info in model.model_fields.values())


def test_the_readme_settings_table_is_the_models() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = [c for c in command_reference(build_parser()) if c.settings]
    assert {c.name for c in documented} == set(settings_models())
    for command in documented:
        model = settings_models()[command.name]
        table = readme[readme.index(f"`[tool.alignhub.{model.section}]` (`alignhub {command.name}`):"):]
        rows = [line for line in table.split("\n\n")[1].splitlines() if line.startswith("| `")]
        assert [row.split("`")[1] for row in rows] == list(model.model_fields)
        for row, doc in zip(rows, settings_doc(model), strict=True):
            assert f"`{doc.default}`" in row and (doc.env is None or f"`{doc.env}`" in row)


def test_commands_take_typed_options_from_python(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from alignhub.cli import ExportOptions, SchemaOptions, StatsOptions, export, schema, stats
    from alignhub.links.command import LinksOptions, run

    (tmp_path / "links.md").write_text("# nothing to check\n", encoding="utf-8")
    options = LinksOptions(files=(tmp_path / "links.md",), format="json", progress=False)
    assert run(options, LinkSettings(use_cache=False, timeout="5s"), tmp_path) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["broken"] == 0
    assert export(ExportOptions(REPO, "json", str(tmp_path / "catalog.json"))) == 0
    assert json.loads((tmp_path / "catalog.json").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert stats(StatsOptions(REPO, json=True)) == 0
    assert json.loads(capsys.readouterr().out)["entries"] > 0
    assert schema(SchemaOptions(REPO)) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "object"
