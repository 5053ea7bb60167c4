"""Effective access, property-based: random organizations, read over GraphQL, checked against a
small reference model written here (issue 5).

The reference model is plain Python over plain data and does not import the resolvers it
checks. Its rules (DOMAIN.md, "Product access" and "Admin roles", as the team reads them):
- GROUP: a member of a group holds each product role the group holds (R-ACCESS-1);
  DEFAULT_GROUP when that group is the instance's default group for that role (R-ACCESS-3).
- ADMIN_ROLE: an organization admin holds USER and PRODUCT_ADMIN on every product instance of
  the organization (R-ROLE-4); a product admin holds PRODUCT_ADMIN on their instance only
  outside the Jira family (R-ROLE-11).
- SITE_ROLE: in ORIGINAL only, a site admin (R-ROLE-12) and a trusted user (R-ROLE-13) hold
  USER and PRODUCT_ADMIN on every product instance of their site; a CENTRALIZED site admin
  holds nothing by that role.
- A user access admin holds nothing by that role (R-ROLE-8).
- A portal-only customer holds nothing (R-ACCESS-6); a suspended or deactivated user holds
  nothing (R-ACCESS-11), though explainAccess still lists their paths.
- Billable roles: every catalog role but GUEST and STAKEHOLDER; billableUserCount counts the
  distinct users with effective access holding a billable role on the instance.

Each Hypothesis example builds its own organization straight into the tables (so also states
the mutations refuse, such as a customer in a group), reads it as an organization admin, and
deletes it again: the per-test table cleanup runs after the whole test, not between examples.
"""

import itertools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from tortoise.transactions import in_transaction

import models
from models.admin_role import RoleAssignment
from models.directory import Account, OrgUser
from models.enums import AccountType, AdminRole, Experience, UserStatus
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.auth import issue_personal_token
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

# --- The catalog as plain data, and the team's reading of the rules --------------------------

_CATALOG = yaml.safe_load((Path(models.__file__).parent / "catalog.yaml").read_text("utf-8"))
PRODUCT_ROLES: dict[str, tuple[str, ...]] = {
    p["key"]: tuple(p["roles"]) for p in _CATALOG["products"]
}
ALL_ROLES: tuple[str, ...] = tuple(sorted(_CATALOG["roles"]))
JIRA_FAMILY = frozenset({"jira", "jira-service-management", "jira-product-discovery"})
NOT_BILLABLE = frozenset({"GUEST", "STAKEHOLDER"})
IMPLIED = ("USER", "PRODUCT_ADMIN")  # what R-ROLE-4, R-ROLE-12 and R-ROLE-13 give
KINDS = ("DEFAULT_GROUP", "GROUP", "ADMIN_ROLE", "SITE_ROLE")
ORIGINAL, CENTRALIZED = "ORIGINAL", "CENTRALIZED"
# R-ROLE-7: no user access admin in ORIGINAL, no trusted user in CENTRALIZED.
ROLES_OF_EXPERIENCE = {
    ORIGINAL: ("ORG_ADMIN", "SITE_ADMIN", "PRODUCT_ADMIN", "TRUSTED_USER"),
    CENTRALIZED: ("ORG_ADMIN", "SITE_ADMIN", "PRODUCT_ADMIN", "USER_ACCESS_ADMIN"),
}
SITE_SCOPED = frozenset({"SITE_ADMIN", "TRUSTED_USER"})
INSTANCE_SCOPED = frozenset({"PRODUCT_ADMIN", "USER_ACCESS_ADMIN"})


def billable(role: str) -> bool:
    return role not in NOT_BILLABLE


# --- The generated organization: plain data, users, sites, instances and groups by index -----


@dataclass(frozen=True)
class UserSpec:
    account_type: str  # ATLASSIAN, CUSTOMER or APP
    status: str  # ACTIVE, SUSPENDED or DEACTIVATED


