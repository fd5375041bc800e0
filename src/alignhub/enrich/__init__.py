"""`alignhub enrich`: the sources' answers fetched into the committed metadata store. This package's
own import is empty on purpose."""
