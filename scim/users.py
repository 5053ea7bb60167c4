"""Users: a provisioned user is a managed account in the organization's directory.

Creating one invites the account (resolvers/directory.py, R-ACCESS-2) and marks it managed;
`active: false` suspends it and `active: true` restores it (R-ACCESS-11,
resolvers/membership.py); DELETE removes it from the organization, keeping the last active
organization admin (R-ROLE-3). A PATCH is applied by scim2-models to the current resource, and
the result is then applied as a PUT, so both follow one path."""

from scim2_models import Meta
from tortoise.exceptions import IntegrityError

from models.directory import Account, OrgUser
from models.enums import AccountType, UserStatus
from models.group import GroupMembership
from models.provisioning import ScimUser
from permissions.matrix import FeatureId
from resolvers import membership
from resolvers.audit import record
from resolvers.directory import invite_user
from resolvers.validation import clean_email, clean_name
from scim.directory import Directory, parse_id
from scim.errors import ScimError, invalid_value, not_found
from scim.resources import Email, Name, User, UserGroup

Profile = dict[str, str | None]
_AUDIT_NAMES = {"email": "email", "display_name": "displayName"}  # the API's names


async def load_user(d: Directory, text: str) -> OrgUser:
    pk = parse_id(text, "user")
    user = await OrgUser.get_or_none(id=pk, organization_id=d.organization.id).select_related(
        "account"
    )
    if user is None:
        raise not_found("user")
    return user


async def resources(d: Directory, users: list[OrgUser]) -> list[User]:
    """Two statements for any number of users: their SCIM rows, and their groups."""
    ids = [u.id for u in users]
    scim = {row.user_id: row for row in await ScimUser.filter(user_id__in=ids)}
    groups: dict[int, list[UserGroup]] = {}
    rows = await GroupMembership.filter(user_id__in=ids).select_related("group").order_by("id")
    for row in rows:
        entry = UserGroup(value=str(row.group_id), display=row.group.name)
        groups.setdefault(row.user_id, []).append(entry)
    return [_resource(d, u, scim.get(u.id), groups.get(u.id)) for u in users]


def _resource(
    d: Directory, user: OrgUser, scim: ScimUser | None, groups: list[UserGroup] | None
) -> User:
    account = user.account
    given, family = (scim.given_name, scim.family_name) if scim else (None, None)
    return User(
        id=str(user.id),
        external_id=scim.external_id if scim else None,
        user_name=scim.user_name if scim else account.email,
        name=Name(given_name=given, family_name=family) if given or family else None,
        display_name=account.display_name,
        emails=[Email(value=account.email, primary=True)],
        active=user.status is UserStatus.ACTIVE,
        groups=groups,
        meta=Meta(
            resource_type="User",
            created=user.created_at,
            location=d.location("Users", user.id),
        ),
    )


def _email(resource: User) -> str:
    """The primary email, else the only one; a user has exactly one email here."""
    emails = [e for e in resource.emails or [] if e.value]
    primary = [e for e in emails if e.primary] or emails
    if not primary:
        raise invalid_value("A user needs an email address (emails[primary eq true].value).")
    return clean_email(str(primary[0].value), "emails")


def _user_name(resource: User) -> str:
    if not resource.user_name:
        raise invalid_value("userName is required.")
    return clean_name(resource.user_name, "userName", 320)


def _profile(resource: User) -> Profile:
    name = resource.name or Name()
    return {
        "userName": _user_name(resource),
        "externalId": resource.external_id,
        "givenName": name.given_name,
        "familyName": name.family_name,
    }


async def _refuse_taken(d: Directory, user_name: str, other_than: int | None) -> None:
    """userName is unique in the organization, ignoring case (uniqueness: server)."""
    key = user_name.lower()
    taken = ScimUser.filter(organization_id=d.organization.id, user_key=key)
    unnamed = OrgUser.filter(
        organization_id=d.organization.id, account__email=key, scim__id__isnull=True
    )
    if other_than is not None:
        taken, unnamed = taken.exclude(user_id=other_than), unnamed.exclude(id=other_than)
    if await taken.exists() or await unnamed.exists():
        raise ScimError(409, f"The userName '{user_name}' is taken here.", "uniqueness")


