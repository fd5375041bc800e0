"""Fetched metadata: the clients `alignhub enrich` and `alignhub add` use, and the committed cache they fill.

Only `enrich` and `add` talk to the network. Everything else — `validate`, `build`, the site — reads
the cache through `alignhub.metadata.lookup`, which touches files only. This package's own import is
empty on purpose: the command line imports `alignhub.metadata.arguments` on every run.
"""
