"""What a source says about each key it was asked for, and the interface every source client offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from alignhub.metadata.records import Record


@dataclass(frozen=True)
class Fetched:
    record: Record


@dataclass(frozen=True)
class NotFound:
    """The source answered and has no such paper (or repository)."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """No usable answer for this key this time; nothing is written, the next run asks again."""

    message: str


Outcome = Fetched | NotFound | Failed


class SourceUnavailable(Exception):
    """The source cannot be used for the rest of this run (no credentials, a browser challenge …).

    `failed` says whether the keys left count as failures (exit 1) or are merely skipped.
    """

    def __init__(self, notice: str, *, failed: bool = False) -> None:
        super().__init__(notice)
        self.notice = notice
        self.failed = failed


class Source(Protocol):
    """A metadata API client: asked for a batch of keys, answers for every one of them."""

    name: str
    batch_size: int

    @property
    def requests_sent(self) -> int: ...

    def fetch_batch(self, keys: list[str]) -> dict[str, Outcome]: ...
