"""Telling a database outage from a bug: an outage is answered DATABASE_UNAVAILABLE (the client
should try again shortly), a bug is masked as INTERNAL_SERVER_ERROR and logged.

What an outage looks like to Tortoise 1.1 on asyncpg (seen with the server stopped and started
under load, tests/operations/test_database_outage.py): the pool's connections are not checked when
they
are handed out, and nothing is retried, so each request that meets the outage fails once,
with whichever of these its moment gives:
- connecting: refused or reset sockets (OSError), "the database system is shutting down" or
  "is starting up" (CannotConnectNowError, SQLSTATE class 57);
- on an open connection: "terminating connection due to administrator command" (class 57),
  the connection closed mid-query (ConnectionDoesNotExistError, class 08), or "connection is
  closed" (a plain InterfaceError);
- on a connection whose server went away while it sat idle in the pool, before asyncpg saw
  the socket close: the server's goodbye message arrives when no query is running, which
  leaves the connection in a state where the next query fails with InternalClientError
  ("cannot switch to state ..."). It lasts until the socket close is read, milliseconds.
Tortoise passes these through untranslated (it translates only SQL and constraint errors),
sometimes as the cause of one of its own. asyncpg drops a closed connection from its pool and
opens a new one on the next request, so the service recovers by itself once the server is back.
"""

import asyncpg
from asyncpg.exceptions import InterfaceError, InternalClientError
from tortoise.exceptions import DBConnectionError

from permissions.codes import TopLevelErrorCode

MESSAGE = "The database is unavailable; try again shortly."
CODE = TopLevelErrorCode.DATABASE_UNAVAILABLE
RETRY_AFTER_SECONDS = 1

_OUTAGES = (
    OSError,  # refused, reset, timed out (TimeoutError is an OSError)
    DBConnectionError,
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.OperatorInterventionError,  # class 57: shutdown, crash, cannot connect now
    InternalClientError,  # a connection the server dropped while idle (see above)
)


def is_database_unavailable(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised from, means the database went away."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        # A plain InterfaceError is "connection is closed"; its subclasses (DataError for a
        # bad query argument, configuration errors) are bugs.
        if isinstance(error, _OUTAGES) or type(error) is InterfaceError:
            return True
        error = error.__cause__ or error.__context__
    return False
