"""Settings from the catalog root's ``pyproject.toml`` (``[tool.alignhub]`` and its sub-tables).

Each command reads its own sub-table (``[tool.alignhub.links]``, ``[tool.alignhub.enrich]`` …);
environment variables, where a command documents one, win over the file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(Exception):
    """pyproject.toml cannot be read or its [tool.alignhub] table has the wrong shape."""


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
