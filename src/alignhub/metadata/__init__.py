"""The committed metadata store: what ``metadata/`` holds and what it says. Files only, no network.

Owns `records` (the pydantic models that are the record files' format), `store` (reading and
writing ``metadata/<source>/<key>.json``), `ids` (an entry's key in each source, and the id
parsing behind it), `lookup` (the one merge step every view shows), `consistency` (what
`alignhub validate` reports from the records), `changes` (what a refresh changed) and `venues`
(the venue wording of stored OpenReview and Semantic Scholar records in the taxonomy's names: store
logic, since `consistency` reads stored records through it; the OpenReview client uses it too,
which is an import down into the store, not up).

May import the core only. Imported by rendering and the pipeline (`lookup`, `store`), by the
sources (the record format only), by `alignhub.enrich` and `alignhub.intake`, and by the command
line (`consistency`). Nothing here imports a source, a command, the pipeline or rendering.
"""
