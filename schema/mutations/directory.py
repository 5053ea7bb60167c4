"""inviteUser (R-ACCESS-2)."""

from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import directory
from resolvers.access_diff import entry_of, these
from resolvers.context import Context
from resolvers.receipts import row
from resolvers.targets import visible_organization
from resolvers.validation import clean_email
from schema import nodes, targets
from schema.enums import AccountType
from schema.ids import decode
from schema.mutations.common import INPUT, MutationInput, Payload, answer, guarded, run, user_node

Ctx = Info[Context, None]


@strawberry.input(description="A product role to give the invited user (R-ACCESS-3).")
class ProductAccessInput:
    product_instance_id: strawberry.ID = strawberry.field(
        description="A product instance of the organization."
    )
    role: str = strawberry.field(
        default="USER",
        description="A role the product offers (productCatalog); USER when left out.",
    )


@strawberry.input(description="An account to add to an organization's directory (R-ACCESS-2).")
class InviteUserInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(
        description="The organization whose directory the user joins."
    )
    email: str = strawberry.field(
        description="Finds the account, or makes one; DUPLICATE when already in the directory."
    )
    display_name: str | None = strawberry.field(
        default=None, description="This organization's name for the user; left out: none."
    )
    account_type: AccountType = strawberry.field(
        default=AccountType.ATLASSIAN,
        description="ATLASSIAN (the person's own account) when left out; CUSTOMER and APP "
        "name this organization's own account of that kind. ACCOUNT_TYPE_MISMATCH when "
        "the email names an account of another kind here.",
    )
    product_access: list[ProductAccessInput] | None = strawberry.field(
        default=None, description="Products given in the same step; left out: none."
    )


@strawberry.type(description="The result of inviteUser.")
class InviteUserPayload(Payload):
    user: nodes.User | None = strawberry.field(
        default=None,
        description="The new user of the directory, with the products given; null when refused.",
    )


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Invite an account into the organization, optionally with "
        "product access (R-ACCESS-2). Feature: add_remove_users_from_products.",
        extensions=[
            guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=targets.input_granted_instances)
        ],
    )
    async def invite_user(
        self, info: Ctx, input: Annotated[InviteUserInput, INPUT]
    ) -> InviteUserPayload:
        ctx = info.context
        org = await visible_organization(ctx, decode(input.organization_id, "Organization"))
        grants = [
            directory.ProductGrant(decode(g.product_instance_id, "ProductInstance"), g.role)
            for g in input.product_access or []
        ]

        async def invited() -> Sequence[int]:  # read once the invite succeeded: a valid email
            return await entry_of(org.id, email=clean_email(input.email))()

        done = await run(
            info,
            input,
            lambda: directory.invite_user(
                ctx, org, input.email, input.display_name, input.account_type, grants
            ),
            row(OrgUser),
            await guarded(ctx, these([]), org.id, joined=invited),
        )
        return answer(InviteUserPayload, input, done, user=await user_node(ctx, done.result))
