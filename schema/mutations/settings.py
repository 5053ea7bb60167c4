"""setAnonymousAccess (R-ACCESS-7), createApiKey and revokeApiKey (R-KEY-1)."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from models.credentials import ApiKey
from models.product import ProductInstance
from permissions.errors import NotFound
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import settings
from resolvers import targets as find
from resolvers.context import Context
from resolvers.receipts import row
from schema import nodes
from schema.ids import decode
from schema.mutations.common import INPUT, MutationInput, Payload, answer, issue, run
from schema.targets import Input, InputOrganization

Ctx = Info[Context, None]


@strawberry.input(description="Anonymous access to one product instance (R-ACCESS-7).")
class SetAnonymousAccessInput(MutationInput):
    product_instance_id: strawberry.ID = strawberry.field(
        description="A Confluence, Jira or Jira Service Management instance."
    )
    enabled: bool = strawberry.field(description="Let people who are not logged in in.")


@strawberry.type(description="The result of setAnonymousAccess.")
class SetAnonymousAccessPayload(Payload):
    product_instance: nodes.ProductInstance | None = strawberry.field(
        default=None, description="The product instance as changed; null when refused."
    )


@strawberry.input(description="A new organization API key (R-KEY-1).")
class CreateApiKeyInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(
        description="The organization the key acts in."
    )
    name: str = strawberry.field(description="Unique among the organization's unrevoked keys.")
    read_only: bool = strawberry.field(default=False, description="The key may only read.")
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When the key stops working; without a zone, UTC.",
    )


@strawberry.type(description="The result of createApiKey.")
class CreateApiKeyPayload(Payload):
    api_key: nodes.ApiKey | None = strawberry.field(
        default=None, description="The new key, without its secret; null when refused."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="The whole key, for `Authorization: Bearer`. Shown here once and stored "
        "only as a hash; null on a retry with the same clientMutationId. "
        "Feature: update_api_keys.",
    )


@strawberry.input(description="The API key to revoke.")
class RevokeApiKeyInput(MutationInput):
    api_key_id: strawberry.ID = strawberry.field(
        description="An unrevoked key (Organization.apiKeys)."
    )


@strawberry.type(description="The result of revokeApiKey.")
class RevokeApiKeyPayload(Payload):
    api_key: nodes.ApiKey | None = strawberry.field(
        default=None, description="The key, now revoked; null when refused."
    )


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Switch anonymous access on or off; Confluence, Jira and Jira Service "
        "Management only (R-ACCESS-7). Feature: configure_product_settings.",
        extensions=[guard(FeatureId.CONFIGURE_PRODUCT_SETTINGS, on=Input("productInstanceId"))],
    )
    async def set_anonymous_access(
        self, info: Ctx, input: Annotated[SetAnonymousAccessInput, INPUT]
    ) -> SetAnonymousAccessPayload:
        ctx = info.context
        pk = decode(input.product_instance_id, "ProductInstance")
        instance = await ctx.loaders.product_instance.load(pk)
        if instance is None:  # the guard found it; deleted since
            raise NotFound("No such product instance.")
        done = await run(
            info,
            input,
            lambda: settings.set_anonymous_access(ctx, instance, input.enabled),
            row(ProductInstance),
        )
        changed = done.then(nodes.ProductInstance.of)
        return answer(SetAnonymousAccessPayload, input, done, product_instance=changed)

    @strawberry.mutation(
        description="Create an organization API key (R-KEY-1); its secret is in this payload "
        "once. Feature: update_api_keys.",
        extensions=[guard(FeatureId.UPDATE_API_KEYS, on=Input("organizationId"))],
    )
    async def create_api_key(
        self, info: Ctx, input: Annotated[CreateApiKeyInput, INPUT]
    ) -> CreateApiKeyPayload:
        done, key, secret = await issue(
            info,
            input,
            settings.API_KEY,
            lambda org_id: settings.create_api_key(
                info.context, org_id, input.name, input.read_only, input.expires_at
            ),
            nodes.ApiKey.of,
        )
        return answer(CreateApiKeyPayload, input, done, api_key=key, secret=secret)

    @strawberry.mutation(
        description="Revoke an API key: it is refused from its next request on. A key may "
        "revoke itself. Feature: update_api_keys.",
        extensions=[guard(FeatureId.UPDATE_API_KEYS, on=InputOrganization("apiKeyId", "ApiKey"))],
    )
    async def revoke_api_key(
        self, info: Ctx, input: Annotated[RevokeApiKeyInput, INPUT]
    ) -> RevokeApiKeyPayload:
        ctx = info.context
        key = await find.visible_api_key(ctx, decode(input.api_key_id, "ApiKey"))
        done = await run(info, input, lambda: settings.revoke_api_key(ctx, key), row(ApiKey))
        return answer(RevokeApiKeyPayload, input, done, api_key=done.then(nodes.ApiKey.of))
