"""The JSON Schema of an entry file, for editors: the pydantic model plus the taxonomy's vocabularies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from alignhub.models import Entry
from alignhub.taxonomy import Taxonomy


def entry_json_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    """Entry's JSON Schema with the controlled values spelled out as enums, so editors complete them."""
    schema = Entry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "alignhub catalog entry"
    props = schema["properties"]
    props["type"]["enum"] = sorted(taxonomy.types)
    props["topic"]["enum"] = sorted(taxonomy.topic_by_id)
    props["tags"]["items"]["enum"] = sorted(taxonomy.tag_labels)
    venue_names = sorted({*taxonomy.venues, *(a for v in taxonomy.venues.values() for a in v.aliases)})
    schema["$defs"]["Venue"]["properties"]["name"]["enum"] = venue_names
    return schema


def entry_json_schema_text(taxonomy: Taxonomy) -> str:
    return json.dumps(entry_json_schema(taxonomy), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class FieldRow:
    """One line of the field reference in CONTRIBUTING.md."""

    name: str
    required: bool
    kind: str
    description: str


def _kind(annotation: Any) -> str:
    args = [a for a in get_args(annotation) if a is not type(None)]
    origin = get_origin(annotation)
    if origin is Union or (origin is not None and type(None) in get_args(annotation)):
        return _kind(args[0]) if len(args) == 1 else " or ".join(_kind(a) for a in args)
    if origin is Annotated:
        return _kind(args[0])
    if origin is list:
        return f"list of {_kind(args[0])}"
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return {str: "text", int: "integer", date: "date (YYYY-MM-DD)"}.get(annotation, str(annotation))


def field_rows(model: type[BaseModel] = Entry, prefix: str = "") -> list[FieldRow]:
    """Every field of an entry, nested mappings expanded, straight from the pydantic models."""
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        description = info.description or ""
        if not description and isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            description = (info.annotation.__doc__ or "").strip()
        nested = [a for a in (info.annotation, *get_args(info.annotation))
                  if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested and not description:
            description = (nested[0].__doc__ or "").strip().splitlines()[0]
        rows.append(FieldRow(path, info.is_required(), _kind(info.annotation), description))
        if nested:
            rows.extend(field_rows(nested[0], f"{path}."))
    return rows
