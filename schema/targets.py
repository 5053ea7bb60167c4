"""Where a guard's target comes from: the parent object, an input field, an argument, or the
organization of either; and the few targets that need a rule of their own (named `found`).

A guarded field declares its guard in one line (permissions/guards.py, docs/rule-engine.md):

    extensions=[guard(FeatureId.CONFIGURE_PRODUCT_SETTINGS, on=Input("productInstanceId"))]

A source answers from what the request has read when it can (resolvers/known.py), so that the
field it guards stays synchronous; else an awaitable that reads first. Ids are decoded here
(an id of another type is NOT_FOUND) and read through resolvers/targets.py: NOT_FOUND for what
the caller may not see, before any feature is decided.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any, cast

from strawberry.types import Info

from models.directory import OrgUser
from models.enums import Experience, ScopeKind
from models.organization import Organization
from permissions.engine import VIEW_ORGANIZATION
from permissions.errors import NotFound
from permissions.matrix import EXPERIENCE_ROLES, MAKE_ROLE_FEATURE, Asked, FeatureId, TargetKind
from permissions.targets import Target
from resolvers import access, access_requests, targets
from resolvers.admin_roles import ScopeRef
from resolvers.context import Context
from resolvers.known import Known, Maybe, then
from resolvers.membership import status_feature
from schema.ids import decode, parse

Ctx = Info[Context, None]
PRODUCT_INSTANCE = TargetKind.PRODUCT_INSTANCE
Finder = Callable[[Any, Ctx, dict[str, Any]], Maybe[Sequence[Any]]]

# The kind of object a global id's type names, and the id field naming one ("productInstanceId",
# "groupIds", "product_instance_id"): the field's name without Id(s) is the type's.
KINDS = {
    "Organization": TargetKind.ORGANIZATION,
    "Site": TargetKind.SITE,
    "ProductInstance": TargetKind.PRODUCT_INSTANCE,
    "Group": TargetKind.GROUP,
    "User": TargetKind.USER,
}


def _type_of(field: str) -> str:
    """The type an id field names: productInstanceId, product_instance_id -> ProductInstance."""
    words = field.removesuffix("s").removesuffix("Id").removesuffix("_id").split("_")
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if name not in KINDS:
        raise ValueError(f"{field} names no target kind")  # a bug, at import
    return name


def _camel(field: str) -> str:
    first, *rest = field.split("_")
    return first + "".join(w.capitalize() for w in rest)


def _snake(field: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in field)


def _listed(found: Awaitable[Target]) -> Maybe[Sequence[Target]]:
    """One target as a guard takes it: at once when it is Known."""
    if isinstance(found, Known):
        return [found.value]
    return _awaited([found])


def _all(found: list[Awaitable[Target]]) -> Maybe[Sequence[Target]]:
    """Several targets, each read as soon as it can be: the loaders batch what is missing."""
    if all(isinstance(f, Known) for f in found):
        return [cast(Known[Target], f).value for f in found]
    return _awaited(found)


async def _awaited(found: list[Awaitable[Target]]) -> Sequence[Target]:
    if len(found) == 1:
        return [await found[0]]
    return await asyncio.gather(*found)  # together: one batch per level


def _ids(ctx: Context, type_name: str, value: Any, *, named: bool) -> Maybe[Sequence[Target]]:
    """The targets of one global id or a list of them (each once, in order)."""
    values = value if isinstance(value, list) else [value]
    pks = dict.fromkeys(decode(v, type_name) for v in values)
    kind = KINDS[type_name]
    found: list[Awaitable[Target]] = []
    try:
        for pk in pks:
            found.append(targets.target_of(ctx, kind, pk, named=named))
    except Exception:
        _close(found)
        raise
    return _all(found)


def _close(found: list[Awaitable[Target]]) -> None:
    """Targets started before one was refused at once: never awaited, so closed."""
    for pending in found:
        if isinstance(pending, Coroutine):
            pending.close()


@dataclass(frozen=True)
class Parent:
    """The parent object itself (`attribute`: its row, or another object it holds)."""

    attribute: str = "row"

    @property
    def where(self) -> str:
        return "parent" if self.attribute == "row" else f"parent.{self.attribute}"

    def __call__(self, source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
        return _listed(targets.target(info.context, getattr(source, self.attribute)))


@dataclass(frozen=True)
class ParentId:
    """An object the parent's row names by id ("product_instance_id", "organization_id"),
    reached through the parent: refused with the feature rather than hidden. None: no target."""

    attribute: str
    shown: str = ""
    type_name: str = ""

    def __post_init__(self) -> None:
        if self.type_name not in KINDS:
            _type_of(self.attribute)  # fails at import for an id that names no target kind

    @property
    def where(self) -> str:
        return self.shown or f"parent.{_camel(self.attribute)}"

    def __call__(self, source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
        pk = getattr(source.row, self.attribute)
        if pk is None:
            return []
        kind = KINDS[self.type_name or _type_of(self.attribute)]
        return _listed(targets.target_of(info.context, kind, pk, named=False))


@dataclass(frozen=True)
class ParentOrganization:
    """The organization of the parent object: itself for an organization, else its own."""

    where = "parent.organization"

    def __call__(self, source: Any, info: Ctx, _: dict[str, Any]) -> Maybe[Sequence[Target]]:
        row = source.row
        pk = row.id if isinstance(row, Organization) else row.organization_id
        return _listed(targets.organization_target(info.context, pk))


PARENT = Parent()
PARENT_ORGANIZATION = ParentOrganization()


@dataclass(frozen=True)
class Input:
    """The object (or objects) an id field of the mutation's input names ("productInstanceId",
    "groupIds"); NOT_FOUND for what the caller may not see."""

    field: str

    def __post_init__(self) -> None:
        _type_of(self.field)  # fails at import for a field that names no target kind

    @property
    def where(self) -> str:
        return f"input.{self.field}"

    def __call__(self, _: Any, info: Ctx, kwargs: dict[str, Any]) -> Maybe[Sequence[Target]]:
        value = getattr(kwargs["input"], _snake(self.field))
        return _ids(info.context, _type_of(self.field), value, named=True)


@dataclass(frozen=True)
class Argument:
    """The object an id argument names (`type_name` when the argument's name does not say it,
    as `id` does not)."""

    name: str
    type_name: str = ""

    def __post_init__(self) -> None:
        if self.type_name not in KINDS:
            _type_of(self.name)  # fails at import for an argument that names no target kind

    @property
    def where(self) -> str:
        return f"argument.{self.name}"

    def __call__(self, _: Any, info: Ctx, kwargs: dict[str, Any]) -> Maybe[Sequence[Target]]:
        type_name = self.type_name or _type_of(self.name)
        return _ids(info.context, type_name, kwargs[_snake(self.name)], named=True)


# Organization-level objects that are not targets themselves: an input id naming one is decided
# on its organization.
_HELD: dict[str, Callable[[Context, int], Awaitable[Any]]] = {
    "ApiKey": targets.visible_api_key,
    "ScimToken": targets.visible_scim_token,
}


@dataclass(frozen=True)
class InputOrganization:
    """The organization of the object an input id names: an API key or a SCIM token."""

    field: str
    type_name: str

    @property
    def where(self) -> str:
        return f"input.{self.field}.organization"

    def __call__(self, _: Any, info: Ctx, kwargs: dict[str, Any]) -> Maybe[Sequence[Target]]:
        ctx = info.context
        pk = decode(getattr(kwargs["input"], _snake(self.field)), self.type_name)
        visible = _HELD[self.type_name]
        organization = then(
            visible(ctx, pk), lambda held: targets.organization_target(ctx, held.organization_id)
        )
        return _listed(organization)


@dataclass(frozen=True)
class Found:
    """A target with a rule of its own (what a grant reaches, a request's product instance);
    `where` is how the SDL names it."""

    where: str
    find: Finder

    def __call__(self, source: Any, info: Ctx, kwargs: dict[str, Any]) -> Maybe[Sequence[Any]]:
        return self.find(source, info, kwargs)


def found(where: str) -> Callable[[Finder], Found]:
    return lambda find: Found(where, find)


async def _one(found: Maybe[Sequence[Target]]) -> Target:
    return (await found if isawaitable(found) else found)[0]


@found("input.productAccess.productInstanceId granting, else input.organizationId")
async def input_granted_instances(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """inviteUser: each product instance it grants, through its default groups (R-ACCESS-3,
    R-ROLE-10); with none, the organization (API.md)."""
    organization = await _one(Input("organizationId")(_, info, kwargs))  # must be visible
    grants = kwargs["input"].product_access or []
    if not grants:
        return [organization]
    ids = [decode(g.product_instance_id, "ProductInstance") for g in grants]
    return await asyncio.gather(  # together, so the loaders read them in one batch
        *(targets.target_of(info.context, PRODUCT_INSTANCE, pk, granting=True) for pk in ids)
    )


# Product access of one user and product settings (issue 4: access). Each finder checks the
# ids first: NOT_FOUND for what the caller can't see, or a user of another organization.


def _user_and_instance(kwargs: dict[str, Any]) -> tuple[int, int]:
    input = kwargs["input"]
    return decode(input.user_id, "User"), decode(input.product_instance_id, "ProductInstance")


@found("input.productInstanceId granting")
async def input_granted_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """grantProductAccess, changeProductRole: the product instance with what its default
    groups give (R-ACCESS-3, R-ROLE-10)."""
    return [await access.granting_target(info.context, *_user_and_instance(kwargs))]


@found("input.productInstanceId revoking")
async def input_revoked_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """revokeProductAccess: the product instance with what the groups left also give."""
    return [await access.revoking_target(info.context, *_user_and_instance(kwargs))]


@found("input.productInstanceId granting or revoking")
async def input_toggled_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """setProductAccess: as a grant when switching on, as a revocation when switching off."""
    if kwargs["input"].enabled:
        return [await access.granting_target(info.context, *_user_and_instance(kwargs))]
    return [await access.revoking_target(info.context, *_user_and_instance(kwargs))]


# Groups (issue 4): createGroup, updateGroup, deleteGroup, addGroupMembers, removeGroupMembers,
# grantGroupProductAccess, revokeGroupProductAccess, setDefaultGroup.


@found("input.siteId or input.organizationId")
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
    return [await targets.target_of(ctx, TargetKind.SITE, decode(input.site_id, "Site"))]


# Access requests and user access settings (issue 5, R-ACCESS-10).


@found("input.productInstanceId granting by input.approvedDomains")
async def input_configured_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """updateUserAccessSettings: the product instance. A domain approved without approval
    puts its accounts in the product's default group, so what that group gives counts as for
    a grant (R-ROLE-10)."""
    input = kwargs["input"]
    granting = any(not entry.requires_approval for entry in input.approved_domains)
    instance_id = decode(input.product_instance_id, "ProductInstance")
    instance = targets.target_of(info.context, PRODUCT_INSTANCE, instance_id, granting=granting)
    return [await instance]


@found("input.requestId.productInstance")
async def input_request_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """approveAccessRequest, denyAccessRequest: the request's product instance."""
    request_id = decode(kwargs["input"].request_id, "AccessRequest")
    request = await access_requests.visible_request(info.context, request_id)
    return [await targets.target_of(info.context, PRODUCT_INSTANCE, request.product_instance_id)]


@found("parent.productInstance, or the requester")
async def parent_request(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    """An access request is read by who may decide it, and by its requester (no decision)."""
    target = await access_requests.request_target(info.context, source.row)
    return [] if target is None else [target]


@found("parent.requester")
async def parent_request_user(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    """The requester's directory entry, read as any user is (view_users_in_organization)."""
    row = source.row
    user = await info.context.loaders.directory_entry.load((row.organization_id, row.account_id))
    return [] if user is None else [await targets.target(info.context, user)]


# Admin roles and membership: assignAdminRole, revokeAdminRole, suspendUser, restoreUser,
# removeUserFromOrganization.

SCOPE_TYPES = {
    "Organization": ScopeKind.ORGANIZATION,
    "Site": ScopeKind.SITE,
    "ProductInstance": ScopeKind.PRODUCT_INSTANCE,
}
# What input_role_scope may ask: the make_ feature of each role, and view_organization for a
# role the organization's experience lacks.
ROLE_FEATURES: tuple[Asked, ...] = (VIEW_ORGANIZATION, *MAKE_ROLE_FEATURE.values())
STATUS_FEATURES: tuple[Asked, ...] = (
    FeatureId.UPDATE_MANAGED_ACCOUNTS,
    FeatureId.MANAGE_PORTAL_ONLY_ACCOUNTS,
)


def scope_ref(scope_id: str | None) -> ScopeRef | None:
    """A scopeId as the resolver checks it; an id of another kind of object keeps kind None,
    so that the resolver answers INVALID_INPUT rather than NOT_FOUND."""
    if scope_id is None:
        return None
    type_name, pk = parse(scope_id)
    return ScopeRef(SCOPE_TYPES.get(type_name), pk)


@found("input.scopeId by input.role")
async def input_role_scope(
    _: Any, info: Ctx, kwargs: dict[str, Any]
) -> Sequence[tuple[Asked, Target]]:
    """The make_ feature of input.role on its scope. A role the organization's experience
    lacks has no such feature there: an active member is let through to be told
    ROLE_NOT_IN_EXPERIENCE (R-ROLE-7) in the payload, which changes nothing."""
    ctx, input = info.context, kwargs["input"]
    user = await targets.target_of(ctx, TargetKind.USER, decode(input.user_id, "User"))
    organization = await targets.organization_target(ctx, user.organization_id)
    if input.role not in EXPERIENCE_ROLES[organization.experience]:
        return [(VIEW_ORGANIZATION, organization)]
    scope = await _scope_target(ctx, scope_ref(input.scope_id), organization)
    return [(MAKE_ROLE_FEATURE[input.role], scope)]


async def _scope_target(ctx: Context, scope: ScopeRef | None, organization: Target) -> Target:
    """The organization, site or product instance the scopeId names (NOT_FOUND when the caller
    can't see it). Omitted, of another kind of object or of another organization: the user's
    organization, and the resolver refuses what is not the role's scope (INVALID_INPUT)."""
    if scope is None or scope.kind is None:
        return organization
    if scope.kind is ScopeKind.SITE:
        found = await targets.target_of(ctx, TargetKind.SITE, scope.id)
    elif scope.kind is ScopeKind.PRODUCT_INSTANCE:
        found = await targets.target_of(ctx, PRODUCT_INSTANCE, scope.id)
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


@found("input.userId by account type")
async def input_member_status(
    _: Any, info: Ctx, kwargs: dict[str, Any]
) -> Sequence[tuple[Asked, Target]]:
    """suspendUser, restoreUser: the feature for the user's account type, on the user."""
    user = await input_member(info.context, kwargs["input"])
    feature = status_feature(user.account.account_type)
    return [(feature, await targets.target(info.context, user))]


@found("input.userId.organization")
async def input_member_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """removeUserFromOrganization: the user's organization."""
    user = await input_member(info.context, kwargs["input"])
    return [await targets.organization_target(info.context, user.organization_id)]


@found("input.productInstanceId, input.groupId in sight")
async def input_instance_with_group(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """setDefaultGroup is decided on the product instance; the group must be visible too."""
    await _one(Input("groupId")(_, info, kwargs))
    return [await _one(Input("productInstanceId")(_, info, kwargs))]
