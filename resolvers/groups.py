"""Groups: creating them, their members and their product roles (R-ACCESS-1)."""

from tortoise.transactions import in_transaction

from models.directory import OrgUser
from models.group import Group, GroupMembership, GroupProductRole
from models.organization import Organization
from models.product import ProductInstance
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import ErrorCode, refuse
from resolvers.validation import clean_name

CREATE_OR_MODIFY_GROUP = "create_or_modify_group"
ADD_REMOVE_USERS_FROM_GROUP = "add_remove_users_from_group"


async def create_group(
    ctx: Context, organization: Organization, site_id: int | None, name: str, description: str
) -> Group:
    """Organization-level in CENTRALIZED (site_id None), site-level in ORIGINAL."""
    name = clean_name(name, "name", 255)
    scope_ref = site_id or 0
    async with in_transaction():
        if await Group.exists(organization_id=organization.id, scope_ref=scope_ref, name=name):
            raise refuse(ErrorCode.DUPLICATE, f"A group named '{name}' exists.", field="name")
        group = await Group.create(
            organization=organization,
            site_id=site_id,
            scope_ref=scope_ref,
            name=name,
            description=description,
        )
        await record(
            ctx,
            organization_id=organization.id,
            action="group.create",
            target_type="Group",
            target_id=group.id,
            rule=CREATE_OR_MODIFY_GROUP,
            after={"name": name, "siteId": site_id},
        )
    return group


async def add_members(ctx: Context, group: Group, users: list[OrgUser]) -> None:
    async with in_transaction():
        for user in users:
            _, created = await GroupMembership.get_or_create(group=group, user=user)
            if created:
                await record(
                    ctx,
                    organization_id=group.organization_id,
                    action="group.member_add",
                    target_type="Group",
                    target_id=group.id,
                    rule=ADD_REMOVE_USERS_FROM_GROUP,
                    after={"userId": user.id},
                )


async def grant_group_role(
    ctx: Context, group: Group, instance: ProductInstance, role: str, rule: str
) -> GroupProductRole:
    async with in_transaction():
        grant = await GroupProductRole.create(group=group, product_instance=instance, role=role)
        await record(
            ctx,
            organization_id=group.organization_id,
            action="group.product_role_grant",
            target_type="Group",
            target_id=group.id,
            rule=rule,
            after={"productInstanceId": instance.id, "role": role},
        )
    return grant
