"""Authors as the site shows them: one person per name, whatever spelling each entry uses.

Two spellings are one person when they have the same *key* (`name_key`, alignhub.site.urls.words),
the one rule:
Unicode NFKD with the accents dropped, a few letters NFKD keeps (ł, ø, đ, æ…) spelled in ASCII,
case-folded, apostrophes dropped and every other run of punctuation or space made one separator.
"Rémi Munos", "Remi Munos" and "RÉMI  MUNOS" are one key; so are "Jean-Baptiste" and "Jean Baptiste".

A name written with initials ("J. Schulman", "C. D. Manning") joins the one full name whose initials
and surname it matches ("John Schulman", "Christopher D. Manning") when there is exactly one such
person in the catalog; when there are two (a John and a Jane Schulman) it stays a person of its own.

What the rule cannot know is written in `entries/authors.yaml`, the override table (optional):

    John Schulman: [J. Schulman, Schulman John]   # these spellings are John Schulman
    J. Smith: []                                  # a person of their own: never matched by initials

Each key is a person, shown under that name; the spellings listed join it. Each person has a page
at authors/<slug>/: the slug is the key's words joined by hyphens, and for a key with letters
outside a-z (a name in Chinese characters) the ASCII part with a digest of the key, so slugs never
depend on which other authors the catalog holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from alignhub.catalog import Catalog, listing_order
from alignhub.loader import AUTHORS_FILE, ENTRIES_DIR
from alignhub.site.urls import Key, unique_slugs
from alignhub.site.urls import words as name_key


def _initials(key: Key) -> Key:
    """The key with every word before the surname cut to its first letter."""
    return (*(word[0] for word in key[:-1]), key[-1])


def _abbreviated(key: Key) -> bool:
    return len(key) > 1 and all(len(word) == 1 for word in key[:-1])


@dataclass(frozen=True)
class Person:
    slug: str
    name: str  # the name the person is shown under
    spellings: tuple[str, ...]  # every spelling the catalog uses, sorted
    entries: tuple[str, ...]  # ids of their entries, in listing_order


@dataclass(frozen=True)
class People:
    people: list[Person]  # sorted by slug
    by_spelling: dict[str, Person]  # an author string as an entry writes it → the person

    def page_of(self, spelling: str) -> Person:
        return self.by_spelling[spelling]


def read_aliases(root: Path) -> dict[str, list[str]]:
    """The override table entries/authors.yaml ({} without one); ValueError says what is wrong with it."""
    path = root / ENTRIES_DIR / AUTHORS_FILE
    if not path.is_file():
        return {}
    shown = f"{ENTRIES_DIR}/{AUTHORS_FILE}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ValueError(f"{shown}: cannot be read: {err}") from None
    data = {} if data is None else data
    if not isinstance(data, dict) or not all(
        isinstance(name, str) and isinstance(spellings, list | type(None)) and all(isinstance(s, str)
                                                                                  for s in spellings or [])
        for name, spellings in data.items()
    ):
        raise ValueError(f"{shown}: write one `Name: [other spelling, …]` line per person")
    return {name: list(spellings or []) for name, spellings in data.items()}


def _pinned(aliases: Mapping[str, list[str]]) -> tuple[dict[Key, Key], dict[Key, str]]:
    """From the override table: spelling key → person key, and person key → the name shown."""
    joins: dict[Key, Key] = {}
    names: dict[Key, str] = {}
    for name, spellings in sorted(aliases.items()):
        person = name_key(name)
        if not person:
            raise ValueError(f"{ENTRIES_DIR}/{AUTHORS_FILE}: '{name}' has no letters")
        if person in names and names[person] != name:
            raise ValueError(f"{ENTRIES_DIR}/{AUTHORS_FILE}: '{name}' and '{names[person]}' are the same name")
        names[person] = name
        for spelling in [name, *spellings]:
            key = name_key(spelling)
            if joins.get(key, person) != person:
                raise ValueError(f"{ENTRIES_DIR}/{AUTHORS_FILE}: '{spelling}' is listed for two people")
            joins[key] = person
    return joins, names


def people_of(catalog: Catalog, aliases: Mapping[str, list[str]] | None = None) -> People:
    """Every person who writes an entry of the catalog, with their entries newest first."""
    joins, names = _pinned(aliases or {})
    uses: Counter[str] = Counter(name for item in catalog.entries for name in item.entry.authors)
    keys = {spelling: name_key(spelling) or (spelling,) for spelling in uses}
    person_of = {spelling: joins.get(key, key) for spelling, key in keys.items()}
    # Initials join the one full name they abbreviate; the table's own names are left as they are.
    full = {key for key in person_of.values() if not _abbreviated(key)}
    by_initials: dict[Key, set[Key]] = {}
    for key in full:
        by_initials.setdefault(_initials(key), set()).add(key)
    for spelling, key in person_of.items():
        if key not in joins and _abbreviated(key) and len(by_initials.get(key, ())) == 1:
            person_of[spelling] = next(iter(by_initials[key]))

    groups: dict[Key, list[str]] = {}
    for spelling in sorted(person_of):
        groups.setdefault(person_of[spelling], []).append(spelling)
    entries: dict[Key, list[str]] = {key: [] for key in groups}
    for item in sorted(catalog.entries, key=listing_order):
        for key in dict.fromkeys(person_of[name] for name in item.entry.authors):
            entries[key].append(item.id)
    slugs = unique_slugs(groups)
    found = [Person(slugs[key], names.get(key) or _shown_name(key, spellings, uses), tuple(spellings),
                    tuple(entries[key]))
             for key, spellings in groups.items()]
    found.sort(key=lambda person: person.slug)
    return People(found, {spelling: person for person in found for spelling in person.spellings})


def _shown_name(key: Key, spellings: list[str], uses: Counter[str]) -> str:
    """Of the spellings written in full (not initials), the best written: most words capitalised as
    names are ("Rafael", not "RAFAEL" or "rafael"), then the most used, then the one with accents
    ("Rémi" over "Remi"), then the first sorted."""
    written_out = [s for s in spellings if (name_key(s) or (s,)) == key] or spellings
    return min(written_out, key=lambda s: (-_well_cased(s), -uses[s], -sum(not ch.isascii() for ch in s), s))


def _well_cased(name: str) -> int:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return sum(1 for w in words if w[0].isupper() and (len(w) <= 2 or not w[1:].isupper()))
