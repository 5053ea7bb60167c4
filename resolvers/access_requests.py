"""Access requests (R-ACCESS-10): an account asks for a product instance; the admins the matrix
names (approve_deny_access_requests) approve or deny it.

Who may ask is no matrix feature (API.md): an active member of the organization, or an account
whose email domain the organization approved for that product instance. Anyone else gets
NOT_FOUND, as if the product instance did not exist. A domain approved without approval lets the
account in at once: it joins the directory if needed and the product's default group for USER
(R-ACCESS-3), and the request is stored as APPROVED.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from models.access_settings import AccessRequest, UserAccessSetting
from models.directory import Account, OrgUser
from models.enums import AccessRequestStatus, UserStatus
from models.group import Group
from models.organization import Organization
from models.product import ProductInstance
from permissions.engine import in_sight
from permissions.errors import Forbidden, NotFound
from permissions.matrix import FeatureId, TargetKind
from permissions.principal import Principal, joined
from permissions.targets import Target
from resolvers import access, scopes, targets
from resolvers.access_settings import email_domain
from resolvers.audit import record
from resolvers.catalog import product_name
from resolvers.context import Context
from resolvers.directory_search import add_to_directory
from resolvers.effective_access import Path
from resolvers.errors import DomainError, ErrorCode, refuse
from resolvers.pages import Filter, Link
from resolvers.product_access import describe, held_paths

ORG_ACCESS_REQUESTS = Link(
    "access_request", "organization_id", "id", descending=True, scoped=scopes.PRODUCT_ROWS_IN_SCOPE
)
ACCOUNT_ACCESS_REQUESTS = Link("access_request", "account_id", "id", descending=True)
DECISION_ACTIONS = {
    AccessRequestStatus.APPROVED: "access_request.approve",
    AccessRequestStatus.DENIED: "access_request.deny",
}


@dataclass(frozen=True)
class Requestable:
    """A product instance the caller may ask for, and what decides the outcome."""

    instance: ProductInstance
    organization: Organization
    account: Account
    user: OrgUser | None  # the caller's directory entry, when a member
    setting: UserAccessSetting | None  # the approval of the caller's email domain, if any


def status_filter(status: AccessRequestStatus | None) -> Filter | None:
    return Filter("status = ?", (status.value,)) if status is not None else None


# Finding what a request is about


async def requestable(ctx: Context, product_instance_id: int) -> Requestable:
    """The dedicated finder of requestProductAccess: members see their organization's products,
    and an approved email domain makes a product instance visible to a non-member."""
    principal = ctx.require_principal()
    if principal.account_id is None:
        raise Forbidden("An API key is not a person: it cannot ask for product access.", "R-KEY-1")
    instance = await ctx.loaders.product_instance.load(product_instance_id)
    account = await ctx.loaders.account.load(principal.account_id)
    if instance is None or account is None:
        raise NotFound("No such product instance.")
    org_id = instance.organization_id
    _refuse_inactive(principal, org_id)
    setting = await UserAccessSetting.get_or_none(
        product_instance_id=instance.id, domain=email_domain(account.email)
    )
    organization = await ctx.loaders.organization.load(org_id)
    if organization is None or (setting is None and not principal.is_active_member(org_id)):
        raise NotFound("No such product instance.")  # never leak existence (API.md)
    user = await ctx.loaders.directory_entry.load((org_id, account.id))
    return Requestable(instance, organization, account, user, setting)


def _refuse_inactive(principal: Principal, organization_id: int) -> None:
    """As the engine refuses suspended members (R-ACCESS-11): they know the organization."""
    status = principal.status_in(organization_id)
    if status is not None and status is not UserStatus.ACTIVE:
        raise Forbidden(f"Your account is {status.lower()} in this organization.", "R-ACCESS-11")


async def visible_request(ctx: Context, request_id: int) -> AccessRequest:
    """A request of an organization the caller can see, which the caller asked or may decide
    (node(id)'s rule); else NOT_FOUND."""
    request = await ctx.loaders.access_request.load(request_id)
    if request is None or not ctx.can_see(request.organization_id):
        raise NotFound("No such access request.")
    target = await request_target(ctx, request)
    if target is None:
        return request
    decision = ctx.decide(FeatureId.APPROVE_DENY_ACCESS_REQUESTS, target)
    if not in_sight(ctx.require_principal(), decision, target):
        raise NotFound("No such access request.")
    return request


async def request_target(ctx: Context, request: AccessRequest) -> Target | None:
    """What reading a request is decided on: its product instance (approve_deny_access_requests),
    or nothing for the requester's own request, which they read even as a non-member."""
    if request.account_id == ctx.require_principal().account_id:
        return None
    return await targets.target_of(ctx, TargetKind.PRODUCT_INSTANCE, request.product_instance_id)


# The mutations


async def request_product_access(ctx: Context, found: Requestable) -> AccessRequest:
    field = "productInstanceId"
    access.refuse_unlicensed(found.account.account_type, found.organization, field)
    automatic = found.setting is not None and not found.setting.requires_approval
    # One requester's requests are serialized on PostgreSQL (SQLite has one writer), so two
    # racing requests cannot both find no pending one.
    await Account.select_for_update().get(id=found.account.id)
    held = await held_paths(found.user.id, found.instance.id) if found.user else []
    if held:
        raise await _already_has(found.instance, held)
    if await AccessRequest.exists(
        product_instance_id=found.instance.id,
        account_id=found.account.id,
        status=AccessRequestStatus.PENDING,
    ):
        raise _pending(found.instance)
    request = await _create(ctx, found, automatic)
    admitted = await _admit(ctx, request, "R-ACCESS-10", field) if automatic else None
    if admitted is not None and found.user is None:  # just joined: reads as a member from now
        ctx.principal_changed(
            joined(ctx.require_principal(), admitted.organization_id, admitted.id)
        )
    return request


async def approve_access_request(ctx: Context, request: AccessRequest) -> AccessRequest:
    """The requester joins the directory if needed and the default group for USER. Someone who
    got the product meanwhile is approved without adding anything."""
    organization = await Organization.get(id=request.organization_id)
    account = await Account.get(id=request.account_id)
    access.refuse_unlicensed(account.account_type, organization, "requestId")
    decider = ctx.require_principal().user_id_in(request.organization_id)
    await _decide(ctx, request, AccessRequestStatus.APPROVED, decider)
    await _admit(ctx, request, FeatureId.APPROVE_DENY_ACCESS_REQUESTS, "requestId")
    return await AccessRequest.get(id=request.id)


async def deny_access_request(ctx: Context, request: AccessRequest) -> AccessRequest:
    decider = ctx.require_principal().user_id_in(request.organization_id)
    await _decide(ctx, request, AccessRequestStatus.DENIED, decider)
    return await AccessRequest.get(id=request.id)


async def _create(ctx: Context, found: Requestable, automatic: bool) -> AccessRequest:
    status = AccessRequestStatus.APPROVED if automatic else AccessRequestStatus.PENDING
    request = await AccessRequest.create(
        organization_id=found.organization.id,
        product_instance_id=found.instance.id,
        account_id=found.account.id,
        status=status,
        decided_at=datetime.now(UTC) if automatic else None,
    )
    after = {
        "productInstanceId": found.instance.id,
        "email": found.account.email,
        "status": status.value,
        "automatic": automatic,
    }
    await record(
        ctx,
        organization_id=found.organization.id,
        action="access_request.create",
        target_type="AccessRequest",
        target_id=request.id,
        rule="R-ACCESS-10",
        after=after,
    )
    return request


async def _decide(
    ctx: Context, request: AccessRequest, status: AccessRequestStatus, decider: int | None
) -> None:
    """A conditional update: of two racing decisions exactly one changes the row."""
    changed = await AccessRequest.filter(id=request.id, status=AccessRequestStatus.PENDING).update(
        status=status, decided_by_id=decider, decided_at=datetime.now(UTC)
    )
    if not changed:
        current = await AccessRequest.get(id=request.id)
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"This request is already {current.status.value.lower()}; only pending requests "
            "are approved or denied.",
            field="requestId",
        )
    await record(
        ctx,
        organization_id=request.organization_id,
        action=DECISION_ACTIONS[status],
        target_type="AccessRequest",
        target_id=request.id,
        rule=FeatureId.APPROVE_DENY_ACCESS_REQUESTS,
        before={"status": AccessRequestStatus.PENDING.value},
        after={"status": status.value, "decidedBy": decider},
    )


