"""The controlled taxonomy: sections ▸ topics and the vocabularies (types, venues, tags).

It is data (``entries/taxonomy.yaml``), read through the same safe loader as entries and checked by
the pydantic models below, so a broken taxonomy is reported like any other broken file.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from alignhub import fsutil
from alignhub.problems import Problem
from alignhub.rules import RuleError
from alignhub.suggest import did_you_mean
from alignhub.yamlsafe import parse_document, source_map

# Section, topic, type and tag ids become folder names, URL parts and anchors.
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The largest taxonomy file read (the real one is about 40 KB).
MAX_TAXONOMY_BYTES = 4 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    """A name in English and Chinese."""

    en: str
    zh: str


class Topic(Label):
    id: str
    description: str


class Section(Label):
    id: str
    description: Label
    topics: list[Topic]


class VenueInfo(_Strict):
    """A venue: spellings that mean it, and its kind (a journal is cited as @article, a preprint server
    is no publication venue at all)."""

    aliases: list[str] = []
    kind: Literal["conference", "journal", "workshop", "preprint"] = "conference"

    @property
    def preprint(self) -> bool:
        return self.kind == "preprint"

    @property
    def journal(self) -> bool:
        return self.kind == "journal"


class RiskGroup(Label):
    categories: dict[str, Label]


class TagVocabularies(_Strict):
    topical: dict[str, Label]
    alignment_goals: dict[str, Label]
    values: dict[str, Label]


class CustomLicense(Label):
    """A licence outside the SPDX list (a model's community licence, a site's terms), named once here."""

    url: str | None = None


class Taxonomy(_Strict):
    sections: list[Section]
    types: dict[str, Label]
    venues: dict[str, VenueInfo]
    tags: TagVocabularies
    safety_risks: dict[str, RiskGroup]
    # Data-set licences that are not on the SPDX list, by the id entries use (`unstated`: none is given).
    licenses: dict[str, CustomLicense] = {}

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Taxonomy:
        section_ids = [s.id for s in self.sections]
        repeated = sorted({s for s in section_ids if section_ids.count(s) > 1})
        if repeated:
            raise ValueError(f"section ids used twice: {', '.join(repeated)}")
        named = [*section_ids, *(t.id for s in self.sections for t in s.topics), *self.types, *self._tag_id_list()]
        odd = sorted({i for i in named if not SLUG.match(i)})
        if odd:
            raise ValueError(f"ids must be lowercase words joined by single hyphens (a folder name, a URL part): "
                             f"{', '.join(repr(i) for i in odd)}")
        topic_ids = [t.id for s in self.sections for t in s.topics]
        repeated = sorted({t for t in topic_ids if topic_ids.count(t) > 1})
        if repeated:
            raise ValueError(f"topic ids used twice: {', '.join(repeated)}")
        tag_ids = self._tag_id_list()
        repeated = sorted({t for t in tag_ids if tag_ids.count(t) > 1})
        if repeated:
            raise ValueError(f"tag ids used in two vocabularies: {', '.join(repeated)}")
        return self

    def _tag_id_list(self) -> list[str]:
        ids = [*self.tags.topical, *self.tags.alignment_goals, *self.tags.values, *self.safety_risks]
        for group in self.safety_risks.values():
            ids.extend(group.categories)
        return ids

    # Lookups derived once; the model is frozen, so they cannot go stale.
    @cached_property
    def section_ids(self) -> list[str]:
        return [s.id for s in self.sections]

    @cached_property
    def section_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def topic_by_id(self) -> dict[str, tuple[Section, Topic]]:
        return {t.id: (s, t) for s in self.sections for t in s.topics}

    @cached_property
    def tag_labels(self) -> dict[str, Label]:
        """Every tag id a contributor may use, with its English and Chinese label."""
        labels: dict[str, Label] = {**self.tags.topical, **self.tags.alignment_goals, **self.tags.values}
        for risk_id, group in self.safety_risks.items():
            labels[risk_id] = Label(en=group.en, zh=group.zh)
            labels.update(group.categories)
        return labels

    @cached_property
    def venue_names(self) -> dict[str, str]:
        """Case-folded canonical name or alias → canonical venue name."""
        names: dict[str, str] = {}
        for name, info in self.venues.items():
            names[name.casefold()] = name
            for alias in info.aliases:
                names[alias.casefold()] = name
        return names

    def license_label(self, license_id: str, lang: str) -> tuple[str, str]:
        """A data-set licence as (name, URL): a custom licence by its name here, an SPDX id as itself
        with its page on spdx.org (an expression of several ids links the list)."""
        custom = self.licenses.get(license_id)
        if custom is not None:
            return (custom.zh if lang == "zh" else custom.en), custom.url or ""
        single = " " not in license_id
        return license_id, (f"https://spdx.org/licenses/{license_id}.html" if single else "https://spdx.org/licenses/")

    def canonical_venue(self, name: str) -> str | None:
        return self.venue_names.get(name.strip().casefold())

    # The checks below are shared by the entry schema and `alignhub add`; each raises ValueError
    # with the nearest known value.
    def check_type(self, kind: str) -> None:
        if kind not in self.types:
            raise RuleError("unknown-type", f"unknown type '{kind}' ({did_you_mean(kind, self.types)})")

    def check_tag(self, tag: str) -> None:
        if tag not in self.tag_labels:
            raise RuleError("unknown-tag", f"unknown tag '{tag}' ({did_you_mean(tag, self.tag_labels)})")

    def check_topic(self, section_id: str, topic: str) -> None:
        """Raise TopicElsewhere when the topic belongs to another section, ValueError when unknown."""
        section = self.section_by_id[section_id]
        if any(t.id == topic for t in section.topics):
            return
        if topic in self.topic_by_id:
            raise TopicElsewhere(topic, self.topic_by_id[topic][0].id)
        hint = did_you_mean(topic, [t.id for t in section.topics])
        raise RuleError("unknown-topic", f"unknown topic '{topic}' for section '{section_id}' ({hint})")


class TopicElsewhere(ValueError):
    """A known topic of another section; `owner` is that section's id."""

    def __init__(self, topic: str, owner: str) -> None:
        super().__init__(f"topic '{topic}' belongs to section '{owner}'")
        self.owner = owner


TAXONOMY_FILE = "taxonomy.yaml"


class TaxonomyError(Exception):
    """The taxonomy file itself is unusable; carries the problems to print."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def load_taxonomy(path: Path, shown_as: str) -> Taxonomy:
    """Read and check the taxonomy file; raise TaxonomyError with located problems."""
    try:
        raw = fsutil.read_regular(path, MAX_TAXONOMY_BYTES)
    except FileNotFoundError:
        raise TaxonomyError([Problem(shown_as, message="the taxonomy is missing",
                                     hint="restore it, e.g. `git checkout -- entries/taxonomy.yaml`",
                                     rule="taxonomy-missing")]) from None
    except OSError as err:
        raise TaxonomyError([Problem(shown_as, message=f"cannot read the taxonomy: {err.strerror or err}",
                                     rule=fsutil.unreadable_rule(err))]) from None
    data, problems = parse_document(raw)
    if data is None:
        raise TaxonomyError([replace(p, path=shown_as) for p in problems])
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as err:
        positions = source_map(raw)
        found = []
        for e in err.errors():
            loc = tuple(e["loc"])
            line, col = positions.locate(loc)
            found.append(Problem(shown_as, line, col, ".".join(map(str, loc)), e["msg"], rule="invalid-taxonomy"))
        raise TaxonomyError(found) from None
