"""New entries: `alignhub add`, `alignhub import` (with the markdown/BibTeX list parser) and
`alignhub watch`. This package's own import is empty on purpose: the command line imports
`alignhub.intake.arguments` on every run.
"""
