"""Where users, groups and admin roles sit, in SQL shared by the engine's targets and the lists.

A SCOPED role narrows organization-wide lists to its sites and product instances (the matrix
header). The narrowing is a WHERE condition of the list's own query, and the targets the engine
decides about for single objects are read with the same SQL, so a list and `node(id)` agree.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

# (user_id, site_id, product_instance_id): where each directory user belongs, through the
# ORIGINAL site groups they are in, the product roles of their groups, and their admin roles
# below the organization.
USER_SCOPE = (
    "SELECT m.user_id AS user_id, g.site_id AS site_id, "
    "CAST(NULL AS INTEGER) AS product_instance_id "
    "FROM group_membership m JOIN user_group g ON g.id = m.group_id WHERE g.site_id IS NOT NULL "
    "UNION ALL "
    "SELECT m.user_id, pi.site_id, pi.id FROM group_membership m "
    "JOIN group_product_role r ON r.group_id = m.group_id "
    "JOIN product_instance pi ON pi.id = r.product_instance_id "
    "UNION ALL "
    "SELECT ra.user_id, COALESCE(ra.site_id, pi.site_id), ra.product_instance_id "
    "FROM role_assignment ra LEFT JOIN product_instance pi ON pi.id = ra.product_instance_id "
    "WHERE ra.role <> 'ORG_ADMIN'"
)
_INSTANCES_OF_SITES = "(SELECT id FROM product_instance WHERE site_id IN {sites})"

# Conditions on a list's rows, by table; {sites} and {instances} become parameter lists.
USERS_IN_SCOPE = (
    f"id IN (SELECT s.user_id FROM ({USER_SCOPE}) s "
    "WHERE s.site_id IN {sites} OR s.product_instance_id IN {instances})"
)
GROUPS_IN_SCOPE = "site_id IN {sites}"
MEMBERSHIPS_IN_SCOPE = "group_id IN (SELECT id FROM user_group WHERE site_id IN {sites})"
ASSIGNMENTS_IN_SCOPE = (
    "(site_id IN {sites} OR product_instance_id IN {instances} "
    f"OR product_instance_id IN {_INSTANCES_OF_SITES})"
)
# Rows about one product instance (access requests, approved domains, R-ACCESS-10).
PRODUCT_ROWS_IN_SCOPE = (
    f"(product_instance_id IN {{instances}} OR product_instance_id IN {_INSTANCES_OF_SITES})"
)

_PLACEHOLDER = re.compile(r"\{(sites|instances)\}")


@dataclass(frozen=True)
class Scope:
    """The sites and product instances a list is narrowed to."""

    site_ids: tuple[int, ...] = ()
    instance_ids: tuple[int, ...] = ()


def bind(condition: str, scope: Scope) -> tuple[str, list[int]]:
    """The condition with `?` lists in place of its placeholders, and their parameters in order.

    An empty set becomes `(NULL)`, which nothing is IN, on both databases."""
    params: list[int] = []

    def expand(match: re.Match[str]) -> str:
        ids: Sequence[int] = scope.site_ids if match[1] == "sites" else scope.instance_ids
        params.extend(ids)
        return "(" + ",".join("?" * len(ids)) + ")" if ids else "(NULL)"

    return _PLACEHOLDER.sub(expand, condition), params
