"""The value types of settings: each reads what pyproject.toml, an environment variable or a
command-line option may hold (``timeout = "20s"``, ``ALIGNHUB_LINKS_TIMEOUT=20``, ``--timeout 20s``)
and refuses the rest with one message that says how to write it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainValidator
from pydantic_core import PydanticCustomError


def _refuse(reason: str) -> PydanticCustomError:
    return PydanticCustomError("setting", "{reason}", {"reason": reason})


def _checked(read: Callable[[Any], Any]) -> PlainValidator:
    """A validator from a reader that raises ValueError with the message to show."""

    def validate(value: Any) -> Any:
        try:
            return read(value)
        except ValueError as err:
            raise _refuse(str(err)) from None

    return PlainValidator(validate)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RANGE = re.compile(r"^\s*(\d{3})\s*(?:(?:-|\.\.)\s*(\d{3}))?\s*$")


def parse_duration(value: Any) -> float:
    """Seconds from 30, 2.5, "90s", "15m", "12h", "7d" or "1w"."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration (e.g. 30, 90s, 15m)")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"'{value}' is not a duration (e.g. 30, 90s, 15m)")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError(f"'{value}' is negative")
    return seconds


def _positive_duration(value: Any) -> float:
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError("must be more than 0 seconds")
    return seconds


def show_duration(seconds: float) -> str:
    """20.0 → "20s", 600 → "10m", 86400 → "1d": the shortest exact spelling."""
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % _UNITS[unit] == 0:
            return f"{seconds / _UNITS[unit]:g}{unit}"
    return f"{seconds:g}s"


def parse_status_codes(value: Any) -> frozenset[int]:
    """Status codes from 200, "200-299", "200..299" or a list (or comma-separated string) of those."""
    if isinstance(value, frozenset | set) and all(isinstance(v, int) for v in value):
        value = sorted(value)
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    if isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    if not isinstance(items, list | tuple):
        raise ValueError(f"{value!r} is not a status code or range (e.g. 200, 200-299)")
    codes: set[int] = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            low = high = item
        else:
            match = _RANGE.match(str(item))
            if not match:
                raise ValueError(f"'{item}' is not a status code or range (e.g. 200, 200-299)")
            low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if not 100 <= low <= high <= 599:
            raise ValueError(f"'{item}' is not within 100-599")
        codes.update(range(low, high + 1))
    if not codes:
        raise ValueError("no status codes given")
    return frozenset(codes)


def show_status_codes(codes: Iterable[int]) -> str:
    """{200, …, 299, 403} → "200-299, 403"."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{value!r} is not {what}")
    return tuple(value)


def _patterns(value: Any) -> tuple[re.Pattern[str], ...]:
    if isinstance(value, list | tuple) and all(isinstance(v, re.Pattern) for v in value):
        return tuple(value)
    compiled = []
    for pattern in _strings(value, "a list of regular expressions"):
        try:
            compiled.append(re.compile(pattern))
        except re.error as err:
            raise ValueError(f"'{pattern}' is not a regular expression: {err}") from None
    return tuple(compiled)


def read_whole(low: int, high: int | None = None) -> Callable[[Any], int]:
    """A reader of whole numbers between `low` and `high` (digits in a string too)."""
    bound = f"between {low} and {high}" if high is not None else f"of at least {low}"

    def read(raw: Any) -> int:
        value = int(raw) if isinstance(raw, str) and raw.strip().isdigit() else raw
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{raw!r} is not a whole number {bound}")
        if value < low or (high is not None and value > high):
            raise ValueError(f"{raw!r} must be {bound.removeprefix('of ')}")
        return value

    return read


def _fraction(value: Any) -> float:
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{value!r} must be a number between 0 and 1")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a non-empty string")
    return value


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.strip().rstrip("/")


def _names(value: Any) -> tuple[str, ...]:
    """A non-empty list of names; a comma-separated string (as an environment variable holds) too."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError(f"{value!r} is not a non-empty list of names")
    return tuple(v.strip() for v in items)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.strip().lower() in ("1", "true", "yes")
    raise ValueError(f"{value!r} is not true or false")


@dataclass(frozen=True)
class Shown:
    """How the documentation writes a default of this type."""

    show: Callable[[Any], str]


# Seconds, from 30, 2.5, "90s", "15m", "12h", "7d" or "1w".
Duration = Annotated[float, _checked(parse_duration), Shown(show_duration)]
PositiveDuration = Annotated[float, _checked(_positive_duration), Shown(show_duration)]
# 200, "200-299", "200..299", a list of those or "200-299,403".
StatusCodes = Annotated[frozenset[int], _checked(parse_status_codes), Shown(show_status_codes)]
Patterns = Annotated[tuple[re.Pattern[str], ...], _checked(_patterns)]
Count = Annotated[int, _checked(read_whole(0))]
Positive = Annotated[int, _checked(read_whole(1))]
Fraction = Annotated[float, _checked(_fraction)]
Text = Annotated[str, _checked(_text)]
Url = Annotated[str, _checked(_url)]
Names = Annotated[tuple[str, ...], _checked(_names)]
Flag = Annotated[bool, _checked(_boolean)]


def whole(low: int, high: int | None = None) -> PlainValidator:
    """A whole number between `low` and `high`: ``Annotated[int, whole(1, 100)]``."""
    return _checked(read_whole(low, high))


def optional(read: Callable[[Any], Any]) -> PlainValidator:
    return _checked(lambda value: None if value is None else read(value))


def validator_of(read: Callable[[Any], Any]) -> PlainValidator:
    """A value type from a reader raising ValueError (for the settings of one module alone)."""
    return _checked(read)
