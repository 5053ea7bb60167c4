"""updateUserAccessSettings, requestProductAccess, approveAccessRequest and denyAccessRequest:
access through approved email domains and requests (R-ACCESS-10)."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from models.access_settings import AccessRequest
from permissions.guards import Authenticated, guard
from permissions.matrix import FeatureId
from resolvers import access_requests, access_settings
from resolvers import targets as find
from resolvers.access_diff import entry_of
from resolvers.context import Context
from resolvers.receipts import Replay, row
from schema import targets
from schema.access_requests import AccessRequest as AccessRequestNode
from schema.access_requests import UserAccessSettings
from schema.ids import decode
from schema.mutations.common import INPUT, MutationInput, Payload, answer, guarded, run

Ctx = Info[Context, None]
REQUEST_ID = "A pending request (organization.accessRequests)."


@strawberry.input(description="An email domain whose accounts may join (R-ACCESS-10).")
class ApprovedDomainInput:
    domain: str = strawberry.field(description="Like example.com; stored lower-case.")
    requires_approval: bool = strawberry.field(
        default=True,
        description="An admin approves each request first (the default); false: asking "
        "gives the product's default access at once.",
    )


@strawberry.input(description="The approved email domains of one product instance (R-ACCESS-10).")
class UpdateUserAccessSettingsInput(MutationInput):
    product_instance_id: strawberry.ID = strawberry.field(
        description="The product instance the domains give access to."
    )
    approved_domains: list[ApprovedDomainInput] = strawberry.field(
        description=f"The whole new list, at most {access_settings.MAX_DOMAINS}, each domain "
        "once; empty removes every approved domain."
    )


@strawberry.type(description="The result of updateUserAccessSettings.")
class UpdateUserAccessSettingsPayload(Payload):
    user_access_settings: UserAccessSettings | None = strawberry.field(
        default=None, description="The product instance's settings as saved; null when refused."
    )


@strawberry.input(description="The product the caller asks for (R-ACCESS-10).")
class RequestProductAccessInput(MutationInput):
    product_instance_id: strawberry.ID = strawberry.field(
        description="A product of your organization, or one approved for your email domain "
        "(viewer.joinableProducts)."
    )


@strawberry.type(description="The result of requestProductAccess.")
class RequestProductAccessPayload(Payload):
    access_request: AccessRequestNode | None = strawberry.field(
        default=None,
        description="The request: PENDING, or APPROVED at once for a domain approved without "
        "approval; null when refused.",
    )


@strawberry.input(description="The request to approve.")
class ApproveAccessRequestInput(MutationInput):
    request_id: strawberry.ID = strawberry.field(description=REQUEST_ID)


@strawberry.type(description="The result of approveAccessRequest.")
class ApproveAccessRequestPayload(Payload):
    access_request: AccessRequestNode | None = strawberry.field(
        default=None, description="The request, now APPROVED; null when refused."
    )


@strawberry.input(description="The request to deny.")
class DenyAccessRequestInput(MutationInput):
    request_id: strawberry.ID = strawberry.field(description=REQUEST_ID)


@strawberry.type(description="The result of denyAccessRequest.")
class DenyAccessRequestPayload(Payload):
    access_request: AccessRequestNode | None = strawberry.field(
        default=None, description="The request, now DENIED; null when refused."
    )


def _domain(entry: ApprovedDomainInput) -> access_settings.ApprovedDomain:
    return access_settings.ApprovedDomain(entry.domain, entry.requires_approval)


async def _reload_settings(ids: list[int]) -> access_settings.InstanceSettings:
    return await access_settings.instance_settings(ids[0])


# A receipt keeps the product instance whose settings changed.
SETTINGS = Replay(lambda found: [found.instance.id], _reload_settings)
REQUEST = row(AccessRequest)


async def _request(ctx: Context, request_id: str) -> AccessRequest:
    """The guard's finder loaded it through this request's loader: no second read."""
    return await access_requests.visible_request(ctx, decode(request_id, "AccessRequest"))


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Replace the approved email domains of a product instance (R-ACCESS-10); "
        "none in a government cloud organization (R-ACCESS-8). "
        "Feature: configure_user_access_settings.",
        extensions=[
            guard(FeatureId.CONFIGURE_USER_ACCESS_SETTINGS, on=targets.input_configured_instance)
        ],
    )
    async def update_user_access_settings(
        self, info: Ctx, input: Annotated[UpdateUserAccessSettingsInput, INPUT]
    ) -> UpdateUserAccessSettingsPayload:
        ctx = info.context
        pk = decode(input.product_instance_id, "ProductInstance")
        instance = await find.visible_instance(ctx, pk)
        organization = await find.visible_organization(ctx, instance.organization_id)
        wanted = [_domain(entry) for entry in input.approved_domains]

        done = await run(
            info,
            input,
            lambda: access_settings.update_user_access_settings(
                ctx, organization, instance, wanted
            ),
            SETTINGS,
        )
        changed = done.then(UserAccessSettings.of)
        return answer(UpdateUserAccessSettingsPayload, input, done, user_access_settings=changed)

    @strawberry.mutation(
        description="Ask for a product (R-ACCESS-10). A member of its organization, or an "
        "account whose email domain the organization approved for it, may ask; NOT_FOUND for "
        "anyone else. A domain approved without approval gives the product's default access "
        "at once (joining the organization if needed); otherwise the request waits for an "
        "admin. No matrix feature.",
        extensions=[Authenticated()],
    )
    async def request_product_access(
        self, info: Ctx, input: Annotated[RequestProductAccessInput, INPUT]
    ) -> RequestProductAccessPayload:
        ctx = info.context
        pk = decode(input.product_instance_id, "ProductInstance")
        found = await access_requests.requestable(ctx, pk)
        done = await run(
            info, input, lambda: access_requests.request_product_access(ctx, found), REQUEST
        )
        made = done.then(AccessRequestNode.of)
        return answer(RequestProductAccessPayload, input, done, access_request=made)

    @strawberry.mutation(
        description="Approve a pending request: the requester joins the organization if needed "
        "and the product's default group for USER (R-ACCESS-3, R-ACCESS-10). "
        "Feature: approve_deny_access_requests.",
        extensions=[
            guard(FeatureId.APPROVE_DENY_ACCESS_REQUESTS, on=targets.input_request_instance)
        ],
    )
    async def approve_access_request(
        self, info: Ctx, input: Annotated[ApproveAccessRequestInput, INPUT]
    ) -> ApproveAccessRequestPayload:
        ctx = info.context
        request = await _request(ctx, input.request_id)
        requester = entry_of(request.organization_id, account_id=request.account_id)
        done = await run(
            info,
            input,
            lambda: access_requests.approve_access_request(ctx, request),
            REQUEST,
            await guarded(
                ctx,
                requester,
                request.organization_id,
                FeatureId.APPROVE_DENY_ACCESS_REQUESTS,
                requester,
            ),
        )
        approved = done.then(AccessRequestNode.of)
        return answer(ApproveAccessRequestPayload, input, done, access_request=approved)

    @strawberry.mutation(
        description="Deny a pending request (R-ACCESS-10). Feature: approve_deny_access_requests.",
        extensions=[
            guard(FeatureId.APPROVE_DENY_ACCESS_REQUESTS, on=targets.input_request_instance)
        ],
    )
    async def deny_access_request(
        self, info: Ctx, input: Annotated[DenyAccessRequestInput, INPUT]
    ) -> DenyAccessRequestPayload:
        ctx = info.context
        request = await _request(ctx, input.request_id)
        done = await run(
            info, input, lambda: access_requests.deny_access_request(ctx, request), REQUEST
        )
        denied = done.then(AccessRequestNode.of)
        return answer(DenyAccessRequestPayload, input, done, access_request=denied)
