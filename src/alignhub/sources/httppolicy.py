"""How alignhub talks HTTP, for the link checker and the metadata clients alike.

One answer to each question both ask: which answers are worth another try, how long a server's
``Retry-After`` asks us to wait, how the wait grows without one, and how alignhub names itself.
"""

from __future__ import annotations

import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime

from alignhub import __version__

# Answers worth another try: the server timed out, is rate-limiting, or is briefly broken.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Answers whose Retry-After is honoured (other answers wait the backoff).
RATE_LIMIT_STATUSES = frozenset({429, 503})
USER_AGENT = f"alignhub/{__version__} (+https://github.com/alignhub/alignhub)"
_SECONDS = re.compile(r"\d+(\.\d+)?")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, as delta-seconds or an HTTP date (a date without a
    zone is UTC); None when there is none or it cannot be read. `now` is a Unix time (default: now)."""
    value = (value or "").strip()
    if not value:
        return None
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    seconds = (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()
    return max(0.0, seconds - (time.time() if now is None else now))


def backoff_seconds(base: float, attempt: int) -> float:
    """The wait before try `attempt + 1` (attempt 0 is the first retry): `base`, doubled each time."""
    return base * 2**attempt