@dataclass(frozen=True)
class GroupSpec:
    site: int | None  # its site in ORIGINAL, None (the organization) in CENTRALIZED
    roles: frozenset[tuple[int, str]]  # (instance, product role)
    defaults: frozenset[tuple[int, str]]  # of those, where it is the default group
    members: frozenset[int]


@dataclass(frozen=True)
class OrgSpec:
    experience: str
    sites: int
    instances: tuple[tuple[int, str], ...]  # (site, product key)
    users: tuple[UserSpec, ...]  # users[0] reads everything: an active org admin
    groups: tuple[GroupSpec, ...]
    # (user, admin role, scope): scope is 0 for ORG_ADMIN, else a site or an instance index
    admin_roles: frozenset[tuple[int, str, int]]


# A source as the model sees it: (instance, role, kind, group index, admin role).
Source = tuple[int, str, str, int | None, str | None]


# --- The reference model ----------------------------------------------------------------------


def paths_of(org: OrgSpec, user: int) -> set[Source]:
    """Every path of the user, also those an exclusion keeps from giving access."""
    found: set[Source] = set()
    for index, group in enumerate(org.groups):
        if user in group.members:  # R-ACCESS-1, R-ACCESS-3
            for instance, role in group.roles:
                kind = "DEFAULT_GROUP" if (instance, role) in group.defaults else "GROUP"
                found.add((instance, role, kind, index, None))
    for holder, admin_role, scope in org.admin_roles:
        if holder != user:
            continue
        if admin_role == "ORG_ADMIN":  # R-ROLE-4
            for instance in range(len(org.instances)):
                found |= {(instance, role, "ADMIN_ROLE", None, admin_role) for role in IMPLIED}
        elif admin_role == "PRODUCT_ADMIN":  # R-ROLE-11
            if org.instances[scope][1] not in JIRA_FAMILY:
                found.add((scope, "PRODUCT_ADMIN", "ADMIN_ROLE", None, admin_role))
        elif admin_role in SITE_SCOPED and org.experience == ORIGINAL:  # R-ROLE-12, R-ROLE-13
            for instance, (site, _) in enumerate(org.instances):
                if site == scope:
                    found |= {(instance, role, "SITE_ROLE", None, admin_role) for role in IMPLIED}
        # USER_ACCESS_ADMIN (R-ROLE-8) and a CENTRALIZED SITE_ADMIN give nothing.
    return found


def exclusion_of(user: UserSpec) -> str | None:
    if user.account_type == "CUSTOMER":
        return "R-ACCESS-6"
    if user.status != "ACTIVE":
        return "R-ACCESS-11"
    return None


def rule_of(source: Source) -> str:
    _, _, kind, _, admin_role = source
    by_admin_role = {
        "ORG_ADMIN": "R-ROLE-4",
        "PRODUCT_ADMIN": "R-ROLE-11",
        "SITE_ADMIN": "R-ROLE-12",
        "TRUSTED_USER": "R-ROLE-13",
    }
    if admin_role is not None:
        return by_admin_role[admin_role]
    return "R-ACCESS-3" if kind == "DEFAULT_GROUP" else "R-ACCESS-1"


def ignored_of(org: OrgSpec, user: int, instance: int) -> Counter[tuple[str, str]]:
    """Admin roles on or over the instance that give no access there (explainAccess)."""
    site, product = org.instances[instance]
    found: Counter[tuple[str, str]] = Counter()
    for holder, admin_role, scope in org.admin_roles:
        if holder != user:
            continue
        if admin_role == "USER_ACCESS_ADMIN" and scope == instance:
            found[(admin_role, "R-ROLE-8")] += 1
        elif admin_role == "PRODUCT_ADMIN" and scope == instance and product in JIRA_FAMILY:
            found[(admin_role, "R-ROLE-11")] += 1
        elif admin_role == "SITE_ADMIN" and scope == site and org.experience == CENTRALIZED:
            found[(admin_role, "R-ROLE-12")] += 1
    return found


