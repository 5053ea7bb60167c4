"""Test data built through the same resolver functions the API uses."""

import itertools
from dataclasses import dataclass
from datetime import timedelta

from models.directory import Account, OrgUser
from models.enums import AccountType, ActorKind, AdminRole, Experience
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.auth import issue_personal_token
from permissions.principal import Actor, Principal
from resolvers import admin_roles, directory, organizations
from resolvers.context import Context
from schema.ids import encode

_numbers = itertools.count(1)


def gid(type_name: str, pk: int) -> str:
    return encode(type_name, pk)


async def account(email: str | None = None, kind: AccountType = AccountType.ATLASSIAN) -> Account:
    email = email or f"person{next(_numbers)}@example.com"
    return await directory.create_account(email, email.split("@")[0].title(), kind)


async def token(person: Account) -> str:
    return await issue_personal_token(person, "test", lifetime=timedelta(days=1))


def acting(person: Account) -> Context:
    actor = Actor(ActorKind.ACCOUNT, person.id, person.email)
    return Context(principal=Principal(actor=actor, account_id=person.id), request_id="test")


@dataclass
class World:
    """An organization with a site, a product and its admin (holding a token)."""

    org: Organization
    admin: Account
    admin_token: str
    site: Site
    jira: ProductInstance
    ctx: Context

    async def member(
        self,
        email: str | None = None,
        grants: list[tuple[ProductInstance, str]] | None = None,
        kind: AccountType = AccountType.ATLASSIAN,
    ) -> tuple[OrgUser, str]:
        """Invite an account into the organization; returns its directory entry and a token."""
        person = await account(email, kind)
        product_grants = [directory.ProductGrant(i.id, r) for i, r in grants or []]
        user = await directory.invite_user(
            self.ctx, self.org, person.email, None, kind, product_grants
        )
        return user, await token(person)

    async def role(self, user: OrgUser, role: AdminRole, scope_id: int) -> None:
        await admin_roles.assign_role(self.ctx, user, role, scope_id, "test")


async def world(
    experience: Experience = Experience.CENTRALIZED,
    government_cloud: bool = False,
    name: str = "Acme",
) -> World:
    admin = await account()
    ctx = acting(admin)
    org = await organizations.create_organization(ctx, name, experience, government_cloud)
    site = await organizations.create_site(
        ctx, org.id, f"{name.lower()}{next(_numbers)}.example.net"
    )
    jira = await organizations.add_product(ctx, site.id, "jira")
    return World(org, admin, await token(admin), site, jira, ctx)
