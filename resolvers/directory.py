"""The directory: accounts and inviting them into an organization (R-ACCESS-2)."""

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
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
    """An account of its own (the CLI's `user create`): one per email, in the compared form."""
    email = clean_email(email)
    name = clean_name(display_name, "displayName")
    account, created = await _get_or_create(email, None, account_type, name)
    if not created:
        raise refuse(ErrorCode.DUPLICATE, f"An account with email {email} exists.", field="email")
    return account


async def own_account(email: str) -> Account | None:
    """The account of its own with that email (what a personal token is issued for)."""
    return await Account.get_or_none(email=clean_email(email), owner_ref=0)


async def invite_user(
    ctx: Context,
    organization: Organization,
    email: str,
    display_name: str | None,
    account_type: AccountType,
    grants: list[ProductGrant],
) -> OrgUser:
    """Add an account (created if new) to the directory, with product access in the same step.
    The account is the person's own (ATLASSIAN), or the organization's own portal-only customer
    or app account: no organization's invite changes what another sees of an account or may do
    with it (docs/accounts-and-groups.md). `displayName` is this organization's name for them."""
    email = clean_email(email)
    name = None if display_name is None else clean_name(display_name, "displayName")
    instances = await _check_grants(ctx, organization, account_type, grants)
    # One invite into a directory at a time (a row lock on PostgreSQL, the single writer on
    # SQLite): an email is in a directory once, whatever account it names.
    await Organization.select_for_update().filter(id=organization.id).first()
    account = await _account_for(organization, email, account_type)
    await _refuse_present(organization, account)
    user = await add_to_directory(organization, account, display_name=name)
    await record(
        ctx,
        organization_id=organization.id,
        action="user.invite",
        target_type="User",
        target_id=user.id,
        rule="R-ACCESS-2",
        after={"email": email, "accountType": account_type.value, "displayName": name},
    )
    for index, (grant, instance) in enumerate(zip(grants, instances, strict=True)):
        where = f"productAccess.{index}.role"
        await access.join_default_group(ctx, user, instance, grant.role, where)
    return user


async def _account_for(organization: Organization, email: str, kind: AccountType) -> Account:
    """ATLASSIAN: the person's own account. CUSTOMER and APP: this organization's own account of
    that kind, unless the operator made the email an account of that kind of its own."""
    own = await Account.get_or_none(email=email, owner_ref=0)
    if kind is not AccountType.ATLASSIAN and (own is None or own.account_type is not kind):
        account, _ = await _get_or_create(email, organization.id, kind, email.split("@")[0])
        return account
    if own is None:
        own, _ = await _get_or_create(email, None, kind, email.split("@")[0])
    if own.account_type is not kind:
        raise refuse(
            ErrorCode.ACCOUNT_TYPE_MISMATCH,
            f"{email} is an account of type {own.account_type.value}, not {kind.value}; an "
            "invite can't change that.",
            field="accountType",
            rule="R-ACCESS-2",
        )
    return own


async def _get_or_create(
    email: str, owner_id: int | None, kind: AccountType, name: str
) -> tuple[Account, bool]:
    """Race-free on both databases: the insert is a savepoint of its own, so when a concurrent
    request inserts the same email first, the unique key refuses ours and we read theirs."""
    owner_ref = owner_id or 0
    found = await Account.get_or_none(email=email, owner_ref=owner_ref)
    if found is not None:
        return found, False
    try:
        async with in_transaction():
            created = await Account.create(
                email=email,
                display_name=name,
                account_type=kind,
                owner_id=owner_id,
                owner_ref=owner_ref,
            )
        return created, True
    except IntegrityError:
        return await Account.get(email=email, owner_ref=owner_ref), False


async def _refuse_present(organization: Organization, account: Account) -> None:
    """An email is in a directory once: the same account again is DUPLICATE; another account
    of that email (a customer account beside the person's own) is ACCOUNT_TYPE_MISMATCH."""
    present = await OrgUser.filter(
        organization_id=organization.id, account__email=account.email
    ).select_related("account")
    for entry in present:
        if entry.account_id == account.id:
            raise refuse(
                ErrorCode.DUPLICATE,
                f"{account.email} is already in this organization.",
                field="email",
            )
        raise refuse(
            ErrorCode.ACCOUNT_TYPE_MISMATCH,
            f"{account.email} is already in this organization as an account of type "
            f"{entry.account.account_type.value}.",
            field="accountType",
            rule="R-ACCESS-2",
        )


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