@dataclass
class Reference:
    """What the model expects of one organization."""

    org: OrgSpec

    def paths(self, user: int, instance: int | None = None) -> set[Source]:
        found = paths_of(self.org, user)
        return found if instance is None else {s for s in found if s[0] == instance}

    def effective(self, user: int, instance: int | None = None) -> set[Source]:
        if exclusion_of(self.org.users[user]) is not None:
            return set()
        return self.paths(user, instance)

    def users_of(self, instance: int, role: str | None = None, kind: str | None = None) -> set[int]:
        return {
            user
            for user in range(len(self.org.users))
            if any(
                (role is None or s[1] == role) and (kind is None or s[2] == kind)
                for s in self.effective(user, instance)
            )
        }

    def billable_at(self, user: int, instance: int) -> bool:
        return any(billable(s[1]) for s in self.effective(user, instance))

    def billable_count(self, instance: int) -> int:
        return sum(self.billable_at(user, instance) for user in range(len(self.org.users)))


# --- The strategy ----------------------------------------------------------------------------


@st.composite
def organizations(draw: st.DrawFn) -> OrgSpec:
    experience = draw(st.sampled_from([ORIGINAL, CENTRALIZED]))
    sites = draw(st.integers(1, 3))
    # Products with roles beyond USER and PRODUCT_ADMIN (GUEST, STAKEHOLDER, AGENT,
    # CONTRIBUTOR) come up three times as often. At most one instance of a product per site:
    # the slots drawn are unique.
    slots = [
        (site, key)
        for site in range(sites)
        for key, roles in PRODUCT_ROLES.items()
        for _ in range(3 if set(roles) - set(IMPLIED) else 1)
    ]
    instances = tuple(draw(st.lists(st.sampled_from(slots), min_size=1, max_size=4, unique=True)))
    # Groups with their product roles and default-group marks; members come with the users.
    groups: list[tuple[int | None, frozenset[tuple[int, str]], frozenset[tuple[int, str]]]] = []
    for _ in range(draw(st.integers(0, 5))):
        site = draw(st.integers(0, sites - 1)) if experience == ORIGINAL else None
        # An ORIGINAL group holds roles on its own site's products only, as the API allows.
        offered = sorted(
            (instance, role)
            for instance, (at, key) in enumerate(instances)
            if site is None or at == site
            for role in PRODUCT_ROLES[key]
        )
        roles = (
            draw(st.sets(st.sampled_from(offered), min_size=1, max_size=4)) if offered else set()
        )
        # Default-group marks only where the group holds the role (R-ACCESS-3).
        defaults = draw(st.sets(st.sampled_from(sorted(roles)))) if roles else set()
        groups.append((site, frozenset(roles), frozenset(defaults)))
    # Admin roles valid for the experience (R-ROLE-7), each over a scope of its kind.
    scopes = {"ORG_ADMIN": range(1), **dict.fromkeys(SITE_SCOPED, range(sites))}
    scopes.update(dict.fromkeys(INSTANCE_SCOPED, range(len(instances))))
    assignable = [
        (role, scope) for role in ROLES_OF_EXPERIENCE[experience] for scope in scopes[role]
    ]
    # Each user is drawn in one piece (account, status, admin roles, groups), so that
    # shrinking can drop any of them. The first reads the organization: an active org admin.
    person = st.tuples(
        st.builds(
            UserSpec,
            st.sampled_from(["ATLASSIAN", "ATLASSIAN", "ATLASSIAN", "CUSTOMER", "APP"]),
            st.sampled_from(["ACTIVE", "ACTIVE", "SUSPENDED", "DEACTIVATED"]),
        ),
        st.sets(st.sampled_from(assignable), max_size=2),
        st.sets(st.integers(0, len(groups) - 1), max_size=3) if groups else st.just(set()),
    )
    reader = person.map(
        lambda p: (UserSpec("ATLASSIAN", "ACTIVE"), {*p[1], ("ORG_ADMIN", 0)}, p[2])
    )
    people = [draw(reader), *draw(st.lists(person, max_size=7))]
    return OrgSpec(
        experience=experience,
        sites=sites,
        instances=instances,
        users=tuple(user for user, _, _ in people),
        groups=tuple(
            GroupSpec(
                site,
                roles,
                defaults,
                frozenset(u for u, (_, _, joined) in enumerate(people) if index in joined),
            )
            for index, (site, roles, defaults) in enumerate(groups)
        ),
        admin_roles=frozenset(
            (u, role, scope) for u, (_, held, _) in enumerate(people) for role, scope in held
        ),
    )


