"""The entry schema: the single source of truth for what an entry file may hold.

Checks that need the taxonomy (topic, type, venue names, tags) read it from the validation
context, so the JSON Schema, the docs and the validator all come from these classes.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from functools import cached_property, lru_cache
from typing import Annotated, Literal, TypeAlias
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from alignhub.rules import RuleError
from alignhub.suggest import did_you_mean
from alignhub.taxonomy import Taxonomy, TopicElsewhere

# ASCII digits only: \d would also take full-width (２３０５) and Arabic-Indic digits, which make
# dead links and slip past the duplicate check.
ARXIV_NEW = re.compile(r"^[0-9]{4}\.[0-9]{4,5}$")
ARXIV_OLD = re.compile(r"^[a-z][a-z-]*(\.[A-Z]{2})?/[0-9]{7}$")
ARXIV_VERSION = re.compile(r"v[0-9]+$")
OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
DOI = re.compile(r"^10\.[0-9]{4,9}/[\x21-\x7e]+$")
HTTP_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$")


# One line of text without control characters: checked by pydantic-core itself (no Python call
# per author); stripping removes the newline a folded YAML scalar ends with.
ONE_LINE = r"^[^\x00-\x1f\x7f]+$"


def _one_line(max_length: int) -> StringConstraints:
    """A one-line text of at most `max_length` characters (a runaway paste is refused)."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length, pattern=ONE_LINE)


Text: TypeAlias = Annotated[str, _one_line(500)]
Title: TypeAlias = Annotated[str, _one_line(300)]
ShortName: TypeAlias = Annotated[str, _one_line(60)]
Author: TypeAlias = Annotated[str, _one_line(150)]
Sentence: TypeAlias = Annotated[str, _one_line(1000)]
MAX_AUTHORS = 1000


def ascii_hint(value: str) -> str:
    """", write X" when `value` is X typed with full-width or other non-ASCII digits and dots."""
    folded = "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch
        for ch in unicodedata.normalize("NFKC", value)
    )
    if folded != value and folded.isascii():
        return f"use ASCII digits and punctuation: write {folded}"
    return "use ASCII digits and punctuation" if not value.isascii() else ""


def _taxonomy(info: ValidationInfo) -> Taxonomy | None:
    return (info.context or {}).get("taxonomy")


def _from_a_file(info: ValidationInfo) -> bool:
    """Whether an entry file is being checked (validate passes a context), rather than a record of the
    build cache read back: those passed every check when stored, and a warm run reads 10,000 of them,
    so the checks written in Python run only on files."""
    return info.context is not None


def _well_formed_arxiv(value: str) -> bool:
    """New-style ids have 4 digits after the dot until 2014 and 5 from 1501 on; months run 01–12."""
    if ARXIV_OLD.match(value):
        return True
    if not ARXIV_NEW.match(value):
        return False
    yymm, number = value.split(".")
    return 1 <= int(yymm[2:]) <= 12 and len(number) == (5 if int(yymm) >= 1501 else 4)


