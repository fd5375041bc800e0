"""The committed metadata store: the records under metadata/, reading and writing them, the lookup
every view uses, what a refresh changed and what the records say about the entries.

Everything here touches files only, never the network: the clients that fill the store are in
`alignhub.sources`, the commands that run them in `alignhub.enrich` and `alignhub.intake`.
"""
