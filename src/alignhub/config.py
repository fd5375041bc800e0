"""Settings from the catalog root's ``pyproject.toml`` (``[tool.alignhub]`` and its sub-tables).

Each command with settings (``links``, ``enrich``, ``watch``) describes them as a pydantic model
(a `SettingsModel`): one field per key of its ``[tool.alignhub.<section>]`` table, each with its
environment variable and a description. `read_settings` is the one reader: a default is replaced by
the pyproject value, that by the environment variable, that by the command-line option. Every value
is checked by the value types below (`Duration`, `StatusCodes` …), and a wrong one is a `ConfigError`
naming where it came from. The ``--help`` epilogs and the README's settings table are written from
the same models (`settings_doc`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from alignhub.errors import UsageError
from alignhub.suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(Exception):
    """pyproject.toml cannot be read, or a setting (in it, the environment or an option) is wrong."""


class OptionError(ConfigError, UsageError):
    """A command-line option's value is wrong: a usage error (exit 2) with the same wording."""


def load_config(root: Path, section: str | None = None) -> dict[str, Any]:
    """``[tool.alignhub]`` (or ``[tool.alignhub.<section>]``) of ``root/pyproject.toml``; {} when absent."""
    path = root / "pyproject.toml"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path.name}: {err}") from None
    table: Any = data.get("tool", {}).get("alignhub", {})
    if section is not None:
        table = table.get(section, {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        name = "tool.alignhub" + (f".{section}" if section else "")
        raise ConfigError(f"{path.name}: [{name}] must be a table")
    return table


# -- value types: each reads what pyproject.toml, an environment variable or an option may hold ----

def _refuse(reason: str) -> PydanticCustomError:
    return PydanticCustomError("setting", "{reason}", {"reason": reason})


def _checked(read: Callable[[Any], Any]) -> PlainValidator:
    """A validator from a reader that raises ValueError with the message to show."""

    def validate(value: Any) -> Any:
        try:
            return read(value)
        except ValueError as err:
            raise _refuse(str(err)) from None

    return PlainValidator(validate)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RANGE = re.compile(r"^\s*(\d{3})\s*(?:(?:-|\.\.)\s*(\d{3}))?\s*$")


def parse_duration(value: Any) -> float:
    """Seconds from 30, 2.5, "90s", "15m", "12h", "7d" or "1w"."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration (e.g. 30, 90s, 15m)")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"'{value}' is not a duration (e.g. 30, 90s, 15m)")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError(f"'{value}' is negative")
    return seconds


def _positive_duration(value: Any) -> float:
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return seconds


def show_duration(seconds: float) -> str:
    """20.0 → "20s", 600 → "10m", 86400 → "1d": the shortest exact spelling."""
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % _UNITS[unit] == 0:
            return f"{seconds / _UNITS[unit]:g}{unit}"
    return f"{seconds:g}s"


def parse_status_codes(value: Any) -> frozenset[int]:
    """Status codes from 200, "200-299", "200..299" or a list (or comma-separated string) of those."""
    if isinstance(value, frozenset | set) and all(isinstance(v, int) for v in value):
        value = sorted(value)
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    if isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    if not isinstance(items, list | tuple):
        raise ValueError(f"{value!r} is not a status code or range (e.g. 200, 200-299)")
    codes: set[int] = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            low = high = item
        else:
            match = _RANGE.match(str(item))
            if not match:
                raise ValueError(f"'{item}' is not a status code or range (e.g. 200, 200-299)")
            low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 100 <= low <= high <= 599:
            raise ValueError(f"'{item}' is not within 100-599")
        codes.update(range(low, high + 1))
    if not codes:
        raise ValueError("no status codes given")
    return frozenset(codes)


def show_status_codes(codes: Iterable[int]) -> str:
    """{200, …, 299, 403} → "200-299, 403"."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{value!r} is not {what}")
    return tuple(value)


def _patterns(value: Any) -> tuple[re.Pattern[str], ...]:
    if isinstance(value, list | tuple) and all(isinstance(v, re.Pattern) for v in value):
        return tuple(value)
    compiled = []
    for pattern in _strings(value, "a list of regular expressions"):
        try:
            compiled.append(re.compile(pattern))
        except re.error as err:
            raise ValueError(f"'{pattern}' is not a regular expression: {err}") from None
    return tuple(compiled)


def read_whole(low: int, high: int | None = None) -> Callable[[Any], int]:
    """A reader of whole numbers between `low` and `high` (digits in a string too)."""
    bound = f"between {low} and {high}" if high is not None else f"of at least {low}"

    def read(raw: Any) -> int:
        value = int(raw) if isinstance(raw, str) and raw.strip().isdigit() else raw
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{raw!r} is not a whole number {bound}")
        if value < low or (high is not None and value > high):
            raise ValueError(f"{raw!r} must be {bound.removeprefix('of ')}")
        return value

    return read


def _fraction(value: Any) -> float:
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} must be a number between 0 and 1")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a non-empty string")
    return value


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.strip().rstrip("/")


