"""One PostgreSQL connection per request, instead of one pool round per statement (issue 19.3).

Tortoise on asyncpg takes a connection from the pool for every statement and gives it back
after; asyncpg resets a connection it gets back (`RESET ALL; CLOSE ALL; UNLISTEN *; ...`,
one more round trip to the server) and the acquire and release are Python work of their own.
An integrator's read runs about six statements, so half its round trips were resets.

`HeldConnectionMiddleware` makes Tortoise's "default" connection, for the length of one
request (a context variable, as Tortoise's own transactions do), a `HeldConnection`: it takes
a pool connection at the request's first statement, runs every statement of the request on
it in turn, and gives it back once when the request ends. A request that runs no statement
takes no connection. The process keeps nothing between requests: the connection goes back to
the pool as it would have after each statement, so several processes still share one
PostgreSQL with no state in any of them.

A transaction (`in_transaction()`, every mutation with its audit event) runs on the held
connection and has it to itself until it ends: a statement of the same request from outside
the transaction waits for it, rather than running inside someone else's BEGIN. An outage is
met as before: a statement on a connection the server dropped fails with the errors
portcullis/outage.py lists, and the request answers DATABASE_UNAVAILABLE; a held connection
found closed is given back and the next statement takes a fresh one from the pool.

SQLite has no pool (Tortoise keeps one connection behind a lock), so nothing changes there.
"""

import asyncio
import logging
from types import TracebackType
from typing import Any, Generic, TypeVar

import asyncpg
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.context import get_current_context

log = logging.getLogger(__name__)

ALIAS = "default"
T = TypeVar("T")


class HeldConnection(AsyncpgDBClient):
    """Tortoise's asyncpg client, bound to one pool connection taken on first use.

    Built like Tortoise's own TransactionWrapper (which it hands transactions to): from the
    pool client it stands in for, without parsing the configuration again.
    """

    def __init__(self, pool_client: AsyncpgDBClient) -> None:
        # Not super().__init__: that parses credentials and would build a second pool.
        self._parent = pool_client
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._pool_init_lock = pool_client._pool_init_lock
        self.log = pool_client.log
        self.connection_name = pool_client.connection_name
        self.fetch_inserted = pool_client.fetch_inserted
        self.capabilities = pool_client.capabilities
        self.acquired = 0  # connections taken from the pool for this request (tests read it)
        # Set when the request has ended: a task it started that still runs (it copied the
        # request's context) then goes back to a pool connection per statement, as before,
        # rather than taking one that nothing would give back.
        self.ended = False

    @property
    def _pool(self) -> Any:
        """The pool's own (portcullis/metrics.py reads its size through "default")."""
        return self._parent._pool

    @_pool.setter
    def _pool(self, _: object) -> None:
        raise AttributeError("a held connection never makes a pool of its own")

    def acquire_connection(self) -> Any:
        if self.ended:
            return self._parent.acquire_connection()
        return _Holding(self)

    def _in_transaction(self) -> TransactionContext:
        if self.ended:
            return self._parent._in_transaction()
        return _HeldTransaction(self)

    async def take(self) -> asyncpg.Connection:
        """The held connection, taken from the pool now if the request has none (or the one
        it held was closed by an outage)."""
        if self._connection is not None and self._connection.is_closed():
            await self.give_back()
        if self._connection is None:
            if self._parent._pool is None:
                async with self._pool_init_lock:  # as Tortoise's PoolConnectionWrapper does
                    if self._parent._pool is None:
                        await self._parent.create_connection(with_db=True)
            assert self._parent._pool is not None
            self._connection = await self._parent._pool.acquire()
            self.acquired += 1
        return self._connection

    async def end(self) -> None:
        """The request is over: give the connection back, and hold none from now on."""
        self.ended = True
        if not self._lock.locked():  # else the statement or transaction running gives it back
            await self.give_back()

    async def give_back(self) -> None:
        """Return the connection to the pool (the request ended, or the connection closed).
        A failure returning it (its reset met an outage) is logged: asyncpg has then closed
        it, and the answer the request gave stands."""
        connection, self._connection = self._connection, None
        pool = self._parent._pool
        if connection is None or pool is None:
            return
        try:
            await pool.release(connection)
        except Exception as error:
            log.warning("could not return a held connection to the pool: %r", error)


class _Turn(Generic[T]):
    """A turn on the held connection (statements of one request run in turn: an asyncpg
    connection runs one at a time). A turn that comes after the request ended, in a task the
    request left running, takes none: it runs on a pool connection of its own, as every
    statement did before, and nothing is left held for nobody to give back."""

    def __init__(self, held: HeldConnection) -> None:
        self.held = held
        self.pooled: Any = None  # the pool's own context, after the request ended

    def on_pool(self) -> Any:
        """The pool's own context for this turn."""
        raise NotImplementedError

    async def start(self) -> T:
        """Start the turn on the held connection (its lock is held)."""
        raise NotImplementedError

    async def finish(self, exc_type: type[BaseException] | None) -> None:
        """End the turn on the held connection (before its lock is released)."""

    async def __aenter__(self) -> T:
        held = self.held
        await held._lock.acquire()
        if held.ended:
            held._lock.release()
            self.pooled = self.on_pool()
            entered: T = await self.pooled.__aenter__()
            return entered
        try:
            return await self.start()
        except BaseException:
            held._lock.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.pooled is not None:
            await self.pooled.__aexit__(exc_type, exc, traceback)
            return
        try:
            await self.finish(exc_type)
        finally:
            self.held._lock.release()
            if self.held.ended:  # the request ended during this turn: the last one out
                await self.held.give_back()


class _Holding(_Turn[asyncpg.Connection]):
    """One statement's turn on the held connection."""

    def on_pool(self) -> Any:
        return self.held._parent.acquire_connection()

    async def start(self) -> asyncpg.Connection:
        return await self.held.take()


class _HeldTransaction(_Turn[TransactionalDBClient], TransactionContext):
    """A transaction on the held connection: like Tortoise's pooled transaction context,
    except that it borrows the request's connection instead of taking another from the pool.
    It holds the connection's turn for its whole length."""

    def __init__(self, held: HeldConnection) -> None:
        super().__init__(held)
        self.client = TransactionWrapper(held)
        self.token: Any = None

    def on_pool(self) -> Any:
        return self.held._parent._in_transaction()

    async def start(self) -> TransactionalDBClient:
        try:
            self.client._connection = await self.held.take()
            self.token = connections.set(ALIAS, self.client)
            await self.client.begin()
        except BaseException:
            if self.token is not None:
                connections.reset(self.token)
            raise
        return self.client

    async def finish(self, exc_type: type[BaseException] | None) -> None:
        try:
            if not self.client._finalized:
                if exc_type is None:
                    await self.client.commit()
                else:
                    await self.client.rollback()
        finally:
            connections.reset(self.token)


class HeldConnectionMiddleware:
    """Every HTTP request gets a HeldConnection as its "default", on PostgreSQL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only once Tortoise has a context (it has, serving) and only on asyncpg: an app built
        # before the database is opened (a schema loaded for a test) passes requests through.
        pool_client = (
            connections.get(ALIAS)
            if scope["type"] == "http" and get_current_context() is not None
            else None
        )
        if not isinstance(pool_client, AsyncpgDBClient) or isinstance(
            pool_client, (HeldConnection, TransactionWrapper)
        ):
            await self.app(scope, receive, send)
            return
        held = HeldConnection(pool_client)
        token = connections.set(ALIAS, held)
        try:
            await self.app(scope, receive, send)
        finally:
            connections.reset(token)
            await held.end()
