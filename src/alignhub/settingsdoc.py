"""The settings as documentation: the ``--help`` epilogs and the README's settings tables are written
from the settings models, so they cannot miss or misstate a key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic.fields import FieldInfo

from alignhub.config import SettingsModel, env_var, extra_of, option_name
from alignhub.settingtypes import Shown


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
        shown = extra_of(info).get("shown") or _show(info.default, info)
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
