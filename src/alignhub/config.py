"""Settings from the catalog root's ``pyproject.toml`` (``[tool.alignhub]`` and its sub-tables).

Each command with settings (``links``, ``enrich``, ``watch``) describes them as a pydantic model
(a `SettingsModel`): one field per key of its ``[tool.alignhub.<section>]`` table, each with its
environment variable and a description. `read_settings` is the one reader: a default is replaced by
the pyproject value, that by the environment variable, that by the command-line option. Every value
is checked by the value types of `alignhub.settingtypes`, and a wrong one is a `ConfigError` naming
where it came from. `alignhub.settingsdoc` writes the ``--help`` epilogs and the README's settings
table from the same models.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

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


# -- the models and the one reader ------------------------------------------------------------------

class SettingsModel(BaseModel):
    """One ``[tool.alignhub.<section>]`` table. A field's ``json_schema_extra`` may give ``env`` (its
    environment variable, or None for none), ``option`` (its command-line option), ``extends`` (the
    option adds to the lower layers' values instead of replacing them) and ``shown`` (the default as
    the documentation writes it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    section: ClassVar[str] = ""
    env_prefix: ClassVar[str] = ""  # a field's environment variable: env_prefix + NAME, unless it says


def extra_of(info: FieldInfo) -> dict[str, Any]:
    """What a field's ``json_schema_extra`` says of it (see SettingsModel)."""
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def env_var(model: type[SettingsModel], name: str) -> str | None:
    extra = extra_of(model.model_fields[name])
    if "env" in extra:
        return extra["env"]  # type: ignore[no-any-return]
    return (model.env_prefix + name).upper() if model.env_prefix else None


def option_name(model: type[SettingsModel], name: str) -> str | None:
    extra = extra_of(model.model_fields[name])
    return extra.get("option")  # type: ignore[no-any-return]


def setting_message(err: ValidationError) -> str:
    """The first error of a settings model, in the value type's own words (see settingtypes)."""
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
            raise error(f"{source}: {setting_message(err)}") from None
        if extra_of(model.model_fields[name]).get("extends") and name in values and source.startswith("--"):
            value = values[name] + value
        values[name] = value
    try:
        return model.model_validate(values)
    except ValidationError as err:  # pragma: no cover - every value was checked on its own above
        raise ConfigError(f"{where}: {setting_message(err)}") from None
