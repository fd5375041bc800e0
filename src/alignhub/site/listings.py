"""The index pages that list entries by who wrote them, where and when they appeared.

- one page per author (who is one person: alignhub.site.people), their entries newest first;
- one page per venue of the taxonomy that an entry names, its entries grouped by the venue's year
  (the entry's release year when the venue has none), newest year first;
- one page per year of first release (`Entry.release_month`, the month the pages show), its
  entries grouped by section.

Within a group entries are in `listing_order`. Pages are addressed by slugs (alignhub.site.urls):
an author's from their name, a venue's from its canonical name, a year's is the year. The data
here is ids and keys; alignhub.site.pages renders it in each language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alignhub.catalog import Catalog, CatalogEntry, listing_order
from alignhub.models import Entry
from alignhub.site import urls
from alignhub.site.people import People, people_of
from alignhub.taxonomy import Taxonomy


def release_year(entry: Entry) -> int:
    return int(entry.release_month[:4])


def venue_year(entry: Entry) -> int:
    """The year an entry is listed under on its venue's page."""
    return (entry.venue.year if entry.venue and entry.venue.year else None) or release_year(entry)


def year_anchor(year: int) -> str:
    return f"year-{year}"


@dataclass(frozen=True)
class Addresses:
    """Where the author, venue and year pages live (English source paths)."""

    people: People
    venues: dict[str, str]  # canonical venue name → slug

    def author(self, spelling: str) -> str:
        return urls.author_page(self.people.by_spelling[spelling].slug)

    def venue(self, name: str) -> str:
        return urls.venue_page(self.venues[name])

    @staticmethod
    def year(year: int) -> str:
        return urls.year_page(year)


def venue_slugs(taxonomy: Taxonomy) -> dict[str, str]:
    """Every venue of the taxonomy (used or not, so a slug does not move when another venue gets its
    first entry) → its slug."""
    keys = {name: urls.words(name) or (name,) for name in taxonomy.venues}
    slugs = urls.unique_slugs(keys.values())
    return {name: slugs[key] for name, key in keys.items()}


def addresses(catalog: Catalog, aliases: Mapping[str, list[str]] | None = None) -> Addresses:
    return Addresses(people_of(catalog, aliases), venue_slugs(catalog.taxonomy))


def by_venue(catalog: Catalog) -> dict[str, list[tuple[int, list[str]]]]:
    """Venue name → [(year, entry ids)], newest year first; only venues some entry names."""
    groups: dict[str, dict[int, list[str]]] = {}
    for item in _newest_first(catalog):
        venue = item.entry.venue
        if venue is not None:
            groups.setdefault(venue.name, {}).setdefault(venue_year(item.entry), []).append(item.id)
    return {name: sorted(years.items(), reverse=True) for name, years in sorted(groups.items())}


def by_year(catalog: Catalog) -> dict[int, list[tuple[str, list[str]]]]:
    """Release year → [(section id, entry ids)] in taxonomy order, newest year first."""
    order = {section.id: n for n, section in enumerate(catalog.taxonomy.sections)}
    groups: dict[int, dict[str, list[str]]] = {}
    for item in _newest_first(catalog):
        groups.setdefault(release_year(item.entry), {}).setdefault(item.section, []).append(item.id)
    return {year: sorted(sections.items(), key=lambda pair: order[pair[0]])
            for year, sections in sorted(groups.items(), reverse=True)}


def _newest_first(catalog: Catalog) -> list[CatalogEntry]:
    return sorted(catalog.entries, key=listing_order)
