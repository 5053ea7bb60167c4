"""inviteUser (R-ACCESS-2)."""

from collections.abc import Sequence

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from permissions.guards import guard
from resolvers import directory
from resolvers.access_diff import entry_of, these
from resolvers.context import Context
from resolvers.receipts import row
from resolvers.targets import visible_organization
from resolvers.validation import clean_email
from schema import nodes, targets
from schema.enums import AccountType
from schema.ids import decode
from schema.mutations.common import MutationInput, Payload, answer, guarded, run, user_node

Ctx = Info[Context, None]


@strawberry.input
class ProductAccessInput:
    product_instance_id: strawberry.ID
    role: str = "USER"


@strawberry.input
class InviteUserInput(MutationInput):
    organization_id: strawberry.ID
    email: str
    display_name: str | None = None
    account_type: AccountType = AccountType.ATLASSIAN
    product_access: list[ProductAccessInput] | None = None


@strawberry.type
class InviteUserPayload(Payload):
    user: nodes.User | None = None


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Invite an account into the organization, optionally with "
        "product access (R-ACCESS-2). Feature: add_remove_users_from_products.",
        extensions=[guard("add_remove_users_from_products", targets.input_granted_instances)],
    )
    async def invite_user(self, info: Ctx, input: InviteUserInput) -> InviteUserPayload:
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
