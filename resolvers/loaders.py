"""Per-request DataLoaders: created with each request's context, never at module level."""

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader as StrawberryDataLoader
from tortoise.models import Model

from models.access_settings import AccessRequest
from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.credentials import ApiKey
from models.directory import Account, OrgUser
from models.enums import AccountType, Experience
from models.group import DefaultGroup, Group, GroupProductRole
from models.organization import Organization, Site
from models.prepared import select_in
from models.product import ProductInstance
from models.provisioning import ScimToken
from permissions.targets import Target
from resolvers.effective_access import (
    EFFECTIVE_OF_USERS,
    PATHS,
    PATHS_OF_USERS,
    Path,
    billable_count_sql,
)
from resolvers.known import Known
from resolvers.pages import (
    CountKey,
    Link,
    Page,
    PageKey,
    count_children,
    load_pages,
    placeholders,
    rows,
)
from resolvers.scopes import USER_SCOPE

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class DataLoader(StrawberryDataLoader[K, T]):
    """Every field loading a key awaits one future. GraphQL cancels a failing field's siblings
    (a FORBIDDEN field nulling its non-null parent), and a cancelled task cancels the future
    it awaits: shielded, that future still reaches the other fields awaiting it, which would
    otherwise get CancelledError and fail the whole request."""

    def load(self, key: K) -> Awaitable[T]:
        return asyncio.shield(super().load(key))

    def load_many(self, keys: Iterable[K]) -> Awaitable[list[T]]:
        """One shield around the gathered futures, not one per key: a page's read-ahead loads
        hundreds of keys, and each shield costs a future and its callbacks."""
        return asyncio.shield(asyncio.gather(*map(super().load, keys)))


