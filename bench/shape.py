"""The shape of a benchmark organization, as rows: pure Python, deterministic for a seed.

One CENTRALIZED organization. Every site gets four products; each product instance gets one
default group per product role, holding that role, exactly as `addProduct` makes them
(resolvers/organizations.py). `org-admins` holds the organization admins (R-ROLE-15). Ordinary
groups are teams with a home site, most holding one or two product roles there; a few large
groups (all-staff, engineering, support) hold roles on the first site's products. Most users
are in 2 to 10 groups, one or two of them default groups (direct access); a few are in none or
one; some are suspended, deactivated, managed, or portal-only customers (in no group).
Ids are assigned here, so that rows can refer to each other without reading anything back.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models.enums import AccountType, AdminRole, Experience, UserStatus
from models.group import ORG_ADMINS_GROUP
from models.organization import Site
from resolvers.catalog import CatalogProduct, catalog
from resolvers.directory_search import fold, words_of
from resolvers.organizations import default_group_name

Row = tuple[object, ...]
ORGANIZATION_ID = 1
ADMIN_USER_ID = 1  # the organization admin whose token the runner uses
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
EVERY_SITE = ("jira", "confluence")
ROTATING = ("jira-service-management", "bitbucket", "jira-product-discovery", "opsgenie")
# Display names from these lists in turn (not drawn: the other draws stay as they were), some
# with accents, so a directory search (Organization.users query:) meets names as a console does.
FIRST_NAMES = (
    "Ada", "Alan", "Émile", "Grace", "Zoë", "Linus", "Barbara", "Ken", "Margaret", "Dennis",
    "Frances", "Edsger", "Radia", "Tim", "Sophie", "Donald", "Hedy", "John", "Katherine", "Niklaus",
    "Jean", "Lucía", "Björn", "Chloé", "Andrés", "Mónica", "Søren", "Agnès", "Ines", "Renée",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Turing", "Zola", "Hopper", "Bright", "Torvalds", "Liskov", "Thompson",
    "Hamilton", "Ritchie", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Wilson", "Knuth",
    "Lamarr", "Backus", "Johnson", "Wirth", "Sammet", "García", "Müller", "Ødegaard", "Núñez",
    "Dupré", "Kowalski", "O'Neil", "Nakamura", "Lefèvre", "Schäfer", "Åström", "Castaño",
    "Novák", "Papadopoulos", "Ivanova", "Okafor", "Mensah", "Haddad", "Yilmaz",
)  # fmt: skip
TEAMS = ("platform", "payments", "mobile", "data", "design", "sales", "finance", "legal", "ops")
BIG_GROUPS = ("all-staff", "engineering", "support")

COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "experience", "government_cloud", "created_at"),
    "site": ("id", "organization_id", "name", "created_at"),
    "product_instance": (
        "id",
        "organization_id",
        "site_id",
        "product_id",
        "anonymous_access",
        "created_at",
    ),
    "account": (
        "id",
        "email",
        "display_name",
        "account_type",
        "managed",
        "created_at",
        "owner_ref",
    ),
    "org_user": (
        "id",
        "organization_id",
        "account_id",
        "status",
        "created_at",
        "name_key",
        "email_key",
    ),
    "directory_word": ("id", "user_id", "organization_id", "word"),
    "user_group": (
        "id",
        "organization_id",
        "site_id",
        "scope_ref",
        "name",
        "name_key",
        "description",
        "protected",
        "created_at",
    ),
    "group_product_role": ("id", "group_id", "product_instance_id", "role"),
    "default_group": ("id", "product_instance_id", "group_id", "role"),
    "group_membership": ("id", "group_id", "user_id", "created_at"),
    "role_assignment": (
        "id",
        "organization_id",
        "user_id",
        "role",
        "site_id",
        "product_instance_id",
        "scope_ref",
        "created_at",
    ),
}


@dataclass(frozen=True)
class Size:
    name: str
    accounts: int
    groups: int  # ordinary groups, besides the default groups and org-admins
    sites: int
    big_members: int  # members of each of BIG_GROUPS
    grants: int  # (user, product instance) pairs without access, for grantProductAccess
    sample: int = 500  # users the read requests pick from


SIZES = {
    "small": Size("small", 1_000, 50, 2, 100, 600),
    "medium": Size("medium", 10_000, 500, 10, 1_000, 1_500),
    "large": Size("large", 100_000, 5_000, 50, 10_000, 3_000),
}


@dataclass
class Plan:
    size: Size
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    instances: list[tuple[int, int, CatalogProduct]] = field(default_factory=list)
    gives: dict[int, set[int]] = field(default_factory=dict)  # group -> instances it gives
    home_groups: dict[int, list[int]] = field(default_factory=dict)  # site -> team groups
    defaults: dict[int, dict[str, int]] = field(default_factory=dict)  # instance -> role -> group
    admins: set[int] = field(default_factory=set)  # users holding any admin role
    people: list[int] = field(default_factory=list)  # not customers (who join no group)
    licensed: list[int] = field(default_factory=list)  # of those, the active ones
    big_instance_id: int = 0
    big_group_id: int = 0
    sample_user_ids: list[int] = field(default_factory=list)
    grant_pairs: list[tuple[int, int]] = field(default_factory=list)

    def add(self, table: str, *values: object) -> int:
        found = self.rows[table]
        found.append((len(found) + 1, *values))
        return len(found)


def when(n: int) -> datetime:
    """A deterministic creation time, with microseconds as Tortoise writes them."""
    return EPOCH + timedelta(seconds=n, microseconds=1 + n % 999_999)


def plan(size: Size, seed: int) -> Plan:
    rng, found = random.Random(seed), Plan(size)
    tag = f"bench-{size.name}"
    found.add("organization", f"Bench {size.name}", Experience.CENTRALIZED.value, False, when(0))
    _products(found, tag)
    _accounts(found, rng, tag)
    _groups(found, rng)
    _admins(found, rng)
    members = _memberships(found, rng)
    _samples(found, rng, members)
    return found


def _products(found: Plan, tag: str) -> None:
    for s in range(1, found.size.sites + 1):
        site_name = f"site{s:02d}.{tag}.example.net"
        site = found.add("site", ORGANIZATION_ID, site_name, when(s))
        keys = (*EVERY_SITE, ROTATING[s % 4], ROTATING[(s + 1) % 4])
        for key in keys:
            product = catalog()[key]
            instance = found.add(
                "product_instance", ORGANIZATION_ID, site, key, False, when(100 + site)
            )
            found.instances.append((instance, site, product))
            found.home_groups.setdefault(site, [])


def _accounts(found: Plan, rng: random.Random, tag: str) -> None:
    for n in range(1, found.size.accounts + 1):
        customer = n > 1 and rng.random() < 0.005
        kind = AccountType.CUSTOMER if customer else AccountType.ATLASSIAN
        domain = "customer.example" if customer else f"{tag}.example"
        email = "admin" if n == ADMIN_USER_ID else f"user{n:06d}"
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n // 7 % len(LAST_NAMES)]}"
        address = f"{email}@{domain}"
        found.add("account", address, name, kind.value, rng.random() < 0.3, when(n), 0)  # own
        draw = rng.random()
        status = UserStatus.SUSPENDED if draw < 0.02 else UserStatus.ACTIVE
        status = UserStatus.DEACTIVATED if 0.02 <= draw < 0.03 else status
        if n == ADMIN_USER_ID:
            status = UserStatus.ACTIVE
        keys = (fold(name), fold(address))
        found.add("org_user", ORGANIZATION_ID, n, status.value, when(n), *keys)
        for word in sorted(words_of(address, name)):  # as resolvers/directory_search.py writes
            found.add("directory_word", n, ORGANIZATION_ID, word)
        if not customer:
            found.people.append(n)
            if status is UserStatus.ACTIVE:
                found.licensed.append(n)


def _group(found: Plan, name: str, description: str, protected: bool = False) -> int:
    """Organization-level, as every group of a CENTRALIZED organization."""
    n = len(found.rows["user_group"])
    key = name.casefold()  # the generated names are ASCII: their folded form (identity.fold)
    return found.add(
        "user_group", ORGANIZATION_ID, None, 0, name, key, description, protected, when(n)
    )


def _grant(found: Plan, group: int, instance: int, role: str, default: bool) -> None:
    found.add("group_product_role", group, instance, role)
    found.gives.setdefault(group, set()).add(instance)
    if default:
        found.add("default_group", instance, group, role)
        found.defaults.setdefault(instance, {})[role] = group


def _groups(found: Plan, rng: random.Random) -> None:
    _group(found, ORG_ADMINS_GROUP, "Organization admins (protected, R-ROLE-15).", True)
    # Unsaved rows, only for the name addProduct gives a default group.
    sites = {int(str(s[0])): Site(name=s[2]) for s in found.rows["site"]}
    for instance, site, product in found.instances:
        for role in product.role_keys:
            name = default_group_name(product, role, sites[site])
            text = f"Default group for {product.name} {role} on {sites[site].name}."
            _grant(found, _group(found, name, text), instance, role, True)
    first_site = [i for i, s, _ in found.instances if s == 1]
    found.big_instance_id = first_site[1]  # Confluence on the first site
    for n, name in enumerate(BIG_GROUPS):
        group = _group(found, name, f"Everyone in {name}.")
        found.big_group_id = found.big_group_id or group
        _grant(found, group, first_site[n % 2], "USER", False)
    for n in range(1, found.size.groups + 1 - len(BIG_GROUPS)):
        home = rng.randint(1, found.size.sites)
        group = _group(found, f"{TEAMS[n % len(TEAMS)]}-{n:04d}", "A team.")
        found.home_groups[home].append(group)
        here = [(i, p) for i, s, p in found.instances if s == home]
        for instance, product in rng.sample(here, rng.choice((0, 1, 1, 1, 2, 2))):
            role = rng.choice(("USER", "USER", "USER", *product.role_keys))
            _grant(found, group, instance, role, False)


def _admins(found: Plan, rng: random.Random) -> None:
    pool = [u for u in found.licensed if u != ADMIN_USER_ID]
    chosen = iter(rng.sample(pool, 3 + found.size.sites + 2 * len(found.instances)))

    def assign(user: int, role: AdminRole, site: int | None, instance: int | None) -> None:
        scope = instance or site or ORGANIZATION_ID
        n = len(found.rows["role_assignment"])
        found.add(
            "role_assignment", ORGANIZATION_ID, user, role.value, site, instance, scope, when(n)
        )
        found.admins.add(user)

    for user in (ADMIN_USER_ID, next(chosen), next(chosen), next(chosen)):
        assign(user, AdminRole.ORG_ADMIN, None, None)
    for site in range(1, found.size.sites + 1):
        assign(next(chosen), AdminRole.SITE_ADMIN, site, None)
    for instance, _, _ in found.instances:
        assign(next(chosen), AdminRole.PRODUCT_ADMIN, None, instance)
        if instance % 2:
            assign(next(chosen), AdminRole.USER_ACCESS_ADMIN, None, instance)


def _memberships(found: Plan, rng: random.Random) -> dict[int, set[int]]:
    """Each licensed user's groups; org-admins mirrors the organization admins."""
    members: dict[int, set[int]] = {}
    org_admins = [r[2] for r in found.rows["role_assignment"] if r[3] == AdminRole.ORG_ADMIN]
    for user in org_admins:
        members.setdefault(int(str(user)), set()).add(1)
    teams = [g for groups in found.home_groups.values() for g in groups]
    for user in found.people:
        home = rng.randint(1, found.size.sites)
        total = rng.choice((0, 1)) if rng.random() < 0.05 else rng.randint(2, 10)
        direct = min(total, rng.choice((0, 1, 1, 2)))
        here = [i for i, s, _ in found.instances if s == home]
        groups = members.setdefault(user, set())
        for instance in rng.sample(here, direct):
            by_role = found.defaults[instance]
            groups.add(
                by_role["USER"] if rng.random() < 0.8 else rng.choice(list(by_role.values()))
            )
        local = found.home_groups[home]
        for _ in range(total - direct):
            groups.add(rng.choice(local) if local and rng.random() < 0.7 else rng.choice(teams))
    first_big = found.big_group_id
    for n in range(len(BIG_GROUPS)):
        for user in rng.sample(found.licensed, found.size.big_members):
            members.setdefault(user, set()).add(first_big + n)
    for user in sorted(members):
        for group in sorted(members[user]):
            found.add("group_membership", group, user, when(user))
    return members


def _samples(found: Plan, rng: random.Random, members: dict[int, set[int]]) -> None:
    """Users for the read requests, and (user, product instance) pairs for grants: users with
    no admin role, without any access to that instance (they get it through its default group)."""
    plain = [u for u in found.licensed if u not in found.admins]
    found.sample_user_ids = sorted(rng.sample(plain, found.size.sample))
    every = [i for i, _, _ in found.instances]
    # Drawn independently of the sample (the two may overlap): the grants run after the reads.
    candidates = rng.sample(plain, len(plain))
    for user in candidates:
        held = set().union(*(found.gives.get(g, set()) for g in members.get(user, ())))
        lacking = [i for i in every if i not in held]
        if lacking:  # a user may already hold every product of a small organization
            found.grant_pairs.append((user, rng.choice(lacking)))
        if len(found.grant_pairs) == found.size.grants:
            return
    raise ValueError(f"only {len(found.grant_pairs)} users lack a product to be granted")