# --- Building the organization in the database -----------------------------------------------

_numbers = itertools.count(1)


@dataclass
class Built:
    spec: OrgSpec
    org: Organization
    accounts: list[Account]
    instance_ids: list[str]  # global ids, by instance index
    user_ids: list[str]  # global ids, by user index
    emails: list[str]
    group_names: list[str]
    token: str


async def build(spec: OrgSpec) -> Built:
    n = next(_numbers)
    async with in_transaction():
        org = await Organization.create(name=f"Prop {n}", experience=Experience(spec.experience))
        sites = [
            await Site.create(organization=org, name=f"p{n}-site{i}.example.net")
            for i in range(spec.sites)
        ]
        instances = [
            await ProductInstance.create(organization=org, site=sites[site], product_id=key)
            for site, key in spec.instances
        ]
        accounts = [
            await Account.create(
                email=f"p{n}-user{i}@example.com",
                display_name=f"User {i}",
                account_type=AccountType(u.account_type),
            )
            for i, u in enumerate(spec.users)
        ]
        users = [
            await OrgUser.create(organization=org, account=a, status=UserStatus(u.status))
            for a, u in zip(accounts, spec.users, strict=True)
        ]
        groups = []
        for i, g in enumerate(spec.groups):
            site = sites[g.site] if g.site is not None else None
            groups.append(
                await Group.create(
                    organization=org,
                    site=site,
                    scope_ref=site.id if site is not None else 0,  # site id, or 0 (org level)
                    name=f"group{i}",
                    name_key=f"group{i}",
                )
            )
        await GroupMembership.bulk_create(
            [
                GroupMembership(group_id=groups[i].id, user_id=users[m].id)
                for i, g in enumerate(spec.groups)
                for m in sorted(g.members)
            ]
        )
        await GroupProductRole.bulk_create(
            [
                GroupProductRole(
                    group_id=groups[i].id, product_instance_id=instances[at].id, role=role
                )
                for i, g in enumerate(spec.groups)
                for at, role in sorted(g.roles)
            ]
        )
        await DefaultGroup.bulk_create(
            [
                DefaultGroup(group_id=groups[i].id, product_instance_id=instances[at].id, role=role)
                for i, g in enumerate(spec.groups)
                for at, role in sorted(g.defaults)
            ]
        )
        assignments = []
        for user, role, scope in sorted(spec.admin_roles):
            site_id = sites[scope].id if role in SITE_SCOPED else None
            instance_id = instances[scope].id if role in INSTANCE_SCOPED else None
            assignments.append(
                RoleAssignment(
                    organization_id=org.id,
                    user_id=users[user].id,
                    role=AdminRole(role),
                    site_id=site_id,
                    product_instance_id=instance_id,
                    scope_ref=site_id or instance_id or org.id,  # the scope's id
                )
            )
        await RoleAssignment.bulk_create(assignments)
    return Built(
        spec=spec,
        org=org,
        accounts=accounts,
        instance_ids=[gid("ProductInstance", i.id) for i in instances],
        user_ids=[gid("User", u.id) for u in users],
        emails=[a.email for a in accounts],
        group_names=[g.name for g in groups],
        token=await issue_personal_token(accounts[0], "property", lifetime=None),
    )


async def remove(built: Built) -> None:
    """The organization's rows go with it (foreign keys cascade); accounts are global."""
    await Organization.filter(id=built.org.id).delete()
    await Account.filter(id__in=[a.id for a in built.accounts]).delete()


# --- Reading it over GraphQL -----------------------------------------------------------------

