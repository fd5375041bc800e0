"""Every check alignhub makes, by rule id: the one list the problems, `validate --strict` and the
rules table of CONTRIBUTING.md are written from.

A rule's severity says what its problems do:

- ``error``: `validate` and `build` fail.
- ``warning``: printed as a warning; an error under ``validate --strict`` (CI).
- ``notice``: printed as a warning, even under ``--strict``.
- ``suggestion``: printed as a suggestion (a field the entry could set), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "notice", "suggestion"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice", "suggestion")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    checks: str  # what it checks and how to fix it, one line


def _rules(*rows: tuple[str, Severity, str]) -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for rule_id, severity, checks in rows:
        assert rule_id not in table, f"rule {rule_id} is registered twice"
        table[rule_id] = Rule(rule_id, severity, checks)
    return table


RULES: dict[str, Rule] = _rules(
    # Where files live (entries/<section>/<id>.yaml) and whether they can be read.
    ("unreadable-file", "error", "The file cannot be read (permissions, a broken link): make it a readable file."),
    ("not-a-regular-file", "error",
     "A FIFO, device or folder where an entry file should be: only regular files are read."),
    ("file-too-large", "error", "The file is over the size cap: an entry is a title and a one-sentence summary."),
    ("symlinked-folder", "error",
     "A symlinked folder under `entries/` is not read: move the files into a real folder."),
    ("hidden-file", "error", "A file whose name starts with a dot is not read: rename or delete it."),
    ("misplaced-file", "error",
     "Entry files live directly in a section folder: move it to `entries/<section>/<id>.yaml`."),
    ("unknown-section", "error", "The folder is not a section of the taxonomy: use a known section folder."),
    ("not-an-entry-file", "error", "Entry files end in `.yaml` (not `.yml` or another extension): rename it."),
    ("invalid-entry-id", "error", "The file name is not an entry id: lowercase letters, digits and single hyphens."),
    # Reading the YAML.
    ("not-utf8", "error", "The file is not valid UTF-8: save it as UTF-8."),
    ("invisible-character", "error", "An invisible, control or bidirectional character: delete it."),
    ("tab-indentation", "error", "A tab in the indentation: YAML indents with spaces only."),
    ("yaml-syntax", "error", "YAML that does not parse: check indentation and quote values with ': '."),
    ("yaml-anchor", "error", "A YAML anchor (`&`) or alias (`*`): write the value out in full."),
    ("yaml-tag", "error", "An explicit YAML tag (`!!python/...`, `!!binary`): remove it."),
    ("yaml-merge-key", "error", "A YAML merge key (`<<`): write the fields out in full."),
    ("duplicate-key", "error", "A field given twice in one mapping (YAML would keep the last): keep one."),
    ("invalid-key", "error", "A field name that is not a plain word (a list, a mapping): write `name: value`."),
    ("empty-file", "error", "The file is empty: write the entry's fields."),
    ("not-a-mapping", "error", "The file holds a list or a single value: write one `field: value` per line."),
    # The entry schema.
    ("unknown-field", "error", "A field the schema does not have: fix its name (the nearest one is suggested)."),
    ("missing-field", "error", "A required field is missing: add it."),
    ("not-one-line", "error", "A text with line breaks or control characters: write it on one line."),
    ("empty-value", "error", "An empty text: write the value, or remove the field if it is optional."),
    ("draft-summary", "error",
     "An empty summary left by `alignhub add`/`import`: write one sentence in your own words."),
    ("too-long", "error", "A text or list over its length limit: shorten it."),
    ("yaml-boolean", "error", "An unquoted `yes`, `no`, `on` or `off` read as a boolean: put the value in quotes."),
    ("venue-as-text", "error", "The venue written as one text: write `venue: {name: ..., year: ...}`."),
    ("invalid-date", "error", "A date that is not a date: write YYYY-MM-DD."),
    ("future-date", "error", "`added` is after tomorrow: write the date the entry was added."),
    ("invalid-value", "error",
     "A value of the wrong kind (text for a number, out of range): write the kind the field takes."),
    ("invalid-link-id", "error",
     "An arXiv id, OpenReview id or DOI that is malformed, versioned or a URL: write the bare id."),
    ("non-ascii-digits", "error",
     "An id typed with full-width or other non-ASCII digits: use ASCII digits and punctuation."),
    ("invalid-url", "error", "A link that is not an http(s) URL, has a bad port or a user name/password: fix the URL."),
    ("missing-paper-link", "error", "No `arxiv`, `openreview`, `doi` or `paper` link: add one."),
    ("duplicate-tag", "error", "A tag listed twice: keep one."),
    ("duplicate-author", "error", "An author listed twice: keep one."),
    ("invalid-month", "error", "A release month that is not YYYY-MM: write e.g. 2024-03."),
    ("missing-release-month", "error",
     "No arXiv id and no `released` month: write the month the work first appeared, e.g. released: \"2024-03\"."),
    ("redundant-release-month", "error", "`released` beside an arXiv id, which gives the month already: remove it."),
    ("release-after-arxiv", "error", "`released` after the arXiv id's month, which is the first release: remove it."),
    ("missing-dataset-facts", "error",
     "A data set without `dataset:` (size, languages, licence): add what its card or paper states."),
    ("missing-data-link", "error", "A data set without `links.huggingface` or `links.data`: say where to get it."),
    ("unknown-language", "error", "A language that is no ISO 639 code: write e.g. en, zh, yue (mul: many)."),
    ("unknown-license", "error",
     "A licence that is neither an SPDX id nor a custom licence of the taxonomy: use the SPDX id or add one."),
    # The taxonomy's vocabularies.
    ("unknown-type", "error", "An entry type the taxonomy does not have: use a known type (the nearest is suggested)."),
    ("unknown-topic", "error",
     "A topic the entry's section does not have: use a known topic (the nearest is suggested)."),
    ("topic-in-other-section", "error",
     "The topic belongs to another section: move the file to that section's folder."),
    ("unknown-tag", "error", "A tag the taxonomy does not have: use a known tag (the nearest is suggested)."),
    ("unknown-venue", "error", "A venue the taxonomy does not know (nor as an alias): use a known venue."),
    ("taxonomy-missing", "error", "`entries/taxonomy.yaml` is missing: restore it."),
    ("invalid-taxonomy", "error", "`entries/taxonomy.yaml` breaks its schema (ids used twice, malformed ids): fix it."),
    # Across entries, and this catalog's policy.
    ("duplicate-entry-id", "error", "Two entries with the same id in different sections: merge them."),
    ("duplicate-arxiv-id", "error", "Two entries with the same arXiv id: each work is listed once, merge them."),
    ("duplicate-openreview-id", "error", "Two entries with the same OpenReview id: merge them."),
    ("duplicate-doi", "error", "Two entries with the same DOI: merge them."),
    ("duplicate-title", "error", "Two entries with near-identical titles: merge them."),
    ("unknown-related-id", "error", "`related` names no entry: use an existing entry id."),
    ("required-by-catalog", "error", "A field `[tool.alignhub]` in pyproject.toml requires is missing: add it."),
    ("year-differs-from-release", "notice",
     "`year` is not the year of the first release (the arXiv id's or `released`): write that year."),
    # What the committed metadata cache (metadata/) says.
    ("invalid-cache-record", "warning",
     "A `metadata/` record that cannot be read: delete it or run `alignhub enrich --refresh`."),
    ("paper-not-found", "warning", "arXiv or OpenReview has no paper with the entry's id: check the id."),
    ("title-mismatch", "warning", "The fetched title is another paper's: check the id, or copy the new title."),
    ("title-differs-slightly", "notice",
     "The fetched title differs a little (a retitled paper): copy the exact title."),
    ("repository-not-found", "notice", "GitHub has no repository at `links.code`: update the link."),
    ("venue-update", "suggestion", "OpenReview or Semantic Scholar lists the preprint at a venue: set `venue`."),
    ("presentation-update", "suggestion",
     "OpenReview lists the presentation (oral, spotlight, poster): set `venue.presentation`."),
)


def severity(rule_id: str, strict: bool = False) -> Severity:
    """The rule's severity in this run: under `strict`, warnings are errors."""
    found = RULES[rule_id].severity
    return "error" if strict and found == "warning" else found


def check(rule_id: str) -> str:
    """`rule_id` if it is registered; KeyError (naming it) otherwise."""
    if rule_id not in RULES:
        raise KeyError(f"unknown rule id {rule_id!r}: register it in alignhub/rules.py")
    return rule_id


class RuleError(ValueError):
    """A ValueError raised by a validator, naming the rule it breaks; pydantic keeps it in the error's
    context, so the problem made from the error carries the rule."""

    def __init__(self, rule: str, message: str, at: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.rule = check(rule)
        # The field a whole-entry check is about (its error has no location of its own).
        self.at = at