async def create_user(d: Directory, resource: User) -> OrgUser:
    profile, email = _profile(resource), _email(resource)
    name = resource.display_name or None
    try:
        await _refuse_taken(d, str(profile["userName"]), None)
        user = await invite_user(d.ctx, d.organization, email, name, AccountType.ATLASSIAN, [])
        await _save_profile(d, user, None, profile)
        await Account.filter(id=user.account_id).update(managed=True)
        if resource.active is False:
            await membership.suspend_user(d.ctx, await _reload(user))
    except IntegrityError:  # the same userName, provisioned by a concurrent request
        raise ScimError(409, "That userName was just taken here.", "uniqueness") from None
    return await _reload(user)


async def _reload(user: OrgUser) -> OrgUser:
    return await OrgUser.get(id=user.id).select_related("account")


async def _save_profile(
    d: Directory, user: OrgUser, row: ScimUser | None, profile: Profile
) -> None:
    """What the identity provider says of the user, with one audit event when it changes."""
    before: Profile = _saved(row) if row else {}
    changed = {key: value for key, value in profile.items() if before.get(key) != value}
    if not changed:
        return
    fields = {
        "user_name": profile["userName"],
        "user_key": str(profile["userName"]).lower(),
        "external_id": profile["externalId"],
        "given_name": profile["givenName"],
        "family_name": profile["familyName"],
    }
    if row is None:
        await ScimUser.create(organization_id=d.organization.id, user_id=user.id, **fields)  # type: ignore[arg-type]
    else:
        await ScimUser.filter(id=row.id).update(**fields)
    await record(
        d.ctx,
        organization_id=d.organization.id,
        action="scim.user_provision" if row is None else "scim.user_update",
        target_type="User",
        target_id=user.id,
        rule=FeatureId.USER_PROVISIONING,
        before={key: before.get(key) for key in changed} if row else None,
        after=changed,
    )


def _saved(row: ScimUser) -> Profile:
    return {
        "userName": row.user_name,
        "externalId": row.external_id,
        "givenName": row.given_name,
        "familyName": row.family_name,
    }


async def replace_user(d: Directory, user: OrgUser, resource: User) -> OrgUser:
    """PUT: the user becomes what the resource says (readOnly attributes aside)."""
    profile, email = _profile(resource), _email(resource)
    try:
        await _refuse_taken(d, str(profile["userName"]), user.id)
        row = await ScimUser.get_or_none(user_id=user.id)
        await _save_profile(d, user, row, profile)
        await _save_account(d, user, email, resource.display_name)
        await _set_active(d, user, resource.active)
    except IntegrityError:
        raise ScimError(409, "That userName or email is taken.", "uniqueness") from None
    return await _reload(user)


async def _save_account(d: Directory, user: OrgUser, email: str, name: str | None) -> None:
    """The account's email and display name are global: the organization changes them only
    when the account is in no other organization's directory."""
    account = user.account
    changes = {"email": email} if email != account.email else {}
    if name and name.strip() != account.display_name:
        changes["display_name"] = clean_name(name, "displayName")
    if not changes:
        return
    elsewhere = OrgUser.filter(account_id=account.id).exclude(organization_id=d.organization.id)
    if await elsewhere.exists():
        raise ScimError(
            400,
            f"{account.email} is also in another organization's directory: its email and "
            "display name are not this organization's to change.",
            "mutability",
        )
    if "email" in changes and await Account.exists(email=email):
        raise ScimError(409, f"An account with email {email} exists.", "uniqueness")
    await Account.filter(id=account.id).update(**changes)
    await record(
        d.ctx,
        organization_id=d.organization.id,
        action="scim.account_update",
        target_type="User",
        target_id=user.id,
        rule=FeatureId.USER_PROVISIONING,
        before={_AUDIT_NAMES[key]: getattr(account, key) for key in changes},
        after={_AUDIT_NAMES[key]: value for key, value in changes.items()},
    )


async def _set_active(d: Directory, user: OrgUser, active: bool | None) -> None:
    """active: false suspends, active: true restores (R-ACCESS-11); the same as suspendUser
    and restoreUser, the last active organization admin kept (R-ROLE-3)."""
    current = await OrgUser.get(id=user.id).select_related("account")
    is_active = current.status is UserStatus.ACTIVE
    if active is None or active == is_active:
        return
    if active:
        await membership.restore_user(d.ctx, current)
    else:
        await membership.suspend_user(d.ctx, current)


async def delete_user(d: Directory, user: OrgUser) -> None:
    """Removes the user from the organization (removeUserFromOrganization); the account
    stays, so provisioning it again brings it back with a new id."""
    await membership.remove_user(d.ctx, user)
