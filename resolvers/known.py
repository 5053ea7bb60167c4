"""Answering from what the request has already read, without a coroutine when nothing is missing.

A page of 50 users resolves thousands of fields, and a field whose guard or resolver is a
coroutine costs several times a plain one (bench/README.md). Most of them need only rows that
the request's DataLoaders already hold: the organization read by the list's guard, the product
instances read once for every user's access. So targets and nested objects are written once,
as functions that return an awaitable: `Known` (the answer itself, awaited at no cost) when
every row they need is loaded, else a coroutine that loads what is missing, batched with every
sibling as `DataLoader.load` always is. Async callers simply await either; a guard or a field
resolver takes a `Known` answer at once with `now` and stays synchronous.

`peek` gives a loaded row as `Known` or starts its load (so that it joins this tick's batch);
`then` goes on from an answer, at once when it is `Known`.
"""

from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

K = TypeVar("K")
T = TypeVar("T")
U = TypeVar("U")
Maybe: TypeAlias = T | Awaitable[T]  # what a field resolver or a target source returns


class Known(Generic[T]):
    """An answer that needed no read: awaiting it returns it without suspending."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, T]:
        return self.value
        yield  # never reached: it makes __await__ a generator


def peek(loader: DataLoader[K, T], key: K) -> Awaitable[T]:
    """The loaded value for `key` as Known, or the load of it, started now."""
    future = loader.cache_map.get(key) if loader.cache else None
    if future is not None and future.done() and not future.cancelled():
        return Known(future.result())  # the loader's own exception, if it failed, as awaiting gives
    return loader.load(key)


def then(found: Awaitable[T], use: Callable[[T], Awaitable[U]]) -> Awaitable[U]:
    """`use` of the answer: at once when it is Known, else once it is read."""
    if isinstance(found, Known):
        return use(found.value)
    return _then(found, use)


async def _then(found: Awaitable[T], use: Callable[[T], Awaitable[U]]) -> U:
    return await use(await found)


def now(found: Awaitable[T]) -> Maybe[T]:
    """For graphql-core: the value of a Known answer, so that the field stays synchronous."""
    return found.value if isinstance(found, Known) else found
