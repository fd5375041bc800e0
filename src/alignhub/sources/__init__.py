"""Clients for the services outside the catalog, and the one HTTP policy they share.

Owns one module per service — `arxiv`, `openreview`, `s2` (Semantic Scholar), `github` — each asked
for a batch of keys and answering with an `outcomes.Outcome` per key; `httppolicy`, the policy
(which answers are worth another try, how long a ``Retry-After`` asks to wait, the backoff, the
User-Agent), shared with the link checker; `http.Session`, which applies it to the metadata APIs
over requests (timeouts, retries, pacing, "host unreachable"); `settings`, where the APIs are and
how politely to ask them (``[tool.alignhub.enrich]``); and `names`, the sources' names.

May import: the core and, of the store, only its record format (`alignhub.metadata.records`, `ids`,
`venues`): a client turns an answer into the record the store keeps, and writes nothing. Never the
rest of the store, the pipeline, rendering, the site or a command. Imported by `alignhub.enrich`,
`alignhub.intake`, the link checker (`httppolicy` only) and the command line. This package's own
import is empty on purpose: the command line imports `settings` and `names` on every run.
"""
