"""Counts SQL statements through Tortoise's query log (both backends log every statement)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from portcullis.sql_count import attached


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Created connection pool", "Closed connection pool")):
            self.statements.append(message)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    handler = _Counter()
    with attached(handler):
        yield handler.statements
