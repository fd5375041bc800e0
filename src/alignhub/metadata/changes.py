"""What a metadata refresh changed, as the markdown body of the refresh pull request.

`compare` reads two stores, ``before/metadata`` (the cache as it was before ``alignhub enrich``
ran; a missing folder means "no cache yet") and ``root/metadata``, through `lookup` — the same
merge step every view uses, so the body lists exactly what readers will see change — and adds
what ``validate --strict`` will say about the new cache (titles that do not match their records,
venue decisions to copy into entries). `render` writes the body. Files only, no network; the same
two caches always give the same text. The refresh workflow runs it as
``python -m alignhub.enrich.changes`` (`alignhub.enrich.changes`, which loads the catalog).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignhub.catalog import Catalog
from alignhub.metadata import consistency
from alignhub.metadata.lookup import EntryMetadata, lookup
from alignhub.metadata.store import METADATA_DIR, REFRESHED_FILE


@dataclass
class Changes:
    """Entry paths (sorted) under each heading of the summary, and the record files touched."""

    files_added: int = 0
    files_changed: int = 0
    files_removed: int = 0
    new_abstracts: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)  # "path: ICLR 2024 Spotlight (accepted)"
    archived: list[str] = field(default_factory=list)
    citations: int = 0  # entries whose citation count changed
    stars: int = 0  # entries whose repository's star count changed
    title_mismatches: list[str] = field(default_factory=list)  # formatted strict findings
    suggestions: list[str] = field(default_factory=list)  # formatted venue suggestions

    @property
    def empty(self) -> bool:
        return not (self.files_added or self.files_changed or self.files_removed)


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and p != folder / REFRESHED_FILE}


def compare(root: Path, before: Path, catalog: Catalog) -> Changes:
    """What changed between ``before/metadata`` and ``root/metadata``, for the entries of `catalog`."""
    old_files, new_files = _files(before / METADATA_DIR), _files(root / METADATA_DIR)
    changes = Changes(
        files_added=len(new_files.keys() - old_files.keys()),
        files_changed=sum(1 for k in new_files.keys() & old_files.keys() if new_files[k] != old_files[k]),
        files_removed=len(old_files.keys() - new_files.keys()),
    )
    old, new = lookup(before, catalog), lookup(root, catalog)
    for item in sorted(catalog.entries, key=lambda e: e.path):
        was, now = old[item.id], new[item.id]
        _compare_entry(item.path, was, now, changes)
    for finding in consistency.findings(root, catalog):
        if finding.severity == "warning":  # the findings `validate --strict` fails on
            changes.title_mismatches.append(finding.format())
        elif finding.severity == "suggestion":
            changes.suggestions.append(consistency.as_warning(finding))
    return changes


def _compare_entry(path: str, was: EntryMetadata, now: EntryMetadata, changes: Changes) -> None:
    if now.abstract and not was.abstract:
        changes.new_abstracts.append(path)
    if now.decision and now.decision != was.decision:
        shown = f"{now.decision.venue} ({now.decision.status})" if now.decision.venue else now.decision.status
        changes.decisions.append(f"{path}: {shown}")
    if now.repo and now.repo.archived and not (was.repo and was.repo.archived):
        changes.archived.append(path)
    if now.citations is not None and now.citations != was.citations:
        changes.citations += 1
    if now.repo and (was.repo is None or now.repo.stars != was.repo.stars):
        changes.stars += 1


def _section(title: str, lines: list[str], code: bool = False) -> list[str]:
    if not lines:
        return []
    shown = [f"- `{line}`" if code else f"- {line}" for line in lines]
    return [f"### {title} ({len(lines)})", "", *shown, ""]


def render(changes: Changes, refreshed: str | None = None) -> str:
    """The pull request's body (markdown)."""
    if changes.empty:
        return "The metadata refresh changed nothing.\n"
    files = (f"{changes.files_added} record files added, {changes.files_changed} changed, "
             f"{changes.files_removed} removed under `metadata/`")
    lines = ["## Metadata refresh", "",
             f"`alignhub enrich --refresh`{f' on {refreshed}' if refreshed else ''}: {files}. Citation counts "
             f"changed for {changes.citations} entries, repository stars for {changes.stars}.", ""]
    lines += _section("New abstracts", changes.new_abstracts, code=True)
    lines += _section("OpenReview decisions, new or changed", changes.decisions, code=True)
    lines += _section("Code repositories now archived", changes.archived, code=True)
    if changes.title_mismatches:
        lines += ["### Titles that do not match their records: `validate --strict` fails until they are fixed", ""]
        lines += ["```", *changes.title_mismatches, "```", ""]
    if changes.suggestions:
        lines += ["### Venues the entries could set", "", "```", *changes.suggestions, "```", ""]
    lines.append("Generated by `python -m alignhub.enrich.changes`; CI runs `alignhub validate --strict` "
                 "on this pull request.")
    return "\n".join(lines) + "\n"
