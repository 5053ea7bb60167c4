"""createScimToken and revokeScimToken (issue 17): the credentials of the SCIM endpoint."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from models.provisioning import ScimToken
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import provisioning
from resolvers import targets as find
from resolvers.context import Context
from resolvers.receipts import row
from schema import nodes
from schema.ids import decode
from schema.mutations.common import INPUT, MutationInput, Payload, answer, issue, run
from schema.targets import Input, InputOrganization

Ctx = Info[Context, None]


@strawberry.input(description="A new SCIM provisioning token of an organization.")
class CreateScimTokenInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(
        description="The organization the identity provider provisions."
    )
    name: str = strawberry.field(
        description="Unique among the organization's unrevoked SCIM tokens."
    )


@strawberry.type(description="The result of createScimToken.")
class CreateScimTokenPayload(Payload):
    scim_token: nodes.ScimToken | None = strawberry.field(
        default=None, description="The new token, without its secret; null when refused."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="The whole token, for the identity provider's `Authorization: Bearer` at "
        "/scim/v2. Shown here once and stored only as a hash; null on a retry with the same "
        "clientMutationId. Feature: user_provisioning.",
    )


@strawberry.input(description="The SCIM token to revoke.")
class RevokeScimTokenInput(MutationInput):
    scim_token_id: strawberry.ID = strawberry.field(
        description="An unrevoked token (Organization.scimTokens)."
    )


@strawberry.type(description="The result of revokeScimToken.")
class RevokeScimTokenPayload(Payload):
    scim_token: nodes.ScimToken | None = strawberry.field(
        default=None, description="The token, now revoked; null when refused."
    )


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Create a SCIM provisioning token for an identity provider; its secret is "
        "in this payload once. Feature: user_provisioning.",
        extensions=[guard(FeatureId.USER_PROVISIONING, on=Input("organizationId"))],
    )
    async def create_scim_token(
        self, info: Ctx, input: Annotated[CreateScimTokenInput, INPUT]
    ) -> CreateScimTokenPayload:
        done, token, secret = await issue(
            info,
            input,
            provisioning.SCIM_TOKEN,
            lambda org_id: provisioning.create_scim_token(info.context, org_id, input.name),
            nodes.ScimToken.of,
        )
        return answer(CreateScimTokenPayload, input, done, scim_token=token, secret=secret)

    @strawberry.mutation(
        description="Revoke a SCIM token: the SCIM endpoint refuses it from its next request "
        "on. Feature: user_provisioning.",
        extensions=[
            guard(FeatureId.USER_PROVISIONING, on=InputOrganization("scimTokenId", "ScimToken"))
        ],
    )
    async def revoke_scim_token(
        self, info: Ctx, input: Annotated[RevokeScimTokenInput, INPUT]
    ) -> RevokeScimTokenPayload:
        ctx = info.context
        token = await find.visible_scim_token(ctx, decode(input.scim_token_id, "ScimToken"))
        done = await run(
            info, input, lambda: provisioning.revoke_scim_token(ctx, token), row(ScimToken)
        )
        revoked = done.then(nodes.ScimToken.of)
        return answer(RevokeScimTokenPayload, input, done, scim_token=revoked)
