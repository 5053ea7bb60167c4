"""What every node type shares: the Node interface, the catalog types, the guards, and the
helpers that load a node's children through the request's DataLoaders.

The node types live in modules of their own (organization, places, people, records); each
module imports the ones before it and names the later ones lazily (strawberry.lazy), since
the types refer to each other both ways. `schema.nodes` gathers them."""

from collections.abc import Awaitable, Callable
from typing import Self, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from permissions.engine import VIEW_ORGANIZATION
from permissions.errors import NotFound
from permissions.guards import guard, list_guard
from permissions.matrix import FeatureId
from resolvers.catalog import catalog
from resolvers.context import Context
from resolvers.known import Known, Maybe, now, peek, then
from resolvers.scopes import Scope
from resolvers.targets import organization_target
from schema.targets import PARENT, PARENT_ORGANIZATION, ParentId

Ctx = Info[Context, None]
R = TypeVar("R")
W = TypeVar("W")
VIEW_USERS = FeatureId.VIEW_USERS_IN_ORGANIZATION
# Members see their organization's structure; the directory needs view_users_in_organization,
# decided on the object itself (a SCOPED role sees what lies in its scope) or, for
# organization-wide lists, on the organization with the list narrowed to the caller's reach.
MEMBER_OF = guard(VIEW_ORGANIZATION, on=PARENT)
MEMBER_OF_GRANT = guard(VIEW_ORGANIZATION, on=ParentId("product_instance_id"))
VIEWER_CAN = "What you may do here: one boolean per matrix feature, as the guards decide."
VIEW_DIRECTORY = list_guard(VIEW_USERS, on=PARENT_ORGANIZATION)
# Fields that describe their object are read by whoever made it in this request too (a
# mutation's payload, Context.read): a product's default groups, made with it, but not the
# groups and people that hold it.
VIEW_DEFAULT_GROUPS = guard(VIEW_USERS, on=PARENT, maker_reads=True)
VIEW = guard(VIEW_USERS, on=PARENT)
VIEW_AS_MADE = guard(VIEW_USERS, on=PARENT, maker_reads=True)
VIEW_AUDIT_LOG = guard(FeatureId.VIEW_ORG_AUDIT_LOG, on=PARENT)
# The "Grant access" and "Add product" lists (resolvers/grantable.py): for whoever may add users
# to a product somewhere in the organization, each product then decided as the mutation would.
GRANT_SOMEWHERE = list_guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=PARENT_ORGANIZATION)
MODIFY_GROUP = guard(FeatureId.CREATE_OR_MODIFY_GROUP, on=PARENT)
UPDATE_API_KEYS = guard(FeatureId.UPDATE_API_KEYS, on=PARENT)
USER_PROVISIONING = guard(FeatureId.USER_PROVISIONING, on=PARENT)
APPROVE_DENY_REQUESTS = list_guard(FeatureId.APPROVE_DENY_ACCESS_REQUESTS, on=PARENT_ORGANIZATION)
CONFIGURE_ACCESS_SETTINGS = list_guard(
    FeatureId.CONFIGURE_USER_ACCESS_SETTINGS, on=PARENT_ORGANIZATION
)


@strawberry.interface(description="An object with an opaque global id; fetch it with node(id).")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque and global: node(id) finds the object again."
    )


@strawberry.type(description="A product role offered by a product.")
class ProductRole:
    key: str = strawberry.field(description="What the API calls it, like USER or AGENT.")
    name: str = strawberry.field(description="What a person calls it.")
    billable: bool = strawberry.field(description="Whether holding it counts towards the plan.")


@strawberry.type(description="A product of the catalog (data, not code).")
class Product:
    key: str = strawberry.field(description="The catalog key, like jira or confluence.")
    name: str = strawberry.field(description="The product's name, like Jira.")
    family: str | None = strawberry.field(
        description="The product family, like jira (R-ROLE-11); null outside a family."
    )
    anonymous_access_supported: bool = strawberry.field(
        description="Whether setAnonymousAccess may switch it on (R-ACCESS-7)."
    )
    roles: list[ProductRole] = strawberry.field(
        description="The product roles it offers; USER and PRODUCT_ADMIN always."
    )

    @classmethod
    def of(cls, key: str) -> Self:
        entry = catalog()[key]
        roles = [ProductRole(key=r.key, name=r.name, billable=r.billable) for r in entry.roles]
        return cls(
            key=entry.key,
            name=entry.name,
            family=entry.family,
            anonymous_access_supported=entry.anonymous_access_supported,
            roles=roles,
        )


async def directory_scope(info: Ctx, organization_id: int) -> Scope | None:
    organization = await organization_target(info.context, organization_id)
    return info.context.scope(VIEW_USERS, organization)


def loaded(loader: DataLoader[int, R | None], pk: int) -> Awaitable[R]:
    def found(row: R | None) -> Awaitable[R]:
        if row is None:  # deleted between reading the parent and the child
            raise NotFound()
        return Known(row)

    return then(peek(loader, pk), found)


async def one(loader: DataLoader[int, R | None], pk: int, wrap: Callable[[R], W]) -> W:
    return wrap(await loaded(loader, pk))


def one_now(loader: DataLoader[int, R | None], pk: int, wrap: Callable[[R], W]) -> Maybe[W]:
    """A child object at once when the request has read its row (a field resolved this way
    stays synchronous, resolvers/known.py); else an awaitable that reads it first."""
    return now(then(loaded(loader, pk), lambda row: Known(wrap(row))))


async def load_all(
    loader: DataLoader[int, R | None], ids: list[int], wrap: Callable[[R], W]
) -> list[W | None]:
    return [wrap(row) if row is not None else None for row in await loader.load_many(ids)]
