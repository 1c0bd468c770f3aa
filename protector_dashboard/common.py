"""What the panels share: API records with attribute access, and the way
times and durations are shown."""

import datetime
from typing import Any

from django.utils import dateformat, timezone


class Record(dict):
    """An API record plus what the tables and templates add to it; a dict
    underneath, so ``rec.id`` and ``rec["id"]`` both work."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def parse_time(value: Any) -> datetime.datetime | None:
    """An aware datetime from the API's ISO 8601 (naive means UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def when(value: Any, *, seconds: bool = True) -> str:
    """The time in the user's time zone (Horizon activates it), '-' if none."""
    parsed = parse_time(value)
    if parsed is None:
        return "-"
    return dateformat.format(timezone.localtime(parsed),
                             "Y-m-d H:i:s T" if seconds else "Y-m-d H:i T")


def duration(seconds: float | None) -> str:
    """A precise duration: '4 min 10 s'."""
    if seconds is None:
        return "-"
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def age(seconds: float | None) -> str:
    """A compact age for a table cell: '3 min'."""
    if seconds is None:
        return "-"
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
