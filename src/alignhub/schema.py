"""The JSON Schema of an entry file, for editors: the pydantic model plus the taxonomy's vocabularies."""

from __future__ import annotations

import json
from typing import Any

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
