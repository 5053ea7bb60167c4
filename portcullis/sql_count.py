"""Counting SQL statements in a running server, for the benchmarks (bench/README.md).

Off unless PORTCULLIS_COUNT_SQL=1: then a handler on Tortoise's query logger counts every
statement it runs (BEGIN and COMMIT are not logged, so not counted), and GET /debug/sql-count
returns the running total. Never turn it on in production: the endpoint is unauthenticated.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

QUERY_LOGGER = "tortoise.db_client"
# Tortoise logs these on the same logger; they are not statements.
_NOT_STATEMENTS = ("Created connection", "Closed connection")


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements = 0

    def emit(self, record: logging.LogRecord) -> None:
        # record.msg is the format string ("%s: %s" for a query): no message is formatted.
        if not str(record.msg).startswith(_NOT_STATEMENTS):
            self.statements += 1


def install() -> StatementCounter:
    counter = StatementCounter()
    logger = logging.getLogger(QUERY_LOGGER)
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    return counter


@contextmanager
def attached(handler: logging.Handler) -> Iterator[None]:
    """`handler` sees every statement Tortoise logs inside the block (tests, bench.statements)."""
    logger = logging.getLogger(QUERY_LOGGER)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
