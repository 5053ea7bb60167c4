"""The baseline's two answers (bench/baseline.py): the admin page and an integrator's
productAccess, as the same JSON the GraphQL API returns, from hand-written SQL."""

import asyncio
import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.requests import Request

from resolvers.effective_access import EFFECTIVE_OF_USERS, RULE_OF_ADMIN_ROLE, billable_roles

Json = dict[str, Any]
Rows = list[Json]
PAGE = 50
GROUPS_PER_USER = 10


class Database(Protocol):
    statements: int

    async def fetch(self, sql: str, params: Sequence[Any]) -> Rows: ...

    async def close(self) -> None: ...


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def parse_id(value: str) -> int:
    decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    return int(decoded.partition(":")[2])


def cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{pk}".encode()).decode()


async def fetch_in(db: "Database", sql: str, keys: Sequence[int]) -> Rows:
    """`sql` with `{keys}` as a list of parameters; nothing to ask about, no statement."""
    if not keys:
        return []
    return await db.fetch(sql.format(keys="(" + ",".join("?" * len(keys)) + ")"), keys)


def checked(row: dict[str, Any] | None, credential: str) -> bool:
    """The credential's row exists, is neither revoked nor expired, and the hash matches."""
    if row is None or row["revoked_at"] is not None:
        return False
    expires = row["expires_at"]
    if isinstance(expires, str):
        expires = datetime.fromisoformat(expires)
    if expires is not None and expires <= datetime.now(UTC):
        return False
    digest = hashlib.sha256(credential.encode()).hexdigest()
    return hmac.compare_digest(row["secret_hash"], digest)


def credential_of(request: Request) -> tuple[str, str]:
    """(credential, prefix) of `Authorization: Bearer <kind>_<prefix>_<secret>`."""
    credential = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return credential, credential.split("_")[1] if credential.count("_") >= 2 else ""


def refused(message: str) -> dict[str, Any]:
    return {"data": None, "errors": [{"message": message}]}


def access(
    paths: Rows, instance: Callable[[int], Json], group: Callable[[Json], Json]
) -> list[Json]:
    """User.productAccess: paths by (product instance, role) in the API's order
    (resolvers/effective_access.grouped), each with its sources."""

    def order(p: dict[str, Any]) -> tuple[int, str, str, int, str]:
        return (
            p["product_instance_id"],
            p["role"],
            p["kind"],
            p["group_id"] or 0,
            p["admin_role"] or "",
        )

    unique = {tuple(sorted(p.items())): p for p in paths}.values()
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for p in sorted(unique, key=order):
        key = (p["product_instance_id"], p["role"])
        if key not in found:
            found[key] = {
                "role": p["role"],
                "billable": p["role"] in BILLABLE,
                "productInstance": instance(p["product_instance_id"]),
                "sources": [],
            }
        found[key]["sources"].append(source(p, group))
    return list(found.values())


BILLABLE = frozenset(billable_roles())


def source(path: Json, group: Callable[[Json], Json]) -> Json:
    admin_role = path["admin_role"]
    if admin_role is not None:
        rule = RULE_OF_ADMIN_ROLE[admin_role]
    else:
        rule = "R-ACCESS-3" if path["kind"] == "DEFAULT_GROUP" else "R-ACCESS-1"
    found = {"kind": path["kind"], "rule": rule}
    return {**found, **group(path)}


async def admin_page(db: Database, request: Request, variables: dict[str, Any]) -> dict[str, Any]:
    credential, prefix = credential_of(request)
    org = parse_id(variables["org"])
    after = parse_id_cursor(variables.get("after"))
    auth = await db.fetch(
        "SELECT t.secret_hash, t.revoked_at, t.expires_at, EXISTS (SELECT 1 FROM org_user u "
        "JOIN role_assignment ra ON ra.user_id = u.id WHERE u.account_id = t.account_id "
        "AND u.organization_id = ? AND u.status = 'ACTIVE' AND ra.role = 'ORG_ADMIN') AS admin "
        "FROM personal_token t WHERE t.prefix = ?",
        [org, prefix],
    )
    if not checked(auth[0] if auth else None, credential) or not auth[0]["admin"]:
        return refused("Not an organization admin of that organization.")
    page, total = await asyncio.gather(
        db.fetch(
            "SELECT u.id, u.status, a.email, a.display_name FROM org_user u "
            "JOIN account a ON a.id = u.account_id WHERE u.organization_id = ? AND u.id > ? "
            "ORDER BY u.id LIMIT ?",
            [org, after, PAGE + 1],
        ),
        db.fetch("SELECT COUNT(*) AS n FROM org_user WHERE organization_id = ?", [org]),
    )
    users = page[:PAGE]
    ids = [u["id"] for u in users]
    groups, roles, paths = await asyncio.gather(
        fetch_in(
            db,
            "SELECT x.user_id, g.id, g.name FROM (SELECT user_id, group_id, ROW_NUMBER() OVER "
            "(PARTITION BY user_id ORDER BY group_id) AS rn FROM group_membership "
            "WHERE user_id IN {keys}) x JOIN user_group g ON g.id = x.group_id "
            f"WHERE x.rn <= {GROUPS_PER_USER} ORDER BY x.user_id, x.rn",
            ids,
        ),
        fetch_in(
            db,
            "SELECT user_id, role, site_id, product_instance_id FROM role_assignment "
            "WHERE user_id IN {keys} ORDER BY id",
            ids,
        ),
        fetch_in(db, EFFECTIVE_OF_USERS, ids),
    )
    edges = [{"node": user_node(u, groups, roles, paths)} for u in users]
    end = cursor(ids[-1]) if ids else None
    connection = {
        "totalCount": total[0]["n"],
        "pageInfo": {"hasNextPage": len(page) > PAGE, "endCursor": end},
        "edges": edges,
    }
    return {"data": {"organization": {"users": connection}}}


