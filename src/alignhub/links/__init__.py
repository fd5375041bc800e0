"""`alignhub links`: every URL of the catalog checked concurrently, politely, and remembered for a while.

collect (where URLs are written) → settings (what to check, how) → check (HTTP) → cache (results
with a time-to-live) → report (verdicts, rendered through templates/links-report.*.j2).
"""
