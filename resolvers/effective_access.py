"""Effective product access: what a user can use, and every source of it (DOMAIN.md, "Product
access").

Access comes along paths, each a (user, product instance, role) with its source:
- GROUP: a group the user is in holds the role on the product (R-ACCESS-1);
- DEFAULT_GROUP: that group is the product's default group for the role (R-ACCESS-3);
- ADMIN_ROLE: an organization admin holds USER and PRODUCT_ADMIN on every product of the
  organization (R-ROLE-4); a product admin holds PRODUCT_ADMIN on a product outside the Jira
  family (R-ROLE-11);
- SITE_ROLE: in ORIGINAL, a site admin (R-ROLE-12) and a trusted user (R-ROLE-13) hold USER and
  PRODUCT_ADMIN on every product of their site.
A user access admin holds nothing by that role (R-ROLE-8). Paths are kept while a user is
suspended, but only an active, licensed user holds effective access: portal-only customers
never do (R-ACCESS-6), suspended and deactivated users do not while inactive (R-ACCESS-11).

The rules are written once, as SQL: PATHS gives every path, EFFECTIVE those of active licensed
users. `User.productAccess`, `ProductInstance.users` and `billableUserCount` all read EFFECTIVE,
so they agree by construction; `explainAccess` reads PATHS and says which exclusion applies.
"""

from dataclasses import dataclass
from enum import StrEnum

from models.directory import Account, OrgUser
from models.enums import AccountType, AdminRole, UserStatus
from permissions.rules import JIRA_FAMILY
from resolvers.catalog import catalog
from resolvers.pages import placeholders

# The product roles an admin role implies (R-ROLE-4, R-ROLE-12, R-ROLE-13).
IMPLIED_ROLES = ("USER", "PRODUCT_ADMIN")


class SourceKind(StrEnum):
    DEFAULT_GROUP = "DEFAULT_GROUP"
    GROUP = "GROUP"
    ADMIN_ROLE = "ADMIN_ROLE"
    SITE_ROLE = "SITE_ROLE"


# Role literals are cast to the column's own type: PostgreSQL pushes a filter on a UNION ALL
# column (role IN billable, role = ?) into every branch only when all branches give it one type.
_ROLE = "VARCHAR(64)"
_IMPLIED = " UNION ALL ".join(f"SELECT CAST('{role}' AS {_ROLE}) AS role" for role in IMPLIED_ROLES)
_COLUMNS = "user_id, product_instance_id, site_id, role, kind, group_id, admin_role"
# Every path, one UNION ALL branch per kind of source. Filters on the outer query (user_id IN,
# product_instance_id IN) are pushed into each branch by both databases.
PATHS = (
    "SELECT m.user_id AS user_id, r.product_instance_id AS product_instance_id, "
    "pi.site_id AS site_id, r.role AS role, "
    "CASE WHEN d.id IS NULL THEN 'GROUP' ELSE 'DEFAULT_GROUP' END AS kind, "
    "r.group_id AS group_id, CAST(NULL AS VARCHAR(24)) AS admin_role "
    "FROM group_membership m "
    "JOIN group_product_role r ON r.group_id = m.group_id "
    "JOIN product_instance pi ON pi.id = r.product_instance_id "
    "LEFT JOIN default_group d ON d.group_id = r.group_id "
    "AND d.product_instance_id = r.product_instance_id AND d.role = r.role "
    "UNION ALL "
    "SELECT ra.user_id, pi.id, pi.site_id, x.role, 'ADMIN_ROLE', CAST(NULL AS INTEGER), ra.role "
    "FROM role_assignment ra "
    "JOIN product_instance pi ON pi.organization_id = ra.organization_id "
    f"CROSS JOIN ({_IMPLIED}) x WHERE ra.role = 'ORG_ADMIN' "
    "UNION ALL "
    "SELECT ra.user_id, pi.id, pi.site_id, x.role, 'SITE_ROLE', CAST(NULL AS INTEGER), ra.role "
    "FROM role_assignment ra "
    "JOIN organization o ON o.id = ra.organization_id AND o.experience = 'ORIGINAL' "
    "JOIN product_instance pi ON pi.site_id = ra.site_id "
    f"CROSS JOIN ({_IMPLIED}) x WHERE ra.role IN ('SITE_ADMIN', 'TRUSTED_USER') "
    "UNION ALL "
    f"SELECT ra.user_id, pi.id, pi.site_id, CAST('PRODUCT_ADMIN' AS {_ROLE}), 'ADMIN_ROLE', "
    "CAST(NULL AS INTEGER), ra.role FROM role_assignment ra "
    "JOIN product_instance pi ON pi.id = ra.product_instance_id "
    "JOIN product p ON p.key = pi.product_id "
    f"WHERE ra.role = 'PRODUCT_ADMIN' AND (p.family IS NULL OR p.family <> '{JIRA_FAMILY}')"
)
# Every status but ACTIVE, as a list an index can serve (`<> 'ACTIVE'` cannot).
_INACTIVE = ", ".join(f"'{s}'" for s in UserStatus if s is not UserStatus.ACTIVE)
# A path's user is not one who holds nothing whatever their paths: inactive (R-ACCESS-11) or a
# portal-only customer (R-ACCESS-6). A condition on the path rather than a join with the whole
# directory: PostgreSQL then applies a reader's own filter (user_id IN, product_instance_id IN)
# first and probes the directory for those users only, or, for a product's thousands of users,
# hashes the two small excluded sets once, which migration 0005's indexes read without the
# tables. The foreign keys make it equal to joining org_user and account and keeping the rest.
NOT_EXCLUDED = (
    "NOT EXISTS (SELECT 1 FROM org_user x "
    f"WHERE x.id = e.user_id AND x.status IN ({_INACTIVE})) "
    "AND NOT EXISTS (SELECT 1 FROM account a JOIN org_user x ON x.account_id = a.id "
    f"WHERE x.id = e.user_id AND a.account_type = '{AccountType.CUSTOMER}')"
)
# The paths of users who hold effective access: active (R-ACCESS-11) and licensed (R-ACCESS-6).
EFFECTIVE = (
    f"SELECT {', '.join(f'e.{c}' for c in _COLUMNS.split(', '))} FROM ({PATHS}) e "
    f"WHERE {NOT_EXCLUDED}"
)
PATHS_OF_USERS = f"SELECT {_COLUMNS} FROM ({PATHS}) p WHERE user_id IN {{keys}}"
EFFECTIVE_OF_USERS = f"SELECT {_COLUMNS} FROM ({EFFECTIVE}) p WHERE user_id IN {{keys}}"
EFFECTIVE_OF_USER_AT = (
    f"SELECT {_COLUMNS} FROM ({EFFECTIVE}) p WHERE user_id = ? AND product_instance_id = ?"
)
# ProductInstance.users: one row per (product instance, user) with effective access.
INSTANCE_USERS = f"(SELECT DISTINCT product_instance_id, user_id FROM ({EFFECTIVE}) e) AS iu"