def by_id(
    model: type[M], *related: str, primes: Callable[[M], None] | None = None
) -> DataLoader[int, M | None]:
    """Rows by id; `related` are read in the same statement, and `primes` hands them to the
    loaders of their own kind (so that, say, a user's organization is not read again)."""

    async def load(ids: list[int]) -> Sequence[M | None]:
        rows = await select_in(model, "id", ids, related)
        found = {row.pk: row for row in rows}
        if primes is not None:
            for row in rows:
                primes(row)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def many_by(model: type[M], column: str, order: str = "id") -> DataLoader[int, list[M]]:
    async def load(keys: list[int]) -> Sequence[list[M]]:
        grouped: dict[int, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{column}__in": keys}).order_by(order):
            grouped[getattr(row, column)].append(row)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def reached(sql: str) -> DataLoader[int, frozenset[int]]:
    """`sql` selects (k, v) pairs for the keys in `{keys}`; each key gets the set of its v."""

    async def load(keys: list[int]) -> Sequence[frozenset[int]]:
        unique = sorted(set(keys))
        found: dict[int, set[int]] = defaultdict(set)
        for row in await rows(sql.format(keys=placeholders(unique)), unique):
            if row["v"] is not None:
                found[int(row["k"])].add(int(row["v"]))
        return [frozenset(found.get(k, ())) for k in keys]

    return DataLoader(load_fn=load)


def paths_by_user(sql: str) -> DataLoader[int, list[Path]]:
    """Access paths of many users in one statement (resolvers/effective_access.py)."""

    async def load(keys: list[int]) -> Sequence[list[Path]]:
        unique = sorted(set(keys))
        found: dict[int, list[Path]] = defaultdict(list)
        for row in await rows(sql.format(keys=placeholders(unique)), unique):
            path = Path.of(row)
            found[path.user_id].append(path)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def billable_users() -> DataLoader[int, int]:
    """billableUserCount of many product instances in one statement."""

    async def load(keys: list[int]) -> Sequence[int]:
        unique = sorted(set(keys))
        sql, roles = billable_count_sql(placeholders(unique))
        counts = {int(r["k"]): int(r["n"]) for r in await rows(sql, [*roles, *unique])}
        return [counts.get(k, 0) for k in keys]

    return DataLoader(load_fn=load)


# What the engine's targets reach (permissions/targets.py): the product instances a group gives,
# those a product instance's default groups give, and where a directory user belongs.
GROUP_INSTANCES = (
    "SELECT group_id AS k, product_instance_id AS v FROM group_product_role "
    "WHERE group_id IN {keys}"
)
DEFAULT_GROUPS_REACH = (
    "SELECT d.product_instance_id AS k, r.product_instance_id AS v FROM default_group d "
    "JOIN group_product_role r ON r.group_id = d.group_id WHERE d.product_instance_id IN {keys}"
)
USER_SITES = (
    f"SELECT s.user_id AS k, s.site_id AS v FROM ({USER_SCOPE}) s WHERE s.user_id IN {{keys}}"
)
USER_INSTANCES = (
    f"SELECT s.user_id AS k, s.product_instance_id AS v FROM ({USER_SCOPE}) s "
    "WHERE s.user_id IN {keys}"
)

# The "Grant access" and "Add product" candidates of users and groups (resolvers/grantable.py).
USER_CANDIDATES = (
    "SELECT u.id AS k, pi.id AS v FROM org_user u "
    "JOIN account a ON a.id = u.account_id "
    "JOIN organization o ON o.id = u.organization_id "
    "JOIN product_instance pi ON pi.organization_id = u.organization_id "
    f"WHERE u.id IN {{keys}} AND a.account_type <> '{AccountType.CUSTOMER}' "
    "AND NOT o.government_cloud "
    f"AND NOT EXISTS (SELECT 1 FROM ({PATHS}) p "
    "WHERE p.user_id = u.id AND p.product_instance_id = pi.id)"
)
GROUP_CANDIDATES = (
    "SELECT g.id AS k, pi.id AS v FROM user_group g "
    "JOIN organization o ON o.id = g.organization_id "
    "JOIN product_instance pi ON pi.organization_id = g.organization_id "
    f"WHERE g.id IN {{keys}} "
    f"AND (o.experience <> '{Experience.ORIGINAL}' OR g.site_id = pi.site_id) "
    "AND NOT EXISTS (SELECT 1 FROM group_product_role r "
    "WHERE r.group_id = g.id AND r.product_instance_id = pi.id) "
    "AND NOT EXISTS (SELECT 1 FROM group_membership m JOIN org_user x ON x.id = m.user_id "
    "JOIN account a ON a.id = x.account_id "
    f"WHERE m.group_id = g.id AND a.account_type = '{AccountType.CUSTOMER}')"
)


def directory_entries() -> DataLoader[tuple[int, int], OrgUser | None]:
    """(organization id, account id) -> the account's entry in that organization's directory."""

    async def load(keys: list[tuple[int, int]]) -> Sequence[OrgUser | None]:
        organizations, accounts = {k[0] for k in keys}, {k[1] for k in keys}
        rows = await OrgUser.filter(
            organization_id__in=organizations, account_id__in=accounts
        ).select_related("account")
        found = {(row.organization_id, row.account_id): row for row in rows}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self) -> None:
        self.organization = by_id(Organization)
        self.account = by_id(Account)
        self.site = by_id(Site)
        # Who reads a product instance reads its site next (guards, ProductInstance.site), and
        # who reads a user, their organization: each in the same statement.
        self.product_instance = by_id(ProductInstance, "site", primes=self._prime_site)
        self.group = by_id(Group)
        self.user = by_id(OrgUser, "account", "organization", primes=self._prime_organization)
        self.role_assignment = by_id(RoleAssignment)
        self.audit_event = by_id(AuditEvent)
        self.api_key = by_id(ApiKey)
        self.scim_token = by_id(ScimToken)
        self.access_request = by_id(AccessRequest)
        self.directory_entry = directory_entries()
        self.sites_by_org = many_by(Site, "organization_id")
        self.instances_by_site = many_by(ProductInstance, "site_id")
        self.roles_by_user = many_by(RoleAssignment, "user_id")
        self.default_groups_by_instance = many_by(DefaultGroup, "product_instance_id")
        self.default_for_by_group = many_by(DefaultGroup, "group_id")
        self.product_roles_by_group = many_by(GroupProductRole, "group_id")
        self.group_instances = reached(GROUP_INSTANCES)
        self.default_groups_reach = reached(DEFAULT_GROUPS_REACH)
        self.user_sites = reached(USER_SITES)
        self.user_instances = reached(USER_INSTANCES)
        self.user_grant_candidates = reached(USER_CANDIDATES)
        self.group_grant_candidates = reached(GROUP_CANDIDATES)
        self.effective_paths = paths_by_user(EFFECTIVE_OF_USERS)
        self.access_paths = paths_by_user(PATHS_OF_USERS)
        self.billable_users = billable_users()
        self.targets: dict[tuple[object, ...], Known[Target]] = {}  # resolvers/targets.py
        self._pages: dict[Link, DataLoader[PageKey, Page]] = {}
        self._counts: dict[Link, DataLoader[CountKey, int]] = {}

    def _prime_site(self, instance: ProductInstance) -> None:
        self.site.prime(instance.site_id, instance.site)

    def _prime_organization(self, user: OrgUser) -> None:
        self.organization.prime(user.organization_id, user.organization)

    def page(self, link: Link) -> DataLoader[PageKey, Page]:
        if link not in self._pages:

            async def load(keys: list[PageKey]) -> Sequence[Page]:
                return await load_pages(link, keys)

            self._pages[link] = DataLoader(load_fn=load)
        return self._pages[link]

    def count(self, link: Link) -> DataLoader[CountKey, int]:
        if link not in self._counts:

            async def load(keys: list[CountKey]) -> Sequence[int]:
                return await count_children(link, keys)

            self._counts[link] = DataLoader(load_fn=load)
        return self._counts[link]

    def clear(self) -> None:
        """After a mutation: what this request read before it may have changed."""
        for value in vars(self).values():
            if isinstance(value, DataLoader):
                value.clear_all()
        self.targets.clear()
        self._pages.clear()
        self._counts.clear()
