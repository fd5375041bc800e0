"""The export formats, in the order they are offered, each with the file name the site publishes it as.

Named once, in a module of its own: the command line builds its `--format` choices from it on every
run, and must not import the writers (they bring the catalog and Jinja) to do so.
"""

from __future__ import annotations

FORMATS: dict[str, str] = {"bibtex": "alignhub.bib", "json": "alignhub.json", "csv": "alignhub.csv", "atom": "feed.xml"}
