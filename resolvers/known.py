"""Answering from what the request has already read, without a coroutine when nothing is missing.

A page of 50 users resolves thousands of fields, and a field whose guard or resolver is a
coroutine costs several times a plain one (bench/README.md). Most of them need only rows that
the request's DataLoaders already hold: the organization read by the list's guard, the product
instances read once for every user's access. So targets and nested objects are written once, as
plain functions that `peek` at the loaders; `known` runs such a function and returns its answer
directly, or, when a row is not loaded yet, an awaitable that loads it (batched with every
sibling, as `DataLoader.load` always is) and runs the function again. The same function serves
the async callers through `settled`.
"""

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
T = TypeVar("T")
Maybe: TypeAlias = T | Awaitable[T]


class Unknown(Exception):  # not an error: a signal to load and try again
    """A row the computation needs is not loaded yet; `pending` loads it."""

    def __init__(self, pending: Awaitable[Any]) -> None:
        super().__init__("not loaded yet")
        self.pending = pending


def peek(loader: DataLoader[K, T], key: K) -> T:
    """The loaded value for `key`, or Unknown with the load of it (started now, so that it joins
    this tick's batch)."""
    future = loader.cache_map.get(key) if loader.cache else None
    if future is not None and future.done() and not future.cancelled():
        return future.result()  # the loader's own exception, if it failed, as awaiting gives
    raise Unknown(loader.load(key))


def known(compute: Callable[[], T]) -> Maybe[T]:
    """`compute()` now when it needs nothing unread, else an awaitable of it."""
    try:
        return compute()
    except Unknown as missing:
        return _settle(compute, missing)


async def _settle(compute: Callable[[], T], missing: Unknown) -> T:
    while True:
        await missing.pending
        try:
            return compute()
        except Unknown as again:
            missing = again


async def settled(compute: Callable[[], T]) -> T:
    """`compute()` for async callers: loads whatever it needs first."""
    found = known(compute)
    return await found if isawaitable(found) else found