SOURCE = "kind role rule adminRole group { name }"
USER_FIELDS = f"""
  email
  productAccess {{ role billable productInstance {{ id }} sources {{ {SOURCE} }} }}
  billing {{ productInstance {{ id }} billable }}
"""
CONNECTION = "totalCount pageInfo { hasNextPage } edges { node { email } }"
EXPLAIN_FIELDS = f"""
  hasAccess roles billable rule
  paths {{ {SOURCE} }}
  ignoredAdminRoles {{ adminRole rule }}
"""


def filters(product: str) -> list[tuple[str | None, str | None]]:
    """The filters of ProductInstance.users to try on an instance of `product`: none, each
    catalog role (those the product lacks must find no one), each kind, and each role of the
    product with each kind."""
    return [
        (None, None),
        *((role, None) for role in ALL_ROLES),
        *((None, kind) for kind in KINDS),
        *((role, kind) for role in PRODUCT_ROLES[product] for kind in KINDS),
    ]


def alias(role: str | None, kind: str | None) -> str:
    return f"f_{role or 'any'}_{kind or 'any'}"


def users_field(role: str | None, kind: str | None) -> str:
    args = ["first: 100"]
    if role is not None:
        args.append(f"role: {json.dumps(role)}")
    if kind is not None:
        args.append(f"sourceKind: {kind}")
    return f"{alias(role, kind)}: users({', '.join(args)}) {{ {CONNECTION} }}"


async def read(api: GraphQLClient, built: Built) -> tuple[Any, Any, Any]:
    """Every user's access, every instance's users (each filter) and every explanation."""
    users = " ".join(
        f"u{i}: node(id: {json.dumps(id_)}) {{ ... on User {{ {USER_FIELDS} }} }}"
        for i, id_ in enumerate(built.user_ids)
    )
    instances = " ".join(
        f"i{i}: node(id: {json.dumps(id_)}) {{ ... on ProductInstance {{ billableUserCount "
        f"{' '.join(users_field(role, kind) for role, kind in filters(product))} }} }}"
        for i, (id_, (_, product)) in enumerate(
            zip(built.instance_ids, built.spec.instances, strict=True)
        )
    )
    explained = " ".join(
        f"e{u}_{i}: explainAccess(userId: {json.dumps(user_id)}, "
        f"productInstanceId: {json.dumps(instance_id)}) {{ {EXPLAIN_FIELDS} }}"
        for u, user_id in enumerate(built.user_ids)
        for i, instance_id in enumerate(built.instance_ids)
    )
    found = [
        (await api(f"{{ {q} }}", token=built.token)).ok() for q in (users, instances, explained)
    ]
    return found[0], found[1], found[2]


# --- The property ----------------------------------------------------------------------------