async def _admit(ctx: Context, request: AccessRequest, rule: str, field: str) -> OrgUser:
    """Into the directory if not in it, then the default group for USER unless the user holds
    the product already (through any group)."""
    user = await OrgUser.get_or_none(
        organization_id=request.organization_id, account_id=request.account_id
    )
    if user is None:  # joins the directory, searchable like an invited user
        organization = await Organization.get(id=request.organization_id)
        account = await Account.get(id=request.account_id)
        user = await add_to_directory(organization, account)
        await record(
            ctx,
            organization_id=request.organization_id,
            action="user.join",
            target_type="User",
            target_id=user.id,
            rule=rule,
            after={"accessRequestId": request.id, "productInstanceId": request.product_instance_id},
        )
    instance = await ProductInstance.get(id=request.product_instance_id)
    if not await access.holdings(user.id, instance.id):
        await access.join_default_group(ctx, user, instance, access.DEFAULT_ROLE, field, rule)
    return user


async def _already_has(instance: ProductInstance, held: list[Path]) -> DomainError:
    """Held by any path of effective access: a group, or an admin role (R-ROLE-4, ...)."""
    ids = [p.group_id for p in held if p.group_id is not None]
    names = {g.id: g.name for g in await Group.filter(id__in=ids)}
    via = ", ".join(dict.fromkeys(describe(p, names) for p in held))
    return refuse(
        ErrorCode.ALREADY_HAS_ACCESS,
        f"You already have {product_name(instance)} (through {via}).",
        field="productInstanceId",
    )


def _pending(instance: ProductInstance) -> DomainError:
    return refuse(
        ErrorCode.DUPLICATE,
        f"You already asked for {product_name(instance)}; an admin has not decided yet.",
        field="productInstanceId",
    )
