"""New entries: the commands that create entry files.

Owns `add` (one paper from its arXiv or OpenReview id), `importer` (`alignhub import`: every paper
of an awesome-list markdown file or a BibTeX file, read by `listparse`), `watch` (new arXiv
submissions ranked against the catalog, as a triage report), and their command lines
(`arguments`), settings (`settings`, ``[tool.alignhub.watch]``) and runners (`command`).

May import: the core, the sources (to ask arXiv and OpenReview), the store (`add` keeps the record
it fetched), the pipeline (to load the catalog) and templating (watch's report). Never
`alignhub.enrich` or `alignhub.links` (the commands are independent of each other), the site or
the command line. This package's own import is empty on purpose: the command line imports
`alignhub.intake.arguments` on every run.
"""
