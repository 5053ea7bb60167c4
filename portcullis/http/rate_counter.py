"""Counting requests per key in fixed windows: in PostgreSQL, shared by every API process, or in
this process's memory for SQLite (the single-process default).

A window is `[k * window_s, (k + 1) * window_s)` in seconds since the epoch. A key's count
starts again at 1 in each window; the answer says how many requests the key has made in the
current window, this one included, and how long the window still runs.

Cost, by design: one statement per request on PostgreSQL (an upsert that returns the count),
plus, once per window and process, one DELETE of the rows of ended windows. The table holds one
row per key seen since that clean-up, so it stays as small as the set of active callers.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tortoise import connections

from portcullis.db import is_postgres


@dataclass(frozen=True)
class Hit:
    count: int  # requests of the key in the current window, this one included
    retry_after_s: int  # whole seconds until the window ends (at least 1)


class Counter(Protocol):
    async def hit(self, key: str) -> Hit: ...


def _left(window_start: float, window_s: int, now: float) -> int:
    return max(1, math.ceil(window_start + window_s - now))


class MemoryCounter:
    """SQLite: one process serves, so counting in its memory is exact. Only the current window
    is kept; the dictionary is dropped whole when the next window starts."""

    def __init__(self, window_s: int, clock: Callable[[], float] = time.time) -> None:
        self.window_s, self.clock = window_s, clock
        self._window_start = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str) -> Hit:
        now = self.clock()
        start = int(now // self.window_s) * self.window_s
        if start != self._window_start:
            self._window_start, self._counts = start, {}
        count = self._counts[key] = self._counts.get(key, 0) + 1
        return Hit(count, _left(start, self.window_s, now))


class PostgresCounter:
    """PostgreSQL: one atomic upsert per request, on the database's clock, so that every API
    process counts into the same row and agrees on where windows start.

    GREATEST and `>=` keep a statement that started just before a window ended (and waited
    for the row lock) from resetting the newer window's count.
    """

    def __init__(self, window_s: int) -> None:
        self.window_s = int(window_s)  # formatted into the SQL: an int from the settings
        self._cleaned_window = -1
        start = f"(floor(extract(epoch FROM now()) / {self.window_s}) * {self.window_s})::bigint"
        self._upsert = (
            "INSERT INTO rate_limit_counter AS c (key, window_start, hits) "
            f"VALUES ($1, {start}, 1) ON CONFLICT (key) DO UPDATE SET "
            "hits = CASE WHEN c.window_start >= EXCLUDED.window_start THEN c.hits + 1 ELSE 1 END, "
            "window_start = GREATEST(c.window_start, EXCLUDED.window_start) "
            "RETURNING hits, window_start, extract(epoch FROM now())::float8 AS now"
        )

    async def hit(self, key: str) -> Hit:
        db = connections.get("default")
        row = (await db.execute_query_dict(self._upsert, [key]))[0]
        window_start = int(row["window_start"])
        if window_start > self._cleaned_window:
            self._cleaned_window = window_start
            await db.execute_query(
                "DELETE FROM rate_limit_counter WHERE window_start < $1", [window_start]
            )
        return Hit(int(row["hits"]), _left(window_start, self.window_s, float(row["now"])))


def counter_for(database_url: str, window_s: int) -> Counter:
    if is_postgres(database_url):
        return PostgresCounter(window_s)
    return MemoryCounter(window_s)
