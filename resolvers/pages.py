"""Batched keyset pagination of child rows: one SQL statement for a page of every parent.

A `Link` names where parent -> child pairs live (a table, or a subquery with an alias). A page
for many parents is read with ROW_NUMBER() OVER (PARTITION BY parent), which SQLite (3.25+) and
PostgreSQL both run, so a nested connection under N parents costs one statement, not N.
Table and column names are constants of this code base, never client input.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise import connections


@dataclass(frozen=True)
class Link:
    source: str
    parent: str
    child: str
    descending: bool = False  # newest first, for logs


@dataclass(frozen=True)
class PageKey:
    parent: int
    first: int
    after: int | None  # the child id of the cursor to start after


@dataclass(frozen=True)
class Page:
    child_ids: list[int]
    has_next: bool


async def _rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    connection = connections.get("default")
    if connection.capabilities.dialect != "sqlite":
        sql = _numbered(sql)
    return list(await connection.execute_query_dict(sql, list(params)))


def _numbered(sql: str) -> str:
    """Turn `?` placeholders into PostgreSQL's `$1, $2, ...`."""
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


def _in(values: Sequence[int]) -> str:
    return "(" + ",".join("?" * len(values)) + ")"


async def load_pages(link: Link, keys: Sequence[PageKey]) -> list[Page]:
    by_window: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for key in keys:
        by_window[(key.first, key.after)].append(key.parent)
    found: dict[PageKey, list[int]] = {}
    for (first, after), parents in by_window.items():
        rows = await _page_rows(link, sorted(set(parents)), first, after)
        for parent in parents:
            found[PageKey(parent, first, after)] = rows.get(parent, [])
    return [Page(found[key][: key.first], len(found[key]) > key.first) for key in keys]


async def _page_rows(
    link: Link, parents: list[int], first: int, after: int | None
) -> dict[int, list[int]]:
    direction, compare = ("DESC", "<") if link.descending else ("ASC", ">")
    cursor_filter = f" AND {link.child} {compare} ?" if after is not None else ""
    sql = (
        "SELECT p, c FROM ("
        f"SELECT {link.parent} AS p, {link.child} AS c, ROW_NUMBER() OVER "
        f"(PARTITION BY {link.parent} ORDER BY {link.child} {direction}) AS rn "
        f"FROM {link.source} WHERE {link.parent} IN {_in(parents)}{cursor_filter}"
        f") ranked WHERE rn <= ? ORDER BY p, rn"
    )
    params: list[Any] = [*parents, *([after] if after is not None else []), first + 1]
    result: dict[int, list[int]] = defaultdict(list)
    for row in await _rows(sql, params):
        result[int(row["p"])].append(int(row["c"]))
    return result


async def count_children(link: Link, parents: Sequence[int]) -> list[int]:
    unique = sorted(set(parents))
    sql = (
        f"SELECT {link.parent} AS p, COUNT(*) AS n FROM {link.source} "
        f"WHERE {link.parent} IN {_in(unique)} GROUP BY {link.parent}"
    )
    counts = {int(row["p"]): int(row["n"]) for row in await _rows(sql, unique)}
    return [counts.get(parent, 0) for parent in parents]


# The links of the read API.
ORG_SITES = Link("site", "organization_id", "id")
ORG_USERS = Link("org_user", "organization_id", "id")
ORG_GROUPS = Link("user_group", "organization_id", "id")
ORG_ADMINS = Link("role_assignment", "organization_id", "id")
ORG_AUDIT_LOG = Link("audit_event", "organization_id", "id", descending=True)
ORG_API_KEYS = Link("api_key", "organization_id", "id")
USER_GROUPS = Link("group_membership", "user_id", "group_id")
GROUP_MEMBERS = Link("group_membership", "group_id", "user_id")
INSTANCE_GROUPS = Link(
    "(SELECT DISTINCT product_instance_id, group_id FROM group_product_role) AS gpr",
    "product_instance_id",
    "group_id",
)
