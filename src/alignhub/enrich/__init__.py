"""`alignhub enrich`: the catalog's papers asked of every source, the answers kept in the store.

Owns `run` (which keys each source still lacks, asked batch by batch, each batch's records written
before the next request), `report` (the table printed at the end), `command` (the run for the
command line: progress, printing, exit status), `arguments` (its options) and `changes` (the
refresh workflow's pull-request body, ``python -m alignhub.enrich.changes``).

A package of its own because it is the one job that joins the two sides: it may import the sources
(to fetch) and the store (to write), plus the pipeline (to load the catalog) and the core. Neither
side imports it, nor do the other commands (`alignhub.intake`, `alignhub.links`). This package's own
import is empty on purpose: the command line imports `alignhub.enrich.arguments` on every run.
"""
