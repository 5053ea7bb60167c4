"""Mutation root: one `input` argument, a payload with the changed object and `errors`."""

from collections.abc import Awaitable
from typing import Self, TypeVar

import strawberry
from strawberry.types import Info

from models.enums import Experience
from permissions.guards import Authenticated, guard
from resolvers import directory, organizations
from resolvers.context import Context
from resolvers.errors import DomainError, Problem
from resolvers.targets import visible_organization
from schema import nodes, targets
from schema.enums import AccountType, ErrorCode
from schema.ids import decode

Ctx = Info[Context, None]
T = TypeVar("T")


@strawberry.type(description="A domain refusal; `field` is the input path, `rule` the R- rule.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None
    rule: str | None

    @classmethod
    def of(cls, problem: Problem) -> Self:
        return cls(
            code=problem.code, message=problem.message, field=problem.field, rule=problem.rule
        )


async def attempt(ctx: Context, work: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Run a resolver; domain refusals (rolled back) become the payload's errors."""
    try:
        result = await work
    except DomainError as refused:
        return None, [UserError.of(p) for p in refused.problems]
    ctx.loaders.clear()  # the payload must show the state after the change
    return result, []


@strawberry.input
class CreateOrganizationInput:
    name: str
    experience: Experience = Experience.CENTRALIZED
    government_cloud: bool = False


@strawberry.type
class CreateOrganizationPayload:
    organization: nodes.Organization | None
    errors: list[UserError]


@strawberry.input
class CreateSiteInput:
    organization_id: strawberry.ID
    name: str = strawberry.field(description="Host name, like acme.example.net.")


@strawberry.type
class CreateSitePayload:
    site: nodes.Site | None
    errors: list[UserError]


@strawberry.input
class AddProductInput:
    site_id: strawberry.ID
    product_key: str = strawberry.field(description="A key of productCatalog, like jira.")


@strawberry.type
class AddProductPayload:
    product_instance: nodes.ProductInstance | None
    errors: list[UserError]


@strawberry.input
class ProductAccessInput:
    product_instance_id: strawberry.ID
    role: str = "USER"


@strawberry.input
class InviteUserInput:
    organization_id: strawberry.ID
    email: str
    display_name: str | None = None
    account_type: AccountType = AccountType.ATLASSIAN
    product_access: list[ProductAccessInput] | None = None


@strawberry.type
class InviteUserPayload:
    user: nodes.User | None
    errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create an organization; you become its organization "
        "admin and join org-admins (R-ROLE-1). Any signed-in account.",
        permission_classes=[Authenticated],
    )
    async def create_organization(
        self, info: Ctx, input: CreateOrganizationInput
    ) -> CreateOrganizationPayload:
        org, errors = await attempt(
            info.context,
            organizations.create_organization(
                info.context, input.name, input.experience, input.government_cloud
            ),
        )
        return CreateOrganizationPayload(
            organization=nodes.Organization.of(org) if org else None, errors=errors
        )

    @strawberry.mutation(
        description="Add a site. Feature: add_new_products.",
        permission_classes=[guard("add_new_products", targets.input_organization)],
    )
    async def create_site(self, info: Ctx, input: CreateSiteInput) -> CreateSitePayload:
        org_id = decode(input.organization_id, "Organization")
        site, errors = await attempt(
            info.context, organizations.create_site(info.context, org_id, input.name)
        )
        return CreateSitePayload(site=nodes.Site.of(site) if site else None, errors=errors)

    @strawberry.mutation(
        description="Install a product on a site, with its default groups. "
        "Feature: add_new_products.",
        permission_classes=[guard("add_new_products", targets.input_site)],
    )
    async def add_product(self, info: Ctx, input: AddProductInput) -> AddProductPayload:
        site_id = decode(input.site_id, "Site")
        instance, errors = await attempt(
            info.context, organizations.add_product(info.context, site_id, input.product_key)
        )
        return AddProductPayload(
            product_instance=nodes.ProductInstance.of(instance) if instance else None, errors=errors
        )

    @strawberry.mutation(
        description="Invite an account into the organization, optionally with "
        "product access (R-ACCESS-2). Feature: add_remove_users_from_products.",
        permission_classes=[
            guard("add_remove_users_from_products", targets.input_granted_instances)
        ],
    )
    async def invite_user(self, info: Ctx, input: InviteUserInput) -> InviteUserPayload:
        org = await visible_organization(
            info.context, decode(input.organization_id, "Organization")
        )
        grants = [
            directory.ProductGrant(decode(g.product_instance_id, "ProductInstance"), g.role)
            for g in input.product_access or []
        ]
        user, errors = await attempt(
            info.context,
            directory.invite_user(
                info.context, org, input.email, input.display_name, input.account_type, grants
            ),
        )
        if user is None:
            return InviteUserPayload(user=None, errors=errors)
        row = await info.context.loaders.user.load(user.id)
        return InviteUserPayload(user=nodes.User.of(row) if row else None, errors=errors)