class Comparison:
    """What the API said about one organization, compared with the model and with itself.

    Every disagreement is collected, so a failing example shows all of them at once; each
    names the field, the user and the instance by their index in the generated organization.
    """

    def __init__(self, spec: OrgSpec, built: Built) -> None:
        self.spec = spec
        self.model = Reference(spec)
        self.problems: list[str] = []
        self.user_of = {email: i for i, email in enumerate(built.emails)}
        self.instance_of = {id_: i for i, id_ in enumerate(built.instance_ids)}
        self.group_of = {name: i for i, name in enumerate(built.group_names)}
        self.everyone = range(len(spec.users))
        self.every_instance = range(len(spec.instances))
        # What User.productAccess and User.billing said, for the other fields to agree with.
        self.access: dict[int, set[Source]] = {}
        self.billed: dict[int, dict[int, bool]] = {}

    def equal(self, what: str, got: object, expected: object) -> None:
        if got != expected:
            self.problems.append(f"{what}: got {got!r}, expected {expected!r}")

    def sources(self, entries: Iterable[dict[str, Any]], instance: int) -> list[Source]:
        """API sources (or paths) as the model's, checking each one's rule on the way."""
        found: list[Source] = []
        for s in entries:
            group = self.group_of[s["group"]["name"]] if s["group"] is not None else None
            source: Source = (instance, s["role"], s["kind"], group, s["adminRole"])
            self.equal(f"rule of {source}", s["rule"], rule_of(source))
            found.append(source)
        return found

    def users(self, by_user: dict[str, Any]) -> None:
        """User.productAccess: each (instance, role) once with its effective sources, and
        User.billing's billable flags."""
        for u in self.everyone:
            node = by_user[f"u{u}"]
            entries = node["productAccess"]
            held = [(self.instance_of[a["productInstance"]["id"]], a["role"]) for a in entries]
            self.equal(
                f"user {u}: productAccess (instance, role) repeated", len(set(held)), len(held)
            )
            self.access[u] = set()
            for (at, role), entry in zip(held, entries, strict=True):
                where = f"user {u}, instance {at}, {role}"
                self.equal(f"{where}: productAccess.billable", entry["billable"], billable(role))
                listed = self.sources(entry["sources"], at)
                self.equal(f"{where}: a source repeated", len(set(listed)), len(listed))
                self.equal(f"{where}: roles of its sources", {s[1] for s in listed}, {role})
                self.access[u] |= set(listed)
            expected = ordered(self.model.effective(u))
            self.equal(f"user {u}: productAccess sources", ordered(self.access[u]), expected)
            self.billed[u] = {
                self.instance_of[b["productInstance"]["id"]]: b["billable"] for b in node["billing"]
            }
            self.equal(
                f"user {u}: User.billing instances billable",
                {i for i, yes in self.billed[u].items() if yes},
                {i for i in self.every_instance if self.model.billable_at(u, i)},
            )

    def holders(self, at: int, role: str | None, kind: str | None) -> set[int]:
        """The users productAccess said hold `role` at `at` through `kind` (None: any)."""
        return {
            u
            for u in self.everyone
            for s in self.access[u]
            if s[0] == at and role in (None, s[1]) and kind in (None, s[2])
        }

    def instances(self, by_instance: dict[str, Any]) -> None:
        """ProductInstance.users with every filter, and billableUserCount."""
        for at in self.every_instance:
            node = by_instance[f"i{at}"]
            for role, kind in filters(self.spec.instances[at][1]):
                where = f"instance {at}: users(role: {role}, sourceKind: {kind})"
                page = node[alias(role, kind)]
                shown = [self.user_of[e["node"]["email"]] for e in page["edges"]]
                self.equal(f"{where}: in user id order", shown, sorted(shown))
                self.equal(f"{where}: a user repeated", len(set(shown)), len(shown))
                self.equal(f"{where}: hasNextPage", page["pageInfo"]["hasNextPage"], False)
                self.equal(f"{where}: totalCount", page["totalCount"], len(shown))
                self.equal(where, set(shown), self.model.users_of(at, role, kind))
                self.equal(
                    f"{where} against productAccess", set(shown), self.holders(at, role, kind)
                )
            paying = {
                u
                for u in self.everyone
                if any(billable(s[1]) for s in self.access[u] if s[0] == at)
            }
            count = node["billableUserCount"]
            self.equal(f"instance {at}: billableUserCount", count, self.model.billable_count(at))
            self.equal(
                f"instance {at}: billableUserCount against productAccess", count, len(paying)
            )

    def explanations(self, explained: dict[str, Any]) -> None:
        """explainAccess for every (user, instance)."""
        for u in self.everyone:
            for at in self.every_instance:
                self.explanation(u, at, explained[f"e{u}_{at}"])

    def explanation(self, u: int, at: int, found: dict[str, Any]) -> None:
        where = f"explainAccess(user {u}, instance {at})"
        effective, paths = self.model.effective(u, at), self.model.paths(u, at)
        mine = {s for s in self.access[u] if s[0] == at}
        self.equal(f"{where}.hasAccess", found["hasAccess"], bool(effective))
        self.equal(f"{where}.hasAccess against productAccess", found["hasAccess"], bool(mine))
        self.equal(f"{where}.roles", found["roles"], sorted({s[1] for s in effective}))
        self.equal(
            f"{where}.roles against productAccess", found["roles"], sorted({s[1] for s in mine})
        )
        self.equal(f"{where}.billable", found["billable"], self.model.billable_at(u, at))
        self.equal(
            f"{where}.billable against User.billing",
            found["billable"],
            self.billed[u].get(at, False),
        )
        rule = exclusion_of(self.spec.users[u]) or (None if paths else "R-ACCESS-1")
        self.equal(f"{where}.rule", found["rule"], rule)
        # Whole paths, kept also while excluded: kind, role, group, admin role and rule.
        listed = ordered(self.sources(found["paths"], at))
        self.equal(f"{where}.paths", listed, ordered(paths))
        if found["hasAccess"]:
            self.equal(f"{where}.paths against productAccess", listed, ordered(mine))
        ignored = Counter((i["adminRole"], i["rule"]) for i in found["ignoredAdminRoles"])
        self.equal(f"{where}.ignoredAdminRoles", ignored, ignored_of(self.spec, u, at))
        self.equal(
            f"{where}: admin roles both ignored and giving a path",
            {role for role, _ in ignored} & {s[4] for s in listed},
            set(),
        )


