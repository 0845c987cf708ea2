"""Injected clocks: domain code asks a Clock for the time, never the wall clock itself."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """An aware datetime (UTC)."""
        ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


class FixedClock:
    """A clock that only moves when told to: for tests, replays and benchmarks."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=dt.timezone.utc)
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now = self._now + dt.timedelta(seconds=seconds)

    def set(self, when: dt.datetime) -> None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        self._now = when


def iso(when: dt.datetime) -> str:
    """Canonical ISO-8601 text for stored times (UTC, microseconds)."""
    return when.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def parse_iso(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value
