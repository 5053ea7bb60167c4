"""How guards find their targets: from the parent object, the arguments or the mutation's input."""

import asyncio
from collections.abc import Sequence
from typing import Any

from strawberry.types import Info

from models.directory import OrgUser
from models.enums import Experience, ScopeKind
from permissions.engine import VIEW_ORGANIZATION
from permissions.errors import NotFound
from permissions.matrix import EXPERIENCE_ROLES, MAKE_ROLE_FEATURE, FeatureId
from permissions.targets import Target
from resolvers import access, access_requests, targets
from resolvers.admin_roles import ScopeRef
from resolvers.context import Context
from resolvers.known import Maybe, known
from resolvers.membership import status_feature
from schema.ids import decode, parse

Ctx = Info[Context, None]


# Read guards: answered from what the request has read when it can (resolvers/known.py), so
# that the field they guard stays synchronous; else an awaitable that reads first.


def parent_organization(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    return known(lambda: [targets.organization_target_now(info.context, source.row.id)])


def parent_site(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    return known(lambda: [targets.site_target_now(info.context, source.row)])


def parent_instance(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    return known(lambda: [targets.instance_target_now(info.context, source.row)])


def parent_user(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    return known(lambda: [targets.user_target_now(info.context, source.row)])


def parent_holder(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    """Paths and sources of a user's access are read as the user is (own access included)."""
    return known(lambda: [targets.user_target_now(info.context, source.holder)])


def parent_user_organization(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    organization_id = source.row.organization_id
    return known(lambda: [targets.organization_target_now(info.context, organization_id)])


def parent_group(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    return known(lambda: [targets.group_target_now(info.context, source.row)])


def parent_assignment(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    return known(lambda: [targets.assignment_target_now(info.context, source.row)])


def parent_grant(source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
    """A product role grant is read where its product instance lies."""
    ctx, instance_id = info.context, source.row.product_instance_id
    return known(lambda: [targets.product_instance_target_now(ctx, instance_id)])


async def argument_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    return [await targets.organization_target(info.context, decode(kwargs["id"], "Organization"))]


async def argument_user(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    return [await targets.user_target(info.context, decode(kwargs["user_id"], "User"))]


async def input_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    org_id = decode(kwargs["input"].organization_id, "Organization")
    return [await targets.organization_target(info.context, org_id)]


async def input_site(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    site_id = decode(kwargs["input"].site_id, "Site")
    return [await targets.site_target(info.context, site_id)]


async def input_granted_instances(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """inviteUser: each product instance it grants, through its default groups (R-ACCESS-3,
    R-ROLE-10); with none, the organization (API.md)."""
    organization = await input_organization(_, info, kwargs)  # the organization must be visible
    grants = kwargs["input"].product_access or []
    if not grants:
        return organization
    ids = [decode(g.product_instance_id, "ProductInstance") for g in grants]
    return await asyncio.gather(  # together, so the loaders read them in one batch
        *(targets.product_instance_target(info.context, pk, granting=True) for pk in ids)
    )


# Product access of one user and product settings (issue 4: access). Each finder checks the
# ids first: NOT_FOUND for what the caller can't see, or a user of another organization.


def _user_and_instance(kwargs: dict[str, Any]) -> tuple[int, int]:
    input = kwargs["input"]
    return decode(input.user_id, "User"), decode(input.product_instance_id, "ProductInstance")


async def input_granted_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """grantProductAccess, changeProductRole: the product instance with what its default
    groups give (R-ACCESS-3, R-ROLE-10)."""
    return [await access.granting_target(info.context, *_user_and_instance(kwargs))]


async def input_revoked_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """revokeProductAccess: the product instance with what the groups left also give."""
    return [await access.revoking_target(info.context, *_user_and_instance(kwargs))]


async def input_toggled_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """setProductAccess: as a grant when switching on, as a revocation when switching off."""
    if kwargs["input"].enabled:
        return await input_granted_instance(_, info, kwargs)
    return await input_revoked_instance(_, info, kwargs)


# Groups (issue 4): createGroup, updateGroup, deleteGroup, addGroupMembers, removeGroupMembers,
# grantGroupProductAccess, revokeGroupProductAccess, setDefaultGroup.


async def input_group_scope(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """createGroup: where the group will be. A CENTRALIZED group is the organization's (a
    siteId there is refused by the resolver, not decided on); an ORIGINAL one its site's."""
    input = kwargs["input"]
    ctx = info.context
    organization = await targets.organization_target(
        ctx, decode(input.organization_id, "Organization")
    )
    if input.site_id is None or organization.experience is Experience.CENTRALIZED:
        return [organization]
    return [await targets.site_target(ctx, decode(input.site_id, "Site"))]


async def input_group(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """The group as it is now: what it gives decides R-ROLE-9 for user access admins."""
    return [await targets.group_target(info.context, decode(kwargs["input"].group_id, "Group"))]


async def input_groups(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """Each group named, read together so the loaders batch them (one query per level)."""
    ids = dict.fromkeys(decode(group_id, "Group") for group_id in kwargs["input"].group_ids)
    return await asyncio.gather(*(targets.group_target(info.context, pk) for pk in ids))


async def input_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    instance_id = decode(kwargs["input"].product_instance_id, "ProductInstance")
    return [await targets.product_instance_target(info.context, instance_id)]


async def input_api_key_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    key = await targets.visible_api_key(info.context, decode(kwargs["input"].api_key_id, "ApiKey"))
    return [await targets.organization_target(info.context, key.organization_id)]


async def input_scim_token_organization(
    _: Any, info: Ctx, kwargs: dict[str, Any]
) -> Sequence[Target]:
    pk = decode(kwargs["input"].scim_token_id, "ScimToken")
    token = await targets.visible_scim_token(info.context, pk)
    return [await targets.organization_target(info.context, token.organization_id)]


# Access requests and user access settings (issue 5, R-ACCESS-10).


async def input_configured_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """updateUserAccessSettings: the product instance. A domain approved without approval
    puts its accounts in the product's default group, so what that group gives counts as for
    a grant (R-ROLE-10)."""
    input = kwargs["input"]
    granting = any(not entry.requires_approval for entry in input.approved_domains)
    instance_id = decode(input.product_instance_id, "ProductInstance")
    return [await targets.product_instance_target(info.context, instance_id, granting=granting)]


async def input_request_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """approveAccessRequest, denyAccessRequest: the request's product instance."""
    request_id = decode(kwargs["input"].request_id, "AccessRequest")
    request = await access_requests.visible_request(info.context, request_id)
    return [await targets.product_instance_target(info.context, request.product_instance_id)]


async def parent_request(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    """An access request is read by who may decide it, and by its requester (no decision)."""
    target = await access_requests.request_target(info.context, source.row)
    return [] if target is None else [target]


async def parent_request_user(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    """The requester's directory entry, read as any user is (view_users_in_organization)."""
    row = source.row
    user = await info.context.loaders.directory_entry.load((row.organization_id, row.account_id))
    return [] if user is None else [await targets.target_of_user(info.context, user)]


async def parent_request_decider(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    decider = source.row.decided_by_id
    return [] if decider is None else [await targets.reached_user_target(info.context, decider)]


# Admin roles and membership: assignAdminRole, revokeAdminRole, suspendUser, restoreUser,
# removeUserFromOrganization.

SCOPE_TYPES = {
    "Organization": ScopeKind.ORGANIZATION,
    "Site": ScopeKind.SITE,
    "ProductInstance": ScopeKind.PRODUCT_INSTANCE,
}
# What input_role_scope may ask: the make_ feature of each role, and view_organization for a
# role the organization's experience lacks.
ROLE_FEATURES = (VIEW_ORGANIZATION, *(f.value for f in MAKE_ROLE_FEATURE.values()))
STATUS_FEATURES = (FeatureId.UPDATE_MANAGED_ACCOUNTS, FeatureId.MANAGE_PORTAL_ONLY_ACCOUNTS)


def scope_ref(scope_id: str | None) -> ScopeRef | None:
    """A scopeId as the resolver checks it; an id of another kind of object keeps kind None,
    so that the resolver answers INVALID_INPUT rather than NOT_FOUND."""
    if scope_id is None:
        return None
    type_name, pk = parse(scope_id)
    return ScopeRef(SCOPE_TYPES.get(type_name), pk)


async def input_role_scope(
    _: Any, info: Ctx, kwargs: dict[str, Any]
) -> Sequence[tuple[str, Target]]:
    """The make_ feature of input.role on its scope. A role the organization's experience
    lacks has no such feature there: an active member is let through to be told
    ROLE_NOT_IN_EXPERIENCE (R-ROLE-7) in the payload, which changes nothing."""
    ctx, input = info.context, kwargs["input"]
    user = await targets.user_target(ctx, decode(input.user_id, "User"))
    organization = await targets.organization_target(ctx, user.organization_id)
    if input.role not in EXPERIENCE_ROLES[organization.experience]:
        return [(VIEW_ORGANIZATION, organization)]
    scope = await _scope_target(ctx, scope_ref(input.scope_id), organization)
    return [(MAKE_ROLE_FEATURE[input.role].value, scope)]


async def _scope_target(ctx: Context, scope: ScopeRef | None, organization: Target) -> Target:
    """The organization, site or product instance the scopeId names (NOT_FOUND when the caller
    can't see it). Omitted, of another kind of object or of another organization: the user's
    organization, and the resolver refuses what is not the role's scope (INVALID_INPUT)."""
    if scope is None or scope.kind is None:
        return organization
    if scope.kind is ScopeKind.SITE:
        found = await targets.site_target(ctx, scope.id)
    elif scope.kind is ScopeKind.PRODUCT_INSTANCE:
        found = await targets.product_instance_target(ctx, scope.id)
    else:
        found = await targets.organization_target(ctx, scope.id)
    return found if found.organization_id == organization.organization_id else organization


async def input_member(ctx: Context, input: Any) -> OrgUser:
    """input.userId, which must be a user of input.organizationId (else NOT_FOUND)."""
    organization_id = decode(input.organization_id, "Organization")
    await targets.organization_target(ctx, organization_id)
    user = await targets.visible_user(ctx, decode(input.user_id, "User"))
    if user.organization_id != organization_id:
        raise NotFound("No such user in this organization.")
    return user


async def input_member_status(
    _: Any, info: Ctx, kwargs: dict[str, Any]
) -> Sequence[tuple[str, Target]]:
    """suspendUser, restoreUser: the feature for the user's account type, on the user."""
    user = await input_member(info.context, kwargs["input"])
    feature = status_feature(user.account.account_type)
    return [(feature.value, await targets.target_of_user(info.context, user))]


async def input_member_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """removeUserFromOrganization: the user's organization."""
    user = await input_member(info.context, kwargs["input"])
    return [await targets.organization_target(info.context, user.organization_id)]


async def input_instance_with_group(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """setDefaultGroup is decided on the product instance; the group must be visible too."""
    await input_group(_, info, kwargs)
    return await input_instance(_, info, kwargs)
