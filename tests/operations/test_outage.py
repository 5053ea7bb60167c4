"""Telling a database outage from a bug (portcullis/outage.py), and the PostgreSQL waits that
keep a request from hanging on a database that stopped answering (portcullis/db.py). The
outage itself, against a real server and a real stopped database:
tests/operations/test_database_outage.py
(pytest -m hardening)."""

import asyncpg
import pytest
from asyncpg.exceptions import DataError, InterfaceError, InternalClientError
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from portcullis.db import with_timeouts
from portcullis.outage import is_database_unavailable


def raised_from(cause: BaseException, error: BaseException) -> BaseException:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError(),  # a connect or command timeout
        asyncpg.CannotConnectNowError("the database system is shutting down"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        InterfaceError("connection is closed"),
        InternalClientError("cannot switch to state 12; another operation (2) is in progress"),
        DBConnectionError("Can't establish connection"),
        raised_from(ConnectionResetError(), OperationalError("wrapped by the ORM")),
    ],
    ids=repr,
)
def test_an_outage_is_recognised(error: BaseException) -> None:
    assert is_database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        None,
        ValueError("a bug"),
        IntegrityError("duplicate key value violates unique constraint"),
        OperationalError("syntax error at or near"),
        DataError("invalid input for query argument $1"),  # an InterfaceError, but a bug
        raised_from(DataError("bad argument"), OperationalError("wrapped by the ORM")),
        asyncpg.RaiseError("raised by a trigger"),
    ],
    ids=repr,
)
def test_a_bug_is_not_an_outage(error: BaseException | None) -> None:
    assert not is_database_unavailable(error)


@pytest.mark.parametrize(
    ("given", "served"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/db",
            "postgres://postgres@127.0.0.1:5432/db?timeout=10&command_timeout=30",
        ),
        (
            "postgresql://u:p@db:5432/db?command_timeout=5",
            "postgresql://u:p@db:5432/db?command_timeout=5&timeout=10",
        ),
        (
            "postgres://db/db?timeout=1&command_timeout=2",
            "postgres://db/db?timeout=1&command_timeout=2",
        ),
        ("sqlite://data/portcullis.sqlite3", "sqlite://data/portcullis.sqlite3"),
    ],
)
def test_postgres_waits_are_bounded_unless_the_url_says_otherwise(given: str, served: str) -> None:
    assert with_timeouts(given) == served