def _names(value: Any) -> tuple[str, ...]:
    """A non-empty list of names; a comma-separated string (as an environment variable holds) too."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError(f"{value!r} is not a non-empty list of names")
    return tuple(v.strip() for v in items)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.strip().lower() in ("1", "true", "yes")
    raise ValueError(f"{value!r} is not true or false")


@dataclass(frozen=True)
class Shown:
    """How the documentation writes a default of this type."""

    show: Callable[[Any], str]


# Seconds, from 30, 2.5, "90s", "15m", "12h", "7d" or "1w".
Duration = Annotated[float, _checked(parse_duration), Shown(show_duration)]
PositiveDuration = Annotated[float, _checked(_positive_duration), Shown(show_duration)]
# 200, "200-299", "200..299", a list of those or "200-299,403".
StatusCodes = Annotated[frozenset[int], _checked(parse_status_codes), Shown(show_status_codes)]
Patterns = Annotated[tuple[re.Pattern[str], ...], _checked(_patterns)]
Count = Annotated[int, _checked(read_whole(0))]
Positive = Annotated[int, _checked(read_whole(1))]
Fraction = Annotated[float, _checked(_fraction)]
Text = Annotated[str, _checked(_text)]
Url = Annotated[str, _checked(_url)]
Names = Annotated[tuple[str, ...], _checked(_names)]
Flag = Annotated[bool, _checked(_boolean)]


def whole(low: int, high: int | None = None) -> PlainValidator:
    """A whole number between `low` and `high`: ``Annotated[int, whole(1, 100)]``."""
    return _checked(read_whole(low, high))


def optional(read: Callable[[Any], Any]) -> PlainValidator:
    return _checked(lambda value: None if value is None else read(value))


def validator_of(read: Callable[[Any], Any]) -> PlainValidator:
    """A value type from a reader raising ValueError (for the settings of one module alone)."""
    return _checked(read)


# -- the models and the one reader ------------------------------------------------------------------

class SettingsModel(BaseModel):
    """One ``[tool.alignhub.<section>]`` table. A field's ``json_schema_extra`` may give ``env`` (its
    environment variable, or None for none), ``option`` (its command-line option), ``extends`` (the
    option adds to the lower layers' values instead of replacing them) and ``shown`` (the default as
    the documentation writes it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    section: ClassVar[str] = ""
    env_prefix: ClassVar[str] = ""  # a field's environment variable: env_prefix + NAME, unless it says


def _extra(info: FieldInfo) -> dict[str, Any]:
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def env_var(model: type[SettingsModel], name: str) -> str | None:
    extra = _extra(model.model_fields[name])
    if "env" in extra:
        return extra["env"]  # type: ignore[no-any-return]
    return (model.env_prefix + name).upper() if model.env_prefix else None


def option_name(model: type[SettingsModel], name: str) -> str | None:
    extra = _extra(model.model_fields[name])
    return extra.get("option")  # type: ignore[no-any-return]


def _message(err: ValidationError) -> str:
    first = err.errors()[0]
    return str(first.get("ctx", {}).get("reason") or first["msg"])


M = TypeVar("M", bound=SettingsModel)


def read_settings(model: type[M], root: Path | None, env: Mapping[str, str] | None = None,
                  cli: Mapping[str, Any] | None = None) -> M:
    """`model`'s settings: defaults < ``[tool.alignhub.<section>]`` of root/pyproject.toml < environment
    variables < `cli` (field name → option value; None means not given). ConfigError names the source."""
    env = os.environ if env is None else env
    table = load_config(root, model.section) if root is not None else {}
    where = f"pyproject.toml [tool.alignhub.{model.section}]"
    for key in table:
        if key not in model.model_fields:
            raise ConfigError(f"{where}: unknown key '{key}' ({did_you_mean(key, model.model_fields)})")
    layers: list[tuple[str, str, Any]] = [(key, f"{where} {key}", value) for key, value in table.items()]
    for name in model.model_fields:
        variable = env_var(model, name)
        if variable and env.get(variable, "").strip():
            layers.append((name, variable, env[variable].strip()))
    for name, value in (cli or {}).items():
        if value is not None:
            layers.append((name, option_name(model, name) or "--" + name.replace("_", "-"), value))
    values: dict[str, Any] = {}
    for name, source, raw in layers:
        try:
            value = getattr(model.model_validate({name: raw}), name)
        except ValidationError as err:
            error = OptionError if source.startswith("--") else ConfigError
            raise error(f"{source}: {_message(err)}") from None
        if _extra(model.model_fields[name]).get("extends") and name in values and source.startswith("--"):
            value = values[name] + value
        values[name] = value
    try:
        return model.model_validate(values)
    except ValidationError as err:  # pragma: no cover - every value was checked on its own above
        raise ConfigError(f"{where}: {_message(err)}") from None


# -- documentation from the models -------------------------------------------------------------------

@dataclass(frozen=True)
class SettingDoc:
    key: str
    env: str | None
    option: str | None
    default: str
    description: str


def _show(value: Any, info: FieldInfo) -> str:
    shown = next((m for m in info.metadata if isinstance(m, Shown)), None)
    if shown is not None:
        return shown.show(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def settings_doc(model: type[SettingsModel]) -> list[SettingDoc]:
    """Each key of the model's table: its environment variable, option, default and description."""
    docs = []
    for name, info in model.model_fields.items():
        option = option_name(model, name)
        shown = _extra(info).get("shown") or _show(info.default, info)
        docs.append(SettingDoc(name, env_var(model, name), option, shown, info.description or ""))
    return docs


def settings_epilog(model: type[SettingsModel], intro: str = "") -> str:
    """A ``--help`` epilog listing every setting (for ``argparse.RawDescriptionHelpFormatter``)."""
    import textwrap

    lines = [textwrap.fill(intro, 100), ""] if intro else []
    lines.append(f"settings: [tool.alignhub.{model.section}] in pyproject.toml < environment variable "
                 "< command-line option")
    for doc in settings_doc(model):
        names = ", ".join(n for n in (doc.env, doc.option) if n)
        lines.append(f"  {doc.key} (default: {doc.default})" + (f"  [{names}]" if names else ""))
        lines.extend(textwrap.wrap(doc.description, 96, initial_indent="      ", subsequent_indent="      "))
    return "\n".join(lines)
