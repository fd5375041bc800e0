"""What `alignhub watch` asks arXiv for and what its report keeps: ``[tool.alignhub.watch]``.

Read by `alignhub.config.read_settings` like every command's settings (``ALIGNHUB_WATCH_*``
variables win over the catalog's pyproject.toml). arXiv itself is asked with the settings of
`alignhub enrich` (`alignhub.sources.settings`).
"""

from __future__ import annotations

from pydantic import Field

from alignhub.config import SettingsModel
from alignhub.settingtypes import Fraction, Names, Positive, Text


class WatchSettings(SettingsModel):
    """``alignhub watch``: what arXiv is asked for and what the report keeps (arXiv is asked as `enrich` says)."""

    section = "watch"
    env_prefix = "ALIGNHUB_WATCH_"

    categories: Names = Field(("cs.CL", "cs.LG", "cs.AI", "cs.CR"), description="arXiv categories asked for")
    days: Positive = Field(7, description="how far back the first run looks (later runs start where the last ended)")
    max_results: Positive = Field(10000, description="submissions asked for at most in one run")
    page_size: Positive = Field(500, description="results per listing request (paced like alignhub enrich's)")
    top: Positive = Field(50, description="papers in the report at most")
    min_score: Fraction = Field(0.1, description="relevance below which a paper is left out of the report")
    state: Text = Field("metadata/watch.json", description="where the last run ended (committed)")
    report: Text = Field("watch-report.md", description="where the report is written ('-': standard output)",
                         json_schema_extra={"option": "--output"})
