"""Relay connections: `first`/`after` forwards or `last`/`before` backwards, edges, pageInfo
and a lazily counted totalCount. Both directions are keyset pages of one mechanism
(resolvers/pages.py)."""

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import strawberry
from strawberry.types import Info

from permissions.errors import BadUserInput
from resolvers.context import Context
from resolvers.pages import CountKey, Filter, Link, Order, PageKey
from resolvers.scopes import Scope
from schema.enums import AccessRequestStatus
from schema.selection import asks

T = TypeVar("T")
MAX_FIRST = 100
MAX_CURSOR = 2**31 - 1  # keys are INT columns: a larger cursor was never issued
DEFAULT_FIRST = 50

# The four arguments of every connection, described once.
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page forwards: at most this many, 0 to {MAX_FIRST}. With neither "
        f"`first` nor `last`: the first {DEFAULT_FIRST}."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Page forwards from after this cursor (a page's endCursor)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page backwards: the last this many, 0 to {MAX_FIRST}, in the list's own "
        "order. Not together with `first` or `after` (BAD_USER_INPUT)."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Page backwards from before this cursor (a page's startCursor)."
    ),
]

# The status filter of both lists of access requests (Organization.accessRequests and
# Viewer.accessRequests), described once.
RequestStatus = Annotated[
    AccessRequestStatus | None,
    strawberry.argument(description="Only requests of this status; all when left out."),
]


@strawberry.type(description="Where a page starts and ends, and whether more lie either way.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More follow the page. Paging backwards (`last`): whether `before` was given."
    )
    has_previous_page: bool = strawberry.field(
        description="More come before the page. Paging forwards: whether `after` was given."
    )
    start_cursor: str | None = strawberry.field(
        description="The first edge's cursor: pass it as `before` for the page before."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor: pass it as `after` for the page after."
    )


@strawberry.type(description="One item of a page, with the cursor to page on from it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque; pass it as `after` or `before`. Valid while its item exists."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list that can grow.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        description="The page's items, in the list's order (also when paging backwards)."
    )
    page_info: PageInfo = strawberry.field(description="Where the page starts and ends.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many there are in all, across every page.")
    async def total_count(self) -> int:
        return await self.count()


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{pk}".encode()).decode()


def decode_cursor(cursor: str | None, name: str = "after") -> int | None:
    if cursor is None:
        return None
    try:
        label, _, pk = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().partition(":")
        number = int(pk)
        if label == "cursor" and 0 <= number <= MAX_CURSOR:
            return number
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise BadUserInput(f"'{name}' is not a cursor of this list.")


def check_first(first: int, name: str = "first") -> int:
    if not 0 <= first <= MAX_FIRST:
        raise BadUserInput(f"'{name}' must be between 0 and {MAX_FIRST}.")
    return first


@dataclass(frozen=True)
class Window:
    """Which page a connection's arguments ask for."""

    size: int
    cursor: int | None
    backward: bool


def window(first: int | None, after: str | None, last: int | None, before: str | None) -> Window:
    """`first`/`after` page forwards, `last`/`before` backwards; neither: the first
    DEFAULT_FIRST. One direction per request, as Relay advises: mixing them is refused."""
    if last is None and before is None:
        size = DEFAULT_FIRST if first is None else check_first(first)
        return Window(size, decode_cursor(after), backward=False)
    if first is not None or after is not None:
        raise BadUserInput("Page one way: 'first'/'after' forwards or 'last'/'before' backwards.")
    size = DEFAULT_FIRST if last is None else check_first(last, "last")
    return Window(size, decode_cursor(before, "before"), backward=True)


async def paginate(
    info: Info[Context, None],
    link: Link,
    parent: int,
    page_window: Window,
    nodes: Callable[[list[int]], Awaitable[Sequence[T | None]]],
    scope: Scope | None = None,
    where: Filter | None = None,
    order: Order | None = None,
) -> Connection[T]:
    """One page of `link` under `parent`, batched with every sibling parent of this request.

    `scope` narrows the list for a SCOPED role (resolvers/scopes.py), `where` filters it by the
    field's arguments. When totalCount is
    selected its count is requested now, in the same tick as the page, so that it joins one
    batch for every parent whatever order the pages complete in.
    """
    ctx = info.context
    size, cursor, backward = page_window.size, page_window.cursor, page_window.backward
    key = PageKey(parent, size, cursor, scope, where, backward, order)
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
    page_info = PageInfo(
        has_next_page=page.has_more if not backward else cursor is not None,
        has_previous_page=page.has_more if backward else cursor is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )

    async def count() -> int:
        return await (total if total is not None else counter.load(count_key))

    return Connection(edges=edges, page_info=page_info, count=count)
