"""Problems found in the catalog, and how they are printed for a contributor."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from alignhub import rules


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the catalog, located as precisely as we can.

    `line` and `col` are 1-based; 0 means "the whole file". `field` is a dotted path
    into the entry (``links.arxiv``) or empty when the problem is about the file. `rule` is the id of
    the check it breaks (`alignhub.rules`); an unregistered id is refused here, at construction.
    """

    path: str
    line: int = 0
    col: int = 0
    field: str = ""
    message: str = ""
    hint: str = ""
    rule: str = ""

    def __post_init__(self) -> None:
        rules.check(self.rule)

    @property
    def severity(self) -> rules.Severity:
        return rules.RULES[self.rule].severity

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
        text += f" [{self.rule}]"
        return printable(text)


def printable(text: str) -> str:
    """`text` on one line: a newline or control character in a file name (or a value quoted in a
    message) is shown escaped (\\n), so it can neither break the report nor forge a line of it."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def summarize(problems: list[Problem]) -> str:
    """The closing line: how many problems in how many files."""
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    drafts = len({p.path for p in problems if p.rule == "draft-summary"})
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


def colour_for(stream: TextIO) -> Callable[[Problem], str]:
    """How to print problems on `stream`: the location in bold and the message in red on a terminal;
    plain text when piped, redirected, or when NO_COLOR is set (https://no-color.org)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return Problem.format
    def paint(problem: Problem) -> str:
        plain = problem.format()
        where, sep, rest = plain.partition(": ")
        return f"\x1b[1m{where}\x1b[0m{sep}\x1b[31m{rest}\x1b[0m" if sep else plain
    return paint
