"""Batched keyset pagination of child rows: one SQL statement for a page of every parent.

A `Link` names where parent -> child pairs live (a table, or a subquery with an alias). A page
for many parents is read with ROW_NUMBER() OVER (PARTITION BY parent), which SQLite (3.25+) and
PostgreSQL both run, so a nested connection under N parents costs one statement, not N; a page
of one parent (a top-level list) with ORDER BY and LIMIT, so it costs the page, not the list.

Pages run both ways on one key: forwards (`first`/`after`) the rows after the cursor in the
list's order, backwards (`last`/`before`) the rows before it, read in the reverse order with the
same index and turned round. A list may be sorted by a column of its table (`Order`) and then
by the child id: the cursor stays the child id, and the statement reads the cursor row's sort
value itself, so `(sort value, id)` is the key and no page skips or repeats a row.
Table and column names are constants of this code base, never client input.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from permissions.errors import BadUserInput
from resolvers import scopes
from resolvers.scopes import Scope


@dataclass(frozen=True)
class Link:
    source: str
    parent: str
    child: str
    descending: bool = False  # newest first, for logs
    scoped: str = ""  # the condition that narrows the list to a Scope (resolvers/scopes.py)


@dataclass(frozen=True)
class Filter:
    """Conditions a field's arguments put on a list (SQL written here, values as parameters)."""

    sql: str
    params: tuple[Any, ...] = ()


MAX_FILTER_LENGTH = 255


def filter_text(name: str, value: str) -> str:
    """A text argument that narrows a list. Printable: PostgreSQL text holds no NUL, and a NUL
    compared in SQL was a masked internal error (found by tests/fuzz/test_fuzz_schemathesis.py)."""
    if not 0 < len(value) <= MAX_FILTER_LENGTH or not value.isprintable():
        raise BadUserInput(f"'{name}' must be 1 to {MAX_FILTER_LENGTH} printable characters.")
    return value


@dataclass(frozen=True)
class Order:
    """Sort by `column` of the link's table, then by the child id (the table's key)."""

    column: str
    descending: bool = False


@dataclass(frozen=True)
class PageKey:
    parent: int
    size: int
    cursor: int | None  # the child id of the cursor to read after (backward: before)
    scope: Scope | None = None  # narrowed for a SCOPED role; None: the whole list
    filter: Filter | None = None
    backward: bool = False  # `last`/`before`: the rows before the cursor, or the list's end
    order: Order | None = None  # None: by the child id (newest first for a descending link)


@dataclass(frozen=True)
class Page:
    child_ids: list[int]  # in the list's order, also when read backwards
    has_more: bool  # more rows beyond the page in the direction read


async def rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        params = [_sqlite_value(p) for p in params]
    else:
        sql = _numbered(sql)
    return list(await connection.execute_query_dict(sql, list(params)))


def _sqlite_value(value: Any) -> Any:
    """Datetimes as Tortoise stores them on SQLite (UTC text), so they compare as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(" ")
    return value


def _numbered(sql: str) -> str:
    """Turn `?` placeholders into PostgreSQL's `$1, $2, ...`."""
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


def placeholders(values: Sequence[Any]) -> str:
    """`(?,?,?)` for an IN list of these values (never empty here)."""
    return "(" + ",".join("?" * len(values)) + ")"


def _narrowing(link: Link, scope: Scope | None, where: Filter | None) -> tuple[str, list[Any]]:
    sql, params = "", list[Any]()
    if scope is not None:
        if not link.scoped:
            raise ValueError(f"the list {link.source}.{link.child} cannot be narrowed")
        condition, scope_params = scopes.bind(link.scoped, scope)
        sql, params = f" AND {condition}", [*scope_params]
    if where is not None:
        sql, params = f"{sql} AND {where.sql}", [*params, *where.params]
    return sql, params


Window = tuple[int, int | None, Scope | None, Filter | None, bool, Order | None]


async def load_pages(link: Link, keys: Sequence[PageKey]) -> list[Page]:
    by_window: dict[Window, list[int]] = defaultdict(list)
    for key in keys:
        by_window[_window(key)].append(key.parent)
    found: dict[tuple[int, Window], list[int]] = {}
    for window, parents in by_window.items():
        rows = await _page_rows(link, sorted(set(parents)), window)
        for parent in parents:
            found[(parent, window)] = rows.get(parent, [])
    pages = []
    for key in keys:
        ids = found[(key.parent, _window(key))]
        page = ids[: key.size]
        pages.append(Page(page[::-1] if key.backward else page, len(ids) > key.size))
    return pages


def _window(key: PageKey) -> Window:
    return (key.size, key.cursor, key.scope, key.filter, key.backward, key.order)


