"""Every row of every table that belongs to one organization, to compare before and after.

OWNED names, per table, the SQL condition picking one organization's rows (`?` is its id).
test_isolation checks that it covers every table of models/, so a new table must say here
what of it belongs to an organization.
"""

import importlib
import inspect
from typing import Any

from tortoise.models import Model

from models import MODEL_MODULES
from resolvers.pages import rows
from schema.ids import encode, parse
from tests.support.isolation_world import Isolation

_USERS = "SELECT account_id FROM org_user WHERE organization_id = ?"
_PRINCIPALS = (
    "SELECT 'account:' || account_id FROM org_user WHERE organization_id = ? "
    "UNION SELECT 'api-key:' || id FROM api_key WHERE organization_id = ?"
)
OWNED: dict[str, str] = {
    "organization": "id = ?",
    "site": "organization_id = ?",
    "product_instance": "organization_id = ?",
    "org_user": "organization_id = ?",
    "directory_word": "organization_id = ?",
    "user_group": "organization_id = ?",
    "role_assignment": "organization_id = ?",
    "api_key": "organization_id = ?",
    "scim_token": "organization_id = ?",
    "scim_user": "organization_id = ?",
    "scim_group": "organization_id = ?",
    "audit_event": "organization_id = ?",
    "access_request": "organization_id = ?",
    "user_access_setting": "organization_id = ?",
    "group_membership": "group_id IN (SELECT id FROM user_group WHERE organization_id = ?)",
    "group_product_role": "group_id IN (SELECT id FROM user_group WHERE organization_id = ?)",
    "default_group": "product_instance_id IN "
    "(SELECT id FROM product_instance WHERE organization_id = ?)",
    # Accounts are global: those of its directory and of who asked it for access.
    "account": f"id IN ({_USERS}) OR id IN "
    "(SELECT account_id FROM access_request WHERE organization_id = ?)",
    "personal_token": f"account_id IN ({_USERS})",
    "sign_in_code": f"account_id IN ({_USERS})",
    "mutation_receipt": f"principal IN ({_PRINCIPALS})",
}
# Tables holding no organization's rows, and why.
SHARED = {
    "product": "the product catalog, synced from models/catalog.yaml: no organization's",
    "rate_limit_counter": "requests per credential or address in the current window "
    "(README: Credentials and rate limits): every request counts, whoever it names",
    "persisted_document": "GraphQL documents by their SHA-256 (docs/http-api.md): the text of "
    "a query, no organization's data",
}
# The table of each node type: node(id) is tried on every row of B of each.
NODE_TABLES = {
    "Account": "account",
    "Organization": "organization",
    "Site": "site",
    "ProductInstance": "product_instance",
    "User": "org_user",
    "Group": "user_group",
    "AdminRoleAssignment": "role_assignment",
    "AuditEvent": "audit_event",
    "ApiKey": "api_key",
    "ScimToken": "scim_token",
    "AccessRequest": "access_request",
}


def tables() -> set[str]:
    """The table of every model in models/."""
    found = set()
    for module in MODEL_MODULES:
        for _, member in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            if issubclass(member, Model) and member is not Model and member.__module__ == module:
                found.add(member._meta.db_table)
    return found


async def snapshot(organization_id: int) -> dict[str, list[dict[str, Any]]]:
    """The organization's rows of every table, in primary key order."""
    taken = {}
    for table, condition in OWNED.items():
        params = [organization_id] * condition.count("?")
        found = await rows(f"SELECT * FROM {table} WHERE {condition} ORDER BY id", params)
        taken[table] = [{k: str(v) for k, v in row.items()} for row in found]
    return taken


def changes(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per table that changed: the rows gone and the rows new (a changed row is both)."""
    found = {}
    for table, old in before.items():
        new = after[table]
        gone = [row for row in old if row not in new]
        added = [row for row in new if row not in old]
        if gone or added:
            found[table] = {"gone": gone, "new": added}
    return found


def organization_pk(ids: dict[str, str]) -> int:
    return parse(ids["organization"])[1]


Rows = dict[str, dict[str, list[dict[str, Any]]]]  # organization -> table -> rows


async def snapshots(world: Isolation) -> Rows:
    """A's rows and B's: a refused request changes neither."""
    return {
        "A": await snapshot(organization_pk(world.a.ids)),
        "B": await snapshot(organization_pk(world.b.ids)),
    }


def changed(before: Rows, after: Rows) -> dict[str, Any]:
    return {org: diff for org in before if (diff := changes(before[org], after[org]))}


async def b_objects(world: Isolation) -> list[str]:
    """The global id of every object of B, of every node type."""
    taken = await snapshot(organization_pk(world.b.ids))
    return [
        encode(type_name, int(row["id"]))
        for type_name, table in NODE_TABLES.items()
        for row in taken[table]
    ]
