"""Rate-limit counters shared by every API process on PostgreSQL (portcullis/http/rate_limit.py)."""

from tortoise import fields
from tortoise.models import Model


class RateLimitCounter(Model):
    """Requests of one credential or client address in its latest fixed window.

    One row per key, reset in place when a new window starts. Rows of windows that have
    ended are deleted once per window by each API process. Unused on SQLite, where the
    single process counts in memory.
    """

    key = fields.CharField(max_length=80, primary_key=True)
    window_start = fields.BigIntField()  # seconds since the epoch, a multiple of the window
    hits = fields.IntField()

    class Meta:
        table = "rate_limit_counter"