def billable_roles() -> tuple[str, ...]:
    """Roles that count towards the plan (catalog.yaml); GUEST and STAKEHOLDER do not."""
    return tuple(sorted({r.key for p in catalog().values() for r in p.roles if r.billable}))


def billable_count_sql(keys: str) -> tuple[str, tuple[str, ...]]:
    """Billable users per product instance (parameters: the roles, then the keys)."""
    roles = billable_roles()
    sql = (
        "SELECT product_instance_id AS k, COUNT(DISTINCT user_id) AS n "
        f"FROM ({EFFECTIVE}) e WHERE role IN {placeholders(roles)} "
        f"AND product_instance_id IN {keys} "
        "GROUP BY product_instance_id"
    )
    return sql, roles


RULE_OF_ADMIN_ROLE = {
    AdminRole.ORG_ADMIN: "R-ROLE-4",
    AdminRole.PRODUCT_ADMIN: "R-ROLE-11",
    AdminRole.SITE_ADMIN: "R-ROLE-12",
    AdminRole.TRUSTED_USER: "R-ROLE-13",
}


@dataclass(frozen=True)
class Path:
    """One way a user holds a product role."""

    user_id: int
    product_instance_id: int
    site_id: int
    role: str
    kind: SourceKind
    group_id: int | None
    admin_role: AdminRole | None

    @classmethod
    def of(cls, row: dict[str, object]) -> "Path":
        group_id, admin_role = row["group_id"], row["admin_role"]
        return cls(
            user_id=int(str(row["user_id"])),
            product_instance_id=int(str(row["product_instance_id"])),
            site_id=int(str(row["site_id"])),
            role=str(row["role"]),
            kind=SourceKind(str(row["kind"])),
            group_id=int(str(group_id)) if group_id is not None else None,
            admin_role=AdminRole(str(admin_role)) if admin_role is not None else None,
        )

    @property
    def rule(self) -> str:
        if self.admin_role is not None:
            return RULE_OF_ADMIN_ROLE[self.admin_role]
        return "R-ACCESS-3" if self.kind is SourceKind.DEFAULT_GROUP else "R-ACCESS-1"

    @property
    def order(self) -> tuple[int, str, str, int, str]:
        return (
            self.product_instance_id,
            self.role,
            self.kind,
            self.group_id or 0,
            self.admin_role or "",
        )


@dataclass(frozen=True)
class Access:
    """One product role on one product instance, with every path that gives it."""

    product_instance_id: int
    site_id: int
    role: str
    sources: tuple[Path, ...]

    @property
    def billable(self) -> bool:
        return self.role in billable_roles()


def grouped(paths: list[Path]) -> list[Access]:
    """Paths by (product instance, role), in a stable order."""
    by_role: dict[tuple[int, str], list[Path]] = {}
    for path in sorted(set(paths), key=lambda p: p.order):
        by_role.setdefault((path.product_instance_id, path.role), []).append(path)
    return [
        Access(instance_id, found[0].site_id, role, tuple(found))
        for (instance_id, role), found in by_role.items()
    ]


@dataclass(frozen=True)
class Exclusion:
    """Why a user holds no effective access whatever their paths."""

    rule: str
    reason: str


def exclusion(user: OrgUser, account: Account) -> Exclusion | None:
    """The Python twin of EFFECTIVE's WHERE clause, for explainAccess and billing."""
    if account.account_type is AccountType.CUSTOMER:
        return Exclusion(
            "R-ACCESS-6",
            "A portal-only customer is not a licensed user and holds no product access.",
        )
    if user.status is not UserStatus.ACTIVE:
        return Exclusion(
            "R-ACCESS-11",
            f"The user is {user.status.value.lower()}: they keep their groups and roles but "
            "hold no access while not active.",
        )
    return None