def parse_id_cursor(value: str | None) -> int:
    if value is None:
        return 0
    return int(base64.urlsafe_b64decode(value).decode().partition(":")[2])


def user_node(user: dict[str, Any], groups: Rows, roles: Rows, paths: Rows) -> dict[str, Any]:
    pk = user["id"]

    def instance(instance_id: int) -> dict[str, Any]:
        return {"id": global_id("ProductInstance", instance_id)}

    def group(path: dict[str, Any]) -> dict[str, Any]:
        found = path["group_id"]
        return {"group": {"id": global_id("Group", found)} if found is not None else None}

    return {
        "id": global_id("User", pk),
        "email": user["email"],
        "displayName": user["display_name"],
        "status": user["status"],
        "groups": {
            "edges": [
                {"node": {"id": global_id("Group", g["id"]), "name": g["name"]}}
                for g in groups
                if g["user_id"] == pk
            ]
        },
        "adminRoles": [{"role": r["role"], "scope": scope(r)} for r in roles if r["user_id"] == pk],
        "productAccess": access([p for p in paths if p["user_id"] == pk], instance, group),
    }


def scope(role: dict[str, Any]) -> dict[str, Any]:
    if role["product_instance_id"] is not None:
        return {
            "__typename": "ProductInstance",
            "id": global_id("ProductInstance", role["product_instance_id"]),
        }
    if role["site_id"] is not None:
        return {"__typename": "Site", "id": global_id("Site", role["site_id"])}
    return {"__typename": "Organization"}


async def user_access(db: Database, request: Request, variables: dict[str, Any]) -> dict[str, Any]:
    credential, prefix = credential_of(request)
    pk = parse_id(variables["user"])
    key, user = await asyncio.gather(
        db.fetch(
            "SELECT organization_id, secret_hash, revoked_at, expires_at FROM api_key "
            "WHERE prefix = ?",
            [prefix],
        ),
        db.fetch(
            "SELECT u.id, u.organization_id, u.status, a.email FROM org_user u "
            "JOIN account a ON a.id = u.account_id WHERE u.id = ?",
            [pk],
        ),
    )
    if not checked(key[0] if key else None, credential):
        return refused("Not a valid API key.")
    if not user or user[0]["organization_id"] != key[0]["organization_id"]:
        return {"data": {"node": None}, "errors": [{"message": "Not found."}]}
    paths = await fetch_in(db, EFFECTIVE_OF_USERS, [pk])
    instance_ids = sorted({p["product_instance_id"] for p in paths})
    group_ids = sorted({p["group_id"] for p in paths if p["group_id"] is not None})
    instances, groups = await asyncio.gather(
        fetch_in(
            db,
            "SELECT pi.id, pi.product_id, s.name FROM product_instance pi "
            "JOIN site s ON s.id = pi.site_id WHERE pi.id IN {keys}",
            instance_ids,
        ),
        fetch_in(db, "SELECT id, name FROM user_group WHERE id IN {keys}", group_ids),
    )
    by_instance = {i["id"]: i for i in instances}
    names = {g["id"]: g["name"] for g in groups}

    def instance(instance_id: int) -> dict[str, Any]:
        found = by_instance[instance_id]
        return {
            "id": global_id("ProductInstance", instance_id),
            "product": {"key": found["product_id"]},
            "site": {"name": found["name"]},
        }

    def group(path: dict[str, Any]) -> dict[str, Any]:
        found = path["group_id"]
        named = {"name": names[found]} if found is not None else None
        return {"adminRole": path["admin_role"], "group": named}

    row = user[0]
    node = {
        "id": global_id("User", pk),
        "email": row["email"],
        "status": row["status"],
        "productAccess": access(paths, instance, group),
    }
    return {"data": {"node": node}}


Handler = Callable[[Database, Request, dict[str, Any]], Awaitable[dict[str, Any]]]
HANDLERS: dict[str, Handler] = {"AdminPage": admin_page, "UserAccess": user_access}
