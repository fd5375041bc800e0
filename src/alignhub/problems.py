"""Problems found in the catalog, and how they are printed for a contributor."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the catalog, located as precisely as we can.

    `line` and `col` are 1-based; 0 means "the whole file". `field` is a dotted path
    into the entry (``links.arxiv``) or empty when the problem is about the file.
    """

    path: str
    line: int = 0
    col: int = 0
    field: str = ""
    message: str = ""
    hint: str = ""

    def format(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


def summarize(problems: list[Problem]) -> str:
    """The closing line: how many problems in how many files."""
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    drafts = len({p.path for p in problems if p.hint.startswith("a draft")})
    if drafts:
        dnoun = "entry is a draft" if drafts == 1 else "entries are drafts"
        return f"{len(problems)} {noun} in {files} {fnoun}; {drafts} {dnoun} to finish (empty summary)"
    return f"{len(problems)} {noun} in {files} {fnoun}"


def display_path(path: Path, root: Path) -> str:
    """A path as a contributor would type it: relative to the catalog root, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