def ordered(sources: Iterable[Source]) -> list[Source]:
    return sorted(sources, key=repr)


def covered(spec: OrgSpec) -> set[str]:
    """What an example exercises, for `pytest --hypothesis-show-statistics`."""
    model = Reference(spec)
    found = {f"experience {spec.experience}"}
    for u, user in enumerate(spec.users):
        paths = model.paths(u)
        found |= {f"path {kind}" for _, _, kind, _, _ in paths}
        if paths and exclusion_of(user):
            found.add(f"paths kept by an excluded user ({exclusion_of(user)})")
        found |= {
            f"ignored {rule}"
            for at in range(len(spec.instances))
            for _, rule in ignored_of(spec, u, at)
        }
    if any(not billable(s[1]) for u in range(len(spec.users)) for s in model.effective(u)):
        found.add("a non-billable role held")
    return found


def describe(spec: OrgSpec) -> str:
    """The organization in words, for the report of a failing example."""
    lines = [f"{spec.experience}, {spec.sites} site(s)"]
    lines += [f"instance {i}: {key} on site {site}" for i, (site, key) in enumerate(spec.instances)]
    lines += [f"user {i}: {u.account_type} {u.status}" for i, u in enumerate(spec.users)]
    for i, g in enumerate(spec.groups):
        where = "organization" if g.site is None else f"site {g.site}"
        lines.append(
            f"group {i} ({where}): members {sorted(g.members)}, roles {sorted(g.roles)}, "
            f"default for {sorted(g.defaults)}"
        )
    lines += [f"user {u} is {role} of scope {scope}" for u, role, scope in sorted(spec.admin_roles)]
    return "\n".join(lines)


@pytest.fixture
def api(roomy_api: GraphQLClient) -> GraphQLClient:
    """Three requests read a whole organization, with an alias per user, per instance and
    filter, and per (user, instance): far beyond the default query limits."""
    return roomy_api


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,  # no saved failures replayed: every run is the same 60 examples
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=organizations())
async def test_effective_access_agrees_with_the_reference_model(
    api: GraphQLClient, spec: OrgSpec
) -> None:
    """For every user and product instance of a random organization: User.productAccess,
    User.billing, ProductInstance.users (unfiltered, by role, by sourceKind, by both),
    billableUserCount and explainAccess agree with the reference model of R-ACCESS-1,
    R-ACCESS-3, R-ACCESS-6, R-ACCESS-11, R-ROLE-4, R-ROLE-8, R-ROLE-11, R-ROLE-12 and R-ROLE-13,
    and with each other."""
    note(describe(spec))
    for label in sorted(covered(spec)):
        event(label)
    built = await build(spec)
    try:
        by_user, by_instance, explained = await read(api, built)
    finally:
        await remove(built)
    comparison = Comparison(spec, built)
    comparison.users(by_user)
    comparison.instances(by_instance)
    comparison.explanations(explained)
    assert not comparison.problems, "\n".join(comparison.problems)
