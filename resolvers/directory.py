"""The directory: accounts and inviting them into an organization (R-ACCESS-2)."""

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models.directory import Account, OrgUser
from models.enums import AccountType
from models.organization import Organization
from models.product import ProductInstance
from resolvers import access
from resolvers.audit import record
from resolvers.context import Context
from resolvers.directory_search import add_to_directory
from resolvers.errors import DomainError, ErrorCode, Problem, refuse
from resolvers.validation import clean_email, clean_name


@dataclass(frozen=True)
class ProductGrant:
    product_instance_id: int
    role: str


async def create_account(
    email: str, display_name: str, account_type: AccountType = AccountType.ATLASSIAN
) -> Account:
    """A global account (the CLI's `user create`); email is unique, case-insensitively."""
    email = clean_email(email)
    if await Account.exists(email=email):
        raise refuse(ErrorCode.DUPLICATE, f"An account with email {email} exists.", field="email")
    return await Account.create(
        email=email, display_name=clean_name(display_name, "displayName"), account_type=account_type
    )


async def invite_user(
    ctx: Context,
    organization: Organization,
    email: str,
    display_name: str | None,
    account_type: AccountType,
    grants: list[ProductGrant],
) -> OrgUser:
    """Add an account (created if new) to the directory, with product access in the same step."""
    email = clean_email(email)
    name = clean_name(display_name or email.split("@")[0], "displayName")
    existing = await Account.get_or_none(email=email)
    kind = existing.account_type if existing else account_type
    instances = await _check_grants(ctx, organization, kind, grants)
    async with in_transaction():
        account = existing or await Account.create(
            email=email, display_name=name, account_type=kind
        )
        if await OrgUser.exists(organization_id=organization.id, account_id=account.id):
            raise refuse(
                ErrorCode.DUPLICATE, f"{email} is already in this organization.", field="email"
            )
        user = await add_to_directory(organization, account)
        await record(
            ctx,
            organization_id=organization.id,
            action="user.invite",
            target_type="User",
            target_id=user.id,
            rule="R-ACCESS-2",
            after={"email": email, "accountType": kind.value},
        )
        for index, (grant, instance) in enumerate(zip(grants, instances, strict=True)):
            where = f"productAccess.{index}.role"
            await access.join_default_group(ctx, user, instance, grant.role, where)
    return user


async def _check_grants(
    ctx: Context, organization: Organization, kind: AccountType, grants: list[ProductGrant]
) -> list[ProductInstance]:
    """The checks of grantProductAccess (resolvers/access.py), for each grant of the invite."""
    if grants:
        access.refuse_unlicensed(kind, organization, "productAccess")
    ids = [g.product_instance_id for g in grants]
    # The guard loaded each instance through this request's loader: no second read.
    loaded = await ctx.loaders.product_instance.load_many(ids)
    found = {i.id: i for i in loaded if i is not None}
    problems: list[Problem] = []
    for index, grant in enumerate(grants):
        instance = found.get(grant.product_instance_id)
        where = f"productAccess.{index}"
        if instance is None or instance.organization_id != organization.id:
            problems.append(
                Problem(
                    ErrorCode.INVALID_INPUT,
                    "That product instance is not in this organization.",
                    f"{where}.productInstanceId",
                )
            )
        elif problem := access.role_problem(instance, grant.role, f"{where}.role"):
            problems.append(problem)
    if len(set(ids)) != len(ids):
        problems.append(
            Problem(ErrorCode.DUPLICATE, "Each product instance may appear once.", "productAccess")
        )
    if problems:
        raise DomainError(*problems)
    return [found[g.product_instance_id] for g in grants]