def check_arxiv_id(value: str) -> str:
    """Accept a bare arXiv id (2305.18290, hep-th/9901001); explain what is wrong otherwise."""
    value = value.strip()
    if _well_formed_arxiv(value):
        return value
    base = ARXIV_VERSION.sub("", value)
    if base != value and _well_formed_arxiv(base):
        raise RuleError("invalid-link-id",
                        f"'{value}' carries a version suffix (write {base}: the id names the paper, not a version)")
    match = re.search(r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", value)
    if "arxiv.org" in value and match:
        raise RuleError("invalid-link-id", f"'{value}' is a URL, not an arXiv id (write {match.group(1)})")
    if not value.isascii():
        raise RuleError("non-ascii-digits", f"'{value}' is not an arXiv id ({ascii_hint(value)})")
    raise RuleError("invalid-link-id", f"'{value}' is not an arXiv id (expected e.g. 2305.18290 or hep-th/9901001)")


def _url(value: str, info: ValidationInfo) -> str:
    if not _from_a_file(info):
        return value
    value = value.strip()
    if not HTTP_URL.match(value):
        raise RuleError("invalid-url", f"'{value}' is not an http(s) URL (expected e.g. https://github.com/org/repo)")
    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None:
        # The value is not repeated: it holds a secret.
        raise RuleError("invalid-url",
                        "the URL holds a user name or password before '@' (remove them: links are public)")
    try:
        port = parts.port  # ValueError for a port that is not a number in 0-65535
    except ValueError:
        port = 0
    if port == 0:
        raise RuleError("invalid-url",
                        f"'{value}' has an invalid port (write the URL without it, or with a number 1-65535)")
    return value


Url = Annotated[str, AfterValidator(_url)]


def _known_tag(value: str, info: ValidationInfo) -> str:
    taxonomy = _taxonomy(info)
    if taxonomy is not None:
        taxonomy.check_tag(value)
    return value


Tag = Annotated[str, AfterValidator(_known_tag)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# Links given as ids, and the page each id names.
ID_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "openreview": "https://openreview.net/forum?id={}",
    "doi": "https://doi.org/{}",
}


class Links(_Strict):
    """Where to find the work. At least one of arxiv, openreview, doi or paper is required."""

    arxiv: str | None = Field(None, description="arXiv id without version, e.g. 2305.18290 or hep-th/9901001")
    openreview: str | None = Field(None, description="OpenReview forum id, e.g. NN6QHwgRrQ")
    doi: str | None = Field(None, description="DOI without the https://doi.org/ prefix")
    paper: Url | None = Field(None, description="http(s) URL of the paper's page when it has no arXiv/OpenReview/DOI")
    code: Url | None = Field(None, description="http(s) URL of the official code repository")
    data: Url | None = Field(None, description="http(s) URL of the data set's download or landing page")
    project: Url | None = Field(None, description="http(s) URL of the project page")
    huggingface: Url | None = Field(None, description="http(s) URL of the Hugging Face model or data set page")

    @field_validator("arxiv")
    @classmethod
    def _arxiv(cls, value: str | None) -> str | None:
        return None if value is None else check_arxiv_id(value)

    @field_validator("openreview")
    @classmethod
    def _openreview(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = re.search(r"id=([A-Za-z0-9_-]+)", value)
        if match and "openreview.net" in value:
            raise RuleError("invalid-link-id", f"'{value}' is a URL, not an OpenReview id (write {match.group(1)})")
        if not OPENREVIEW_ID.match(value):
            raise RuleError("invalid-link-id", f"'{value}' is not an OpenReview forum id (expected e.g. NN6QHwgRrQ)")
        return value

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is None:
            return None
        bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value, flags=re.IGNORECASE)
        if bare != value and DOI.match(bare):
            raise RuleError("invalid-link-id", f"'{value}' has a prefix (write {bare})")
        if not value.isascii():
            raise RuleError("non-ascii-digits", f"'{value}' is not a DOI ({ascii_hint(value)})")
        if not DOI.match(value):
            raise RuleError("invalid-link-id", f"'{value}' is not a DOI (expected e.g. 10.18653/v1/2023.acl-long.493)")
        return value

    @cached_property
    def urls(self) -> list[tuple[str, str]]:
        """Every link as (kind, full URL), in display order; ids become their canonical pages."""
        found = []
        for kind in type(self).model_fields:
            value = getattr(self, kind)
            if value:
                found.append((kind, ID_URLS[kind].format(value) if kind in ID_URLS else value))
        return found

    @cached_property
    def by_kind(self) -> dict[str, str]:
        """Every link's full URL by kind (ids as their canonical pages)."""
        return dict(self.urls)

    @property
    def primary(self) -> str:
        """The page a title links to: arXiv, then OpenReview, then DOI, then the paper's own page."""
        return self.urls[0][1]

    @model_validator(mode="after")
    def _has_a_paper_link(self) -> Links:
        if not (self.arxiv or self.openreview or self.doi or self.paper):
            raise RuleError("missing-paper-link", "needs at least one of arxiv, openreview, doi or paper")
        return self


# A venue's tracks and presentations: the metadata records (alignhub.metadata.records) use the same.
Track = Literal["main", "findings", "workshop", "datasets-benchmarks"]
Presentation = Literal["oral", "spotlight", "poster"]
TRACK_LABELS = {"findings": "Findings", "workshop": "Workshop", "datasets-benchmarks": "Datasets and Benchmarks"}


class Venue(_Strict):
    """Where the work was published; rendered like "NeurIPS 2025 Oral" or "ACL 2024 Findings"."""

    name: str = Field(description="Canonical venue name from the taxonomy (aliases such as NIPS are accepted)")
    year: int | None = Field(None, ge=1950, le=2100, description="Year of the conference or journal volume")
    track: Track | None = Field(
        None, description="Track, when not the main one"
    )
    workshop: Title | None = Field(None, description="Workshop name when track is workshop")
    presentation: Presentation | None = Field(
        None, description="How the work was presented, when the venue says so"
    )

    @property
    def label(self) -> str:
        """How the venue is cited: "NeurIPS 2025 Oral", "ACL 2024 Findings", "NeurIPS 2024 Workshop (SoLaR)"."""
        parts = [self.name]
        if self.year:
            parts.append(str(self.year))
        if self.track in TRACK_LABELS:
            parts.append(TRACK_LABELS[self.track])
        if self.track == "workshop" and self.workshop:
            parts.append(f"({self.workshop})")
        if self.presentation:
            parts.append(self.presentation.capitalize())
        return " ".join(parts)

    @field_validator("name")
    @classmethod
    def _known_venue(cls, value: str, info: ValidationInfo) -> str:
        taxonomy = _taxonomy(info)
        if taxonomy is None:
            return value
        canonical = taxonomy.canonical_venue(value)
        if canonical is None:
            raise RuleError("unknown-venue", f"unknown venue '{value}' ({did_you_mean(value, taxonomy.venues)})")
        return canonical


class Summary(_Strict):
    """A one-line summary written in our own words (not the abstract)."""

    en: Sentence = Field(description="One sentence in English")
    zh: Sentence | None = Field(None, description="The same sentence in Chinese; the English one is shown when missing")


# What a data set's size counts, in the source's own terms.
SizeUnit = Literal["prompts", "pairs", "comparisons", "conversations", "dialogues", "examples", "questions",
                   "responses", "samples", "rows", "annotations", "documents", "images", "tasks"]
YEAR_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def check_year_month(value: str) -> str:
    """A release month as YYYY-MM (2024-03); the day is not part of it."""
    value = str(value).strip()
    if not YEAR_MONTH.match(value):
        raise RuleError("invalid-month", f"'{value}' is not a month (write YYYY-MM, e.g. 2024-03)")
    return value


YearMonth = Annotated[str, AfterValidator(check_year_month)]


def arxiv_month(arxiv_id: str) -> str | None:
    """The month an arXiv id was first submitted in: 2403.01234 is 2024-03, hep-th/9901001 is 1999-01."""
    digits = arxiv_id.split("/")[-1][:4]  # the yymm after an old id's archive, or a new id's start
    if not digits.isdigit():
        return None
    yy, mm = int(digits[:2]), digits[2:]
    # Old-style ids run from 1991 (91xx) to 2007 (07xx); new-style ids start in 2007 (0704).
    century = 1900 if yy >= 91 else 2000
    return f"{century + yy}-{mm}"


class DatasetSize(_Strict):
    """How big a data set is, as its source counts it: `{count: 63967, unit: prompts}`."""

    count: int = Field(gt=0, le=10**12, description="The number the source states, e.g. 63967")
    unit: SizeUnit = Field(description="What is counted: prompts, pairs, conversations, examples, …")


def _language(value: str, info: ValidationInfo) -> str:
    if not _from_a_file(info):
        return value
    value = value.strip()
    if not checks_language(value):
        raise RuleError("unknown-language",
                        f"'{value}' is not a language code (write an ISO 639 code such as en, zh or yue; "
                        "mul for more than ten languages)")
    return value


@lru_cache(maxsize=1024)
def checks_language(code: str) -> bool:
    """An ISO 639 language code as BCP 47 knows it (en, zh, yue, mul); langcodes holds the registry."""
    import langcodes  # imported on first use: only data-set entries carry languages

    return code == code.lower() and "-" not in code and langcodes.tag_is_valid(code)


Language = Annotated[str, AfterValidator(_language)]


def _license(value: str, info: ValidationInfo) -> str:
    if not _from_a_file(info):
        return value
    value = value.strip()
    taxonomy = _taxonomy(info)
    if taxonomy is None or value in taxonomy.licenses:
        return value
    normalized = spdx_license(value)
    if normalized == value:
        return value
    if normalized is not None:
        raise RuleError("unknown-license", f"write the SPDX id as SPDX spells it: {normalized}")
    custom = ", ".join(sorted(taxonomy.licenses)) or "none yet"
    raise RuleError("unknown-license",
                    f"'{value}' is neither an SPDX licence id (e.g. CC-BY-4.0, MIT, Apache-2.0) nor a custom "
                    f"licence of the taxonomy ({custom}; add one under `licenses:` in entries/taxonomy.yaml)")


@lru_cache(maxsize=1024)
def spdx_license(expression: str) -> str | None:
    """The SPDX expression in its canonical spelling (cc-by-4.0 → CC-BY-4.0), or None if it is none.

    Cached: building the SPDX licensing object takes 45 ms, and a catalog names a few dozen licences."""
    from license_expression import get_spdx_licensing  # first use only: its licence index is 1 MB

    checked = get_spdx_licensing().validate(expression)
    if checked.errors or checked.invalid_symbols:
        return None
    return str(checked.normalized_expression)


License = Annotated[str, AfterValidator(_license)]


class DatasetFacts(_Strict):
    """What a reader chooses a data set by: how big it is, in which languages, under which licence."""

    size: DatasetSize = Field(description="The size as the source states it, e.g. {count: 63967, unit: prompts}")
    languages: list[Language] = Field(min_length=1, max_length=200,
                                      description="ISO 639 language codes, e.g. [en, zh]; mul for more than ten")
    license: License = Field(description="An SPDX licence id (CC-BY-4.0, MIT) or a custom licence of the taxonomy")

    @field_validator("languages")
    @classmethod
    def _languages_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise RuleError("invalid-value", "a language is listed twice")
        return value


class Entry(_Strict):
    """One catalog entry: a paper, data set, benchmark or essay. The file name is its id."""

    title: Title = Field(description="Exact title as on arXiv or the venue page")
    short_name: ShortName | None = Field(None, description="Acronym or name the work is known by, e.g. DPO")
    type: str = Field(description="Kind of contribution, from the taxonomy's types")
    topic: str = Field(description="A topic of the entry's section (the folder it lives in)")
    authors: list[Author] = Field(default_factory=list, max_length=MAX_AUTHORS, description="Authors in paper order")
    year: int = Field(ge=1950, le=2100, description="Year of first public release")
    released: YearMonth | None = Field(
        None, description="Month of first public release, YYYY-MM; only without an arXiv id (the id gives it)")
    venue: Venue | None = None
    links: Links
    tags: list[Tag] = Field(default_factory=list, description="Tags from the taxonomy's vocabularies")
    related: list[str] = Field(default_factory=list, description="Ids of related entries, e.g. a data set's paper")
    dataset: DatasetFacts | None = Field(
        None, description="Size, languages and licence: required for a data set, optional for a benchmark")
    summary: Summary
    added: date = Field(description="Date the entry was added to the catalog (YYYY-MM-DD)")

    @field_validator("added")
    @classmethod
    def _not_in_the_future(cls, value: date, info: ValidationInfo) -> date:
        # Tomorrow in UTC is still today somewhere (UTC+14), so only later dates are refused.
        if _from_a_file(info) and value > datetime.now(timezone.utc).date() + timedelta(days=1):
            raise RuleError("future-date", f"{value.isoformat()} is in the future "
                             "(write the date the entry was added: today or earlier)")
        return value

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str, info: ValidationInfo) -> str:
        taxonomy = _taxonomy(info)
        if taxonomy is not None:
            taxonomy.check_type(value)
        return value

    @field_validator("topic")
    @classmethod
    def _topic_in_section(cls, value: str, info: ValidationInfo) -> str:
        taxonomy = _taxonomy(info)
        section_id = (info.context or {}).get("section")
        if taxonomy is None or section_id not in taxonomy.section_by_id:
            return value
        try:
            taxonomy.check_topic(section_id, value)
        except TopicElsewhere as err:
            raise RuleError("topic-in-other-section", f"{err} (move the file to entries/{err.owner}/)") from None
        return value

    @field_validator("tags")
    @classmethod
    def _tags_once(cls, value: list[str]) -> list[str]:
        repeated = sorted({t for t in value if value.count(t) > 1})
        if repeated:
            raise RuleError("duplicate-tag", f"tag '{repeated[0]}' is listed twice")
        return value

    @field_validator("authors")
    @classmethod
    def _authors(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise RuleError("duplicate-author", "an author is listed twice")
        # A lone ":" or "-" is punctuation left over from a pasted byline ("Team X: A, B"), not a person.
        stray = next((name for name in value if not any(ch.isalnum() for ch in name)), None)
        if stray is not None:
            raise RuleError("invalid-value", f"'{stray}' is not an author's name (remove it)")
        return value

    @model_validator(mode="after")
    def _release_month(self, info: ValidationInfo) -> Entry:
        if not _from_a_file(info):
            return self
        from_id = arxiv_month(self.links.arxiv) if self.links.arxiv else None
        if from_id and self.released == from_id:
            raise RuleError("redundant-release-month",
                            f"`released` repeats what the arXiv id says ({from_id}): remove the field",
                            at=("released",))
        if from_id and self.released and self.released > from_id:
            raise RuleError("release-after-arxiv",
                            f"`released` {self.released} is after the arXiv id's month {from_id}, the first "
                            "release (remove the field: the arXiv id gives the month)", at=("released",))
        if not (from_id or self.released):
            raise RuleError("missing-release-month",
                            "without an arXiv id, write the month the work was first released "
                            "(add e.g. released: \"2024-03\")", at=("year",))
        return self

    @model_validator(mode="after")
    def _data_set_facts(self, info: ValidationInfo) -> Entry:
        if not _from_a_file(info) or self.type != "dataset":
            return self
        if self.dataset is None:
            raise RuleError("missing-dataset-facts",
                            "a data set needs its facts (add dataset: {size: {count: …, unit: …}, languages: [en], "
                            "license: …})", at=("type",))
        if not (self.links.huggingface or self.links.data):
            raise RuleError("missing-data-link", "a data set needs a link to get it from "
                            "(add links.huggingface or links.data)", at=("links",))
        return self

    @property
    def release_month(self) -> str:
        """YYYY-MM of first public release: `released` (given only when the work appeared before its arXiv
        posting, or has none), else the arXiv id's month; January of `year` only for an entry that was
        never validated as a file (validation requires one of the two)."""
        from_id = arxiv_month(self.links.arxiv) if self.links.arxiv else None
        return self.released or from_id or f"{self.year}-01"
