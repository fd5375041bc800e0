"""The metadata sources, named once (a module of its own: the command line's option parsing needs the
names, not the pydantic records)."""

from __future__ import annotations

from typing import Literal, get_args

SourceName = Literal["arxiv", "openreview", "s2", "github"]
SOURCES: tuple[SourceName, ...] = get_args(SourceName)
