"""Clients for the services outside the catalog: arXiv, OpenReview, Semantic Scholar and GitHub, one
module each, and the one HTTP policy (`httppolicy`, applied by `http.Session`) they share with the
link checker. This package's own import is empty on purpose: the command line imports
`alignhub.sources.settings` and `alignhub.sources.names` on every run.
"""
