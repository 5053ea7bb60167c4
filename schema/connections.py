"""Relay connections: `first`/`after`, edges, pageInfo and a lazily counted totalCount."""

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from permissions.errors import BadUserInput
from resolvers.context import Context
from resolvers.pages import CountKey, Filter, Link, PageKey
from resolvers.scopes import Scope
from schema.selection import asks

T = TypeVar("T")
MAX_FIRST = 100
MAX_CURSOR = 2**31 - 1  # keys are INT columns: a larger cursor was never issued
DEFAULT_FIRST = 50


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list that can grow.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many there are in all, across every page.")
    async def total_count(self) -> int:
        return await self.count()


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{pk}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        label, _, pk = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().partition(":")
        number = int(pk)
        if label == "cursor" and 0 <= number <= MAX_CURSOR:
            return number
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise BadUserInput("'after' is not a cursor of this list.")


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_FIRST:
        raise BadUserInput(f"'first' must be between 0 and {MAX_FIRST}.")
    return first


async def paginate(
    info: Info[Context, None],
    link: Link,
    parent: int,
    first: int,
    after: str | None,
    nodes: Callable[[list[int]], Awaitable[Sequence[T | None]]],
    scope: Scope | None = None,
    where: Filter | None = None,
) -> Connection[T]:
    """One page of `link` under `parent`, batched with every sibling parent of this request.

    `scope` narrows the list for a SCOPED role (resolvers/scopes.py), `where` filters it by the
    field's arguments. When totalCount is
    selected its count is requested now, in the same tick as the page, so that it joins one
    batch for every parent whatever order the pages complete in.
    """
    ctx = info.context
    key = PageKey(parent, check_first(first), decode_cursor(after), scope, where)
    counter = ctx.loaders.count(link)
    count_key = CountKey(parent, scope, where)
    total = counter.load(count_key) if asks(info, "totalCount") else None
    page = await ctx.loaders.page(link).load(key)
    loaded = await nodes(page.child_ids)
    edges = [
        Edge(cursor=encode_cursor(pk), node=node)
        for pk, node in zip(page.child_ids, loaded, strict=True)
        if node is not None
    ]
    end = edges[-1].cursor if edges else None

    async def count() -> int:
        return await (total if total is not None else counter.load(count_key))

    return Connection(
        edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end), count=count
    )