def _sort(link: Link, window: Window) -> tuple[str, str]:
    """(ORDER BY terms, the condition after the cursor) in the direction read: descending when
    the list is (a log, or a descending Order), turned round when read backwards."""
    _, cursor, _, _, backward, order = window
    descending = link.descending ^ (order is not None and order.descending) ^ backward
    direction, compare = ("DESC", "<") if descending else ("ASC", ">")
    if order is None:
        terms, key, value = f"{link.child} {direction}", link.child, "?"
    else:
        terms = f"{order.column} {direction}, {link.child} {direction}"
        key = f"({order.column}, {link.child})"
        value = f"((SELECT {order.column} FROM {link.source} WHERE {link.child} = ?), ?)"
    condition = f" AND {key} {compare} {value}" if cursor is not None else ""
    return terms, condition


async def _page_rows(link: Link, parents: list[int], window: Window) -> dict[int, list[int]]:
    size, cursor, scope, where, _, order = window
    terms, cursor_filter = _sort(link, window)
    narrowing, scope_params = _narrowing(link, scope, where)
    conditions = f"{cursor_filter}{narrowing}"
    sql = (
        _one_parent(link, terms, conditions)
        if len(parents) == 1
        else _many_parents(link, terms, conditions, parents)
    )
    cursor_params = [] if cursor is None else [cursor] if order is None else [cursor, cursor]
    params: list[Any] = [*parents, *cursor_params, *scope_params, size + 1]
    result: dict[int, list[int]] = defaultdict(list)
    for row in await rows(sql, params):
        result[int(row["p"])].append(int(row["c"]))
    return result


def _one_parent(link: Link, terms: str, conditions: str) -> str:
    """ORDER BY ... LIMIT: the database reads the page from an index, not every row after it."""
    return (
        f"SELECT {link.parent} AS p, {link.child} AS c FROM {link.source} "
        f"WHERE {link.parent} = ?{conditions} ORDER BY {terms} LIMIT ?"
    )


def _many_parents(link: Link, terms: str, conditions: str, parents: list[int]) -> str:
    """A page per parent in one statement: ROW_NUMBER() restarts at each parent."""
    return (
        "SELECT p, c FROM ("
        f"SELECT {link.parent} AS p, {link.child} AS c, ROW_NUMBER() OVER "
        f"(PARTITION BY {link.parent} ORDER BY {terms}) AS rn "
        f"FROM {link.source} WHERE {link.parent} IN {placeholders(parents)}{conditions}"
        ") ranked WHERE rn <= ? ORDER BY p, rn"
    )


@dataclass(frozen=True)
class CountKey:
    parent: int
    scope: Scope | None = None
    filter: Filter | None = None


async def count_children(link: Link, keys: Sequence[CountKey]) -> list[int]:
    by_scope: dict[tuple[Scope | None, Filter | None], set[int]] = defaultdict(set)
    for key in keys:
        by_scope[(key.scope, key.filter)].add(key.parent)
    counts: dict[CountKey, int] = {}
    for (scope, where), parents in by_scope.items():
        unique = sorted(parents)
        narrowing, scope_params = _narrowing(link, scope, where)
        sql = (
            f"SELECT {link.parent} AS p, COUNT(*) AS n FROM {link.source} "
            f"WHERE {link.parent} IN {placeholders(unique)}{narrowing} GROUP BY {link.parent}"
        )
        for row in await rows(sql, [*unique, *scope_params]):
            counts[CountKey(int(row["p"]), scope, where)] = int(row["n"])
    return [counts.get(key, 0) for key in keys]


# The links of the read API.
ORG_SITES = Link("site", "organization_id", "id")
ORG_USERS = Link("org_user", "organization_id", "id", scoped=scopes.USERS_IN_SCOPE)
ORG_GROUPS = Link("user_group", "organization_id", "id", scoped=scopes.GROUPS_IN_SCOPE)
ORG_ADMINS = Link("role_assignment", "organization_id", "id", scoped=scopes.ASSIGNMENTS_IN_SCOPE)
ORG_AUDIT_LOG = Link("audit_event", "organization_id", "id", descending=True)
ORG_API_KEYS = Link("api_key", "organization_id", "id")
ORG_SCIM_TOKENS = Link("scim_token", "organization_id", "id")
USER_GROUPS = Link("group_membership", "user_id", "group_id", scoped=scopes.MEMBERSHIPS_IN_SCOPE)
GROUP_MEMBERS = Link("group_membership", "group_id", "user_id")
INSTANCE_GROUPS = Link(
    "(SELECT DISTINCT product_instance_id, group_id FROM group_product_role) AS gpr",
    "product_instance_id",
    "group_id",
)
