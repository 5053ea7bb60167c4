"""Directory search: folded keys kept on write, and the filters Organization.users applies.

A query matches a user when it is the start of their email, of their display name, or of any
word of the name, ignoring case and accents: "emi" finds "Émile Zola" and "zo" finds him too.
Both sides are folded the same way (`fold`: Unicode NFKD, combining marks dropped, casefold,
spaces collapsed), in Python, so SQLite and PostgreSQL agree without extensions. The folded
email, name and words of each directory entry are written with the entry (`add_to_directory`)
to `directory_word`, and a search is one range of its (organization_id, word) index:
`word >= q AND word < q || U+10FFFF`, which holds every word that starts with q in code-point
order (the order SQLite compares text in, and PostgreSQL under the C collation the migration
gives the column). The sort keys of Organization.users(orderBy:) live on org_user for the same
reason: a sorted page is read from an index, not sorted after reading every user.
"""

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from models.directory import Account, DirectoryWord, OrgUser
from models.enums import AccountType, AdminRole, UserStatus
from models.organization import Organization
from permissions.errors import BadUserInput, Forbidden, NotFound
from permissions.matrix import FeatureId
from resolvers.context import Context
from resolvers.effective_access import EFFECTIVE
from resolvers.pages import Filter, Order, filter_text
from resolvers.targets import target, visible_instance

AFTER_EVERY_CONTINUATION = "\U0010ffff"  # the largest code point: q + it bounds q's range


def fold(text: str) -> str:
    """Lower case without accents, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def words_of(email: str, display_name: str) -> set[str]:
    """What a search may start with: the email, the name, each word of the name."""
    name = fold(display_name)
    found = {fold(email), name, *name.split()}
    return {w[:320] for w in found if w}


async def add_to_directory(
    organization: Organization, account: Account, display_name: str | None = None
) -> OrgUser:
    """Create the account's directory entry with its sort keys and search words (inside the
    caller's transaction, so the entry never exists without them). `display_name` is this
    organization's own name for the person, if it gave one (docs/accounts-and-groups.md); the
    keys follow the name the directory shows. The entry holds both objects, as the callers
    read `user.account` next."""
    shown = display_name or account.display_name
    user = await OrgUser.create(
        organization=organization,
        account=account,
        display_name=display_name,
        name_key=fold(shown)[:200],
        email_key=fold(account.email)[:320],
    )
    await DirectoryWord.bulk_create(
        DirectoryWord(user_id=user.id, organization_id=organization.id, word=word)
        for word in sorted(words_of(account.email, shown))
    )
    return user


class UserOrderField(StrEnum):
    DISPLAY_NAME = "DISPLAY_NAME"
    EMAIL = "EMAIL"
    DATE_ADDED = "DATE_ADDED"


SORT_COLUMNS = {
    UserOrderField.DISPLAY_NAME: "name_key",
    UserOrderField.EMAIL: "email_key",
    UserOrderField.DATE_ADDED: "created_at",
}


def user_order(field: UserOrderField, descending: bool) -> Order:
    """Sorted by the folded name or email, or the date added, then by id (pages.Order)."""
    return Order(SORT_COLUMNS[field], descending)


@dataclass(frozen=True)
class DirectoryQuery:
    """Organization.users' filters; each one left out narrows nothing."""

    query: str | None = None
    status: UserStatus | None = None
    account_type: AccountType | None = None
    admin_role: AdminRole | None = None
    product_instance_id: int | None = None


async def directory_filter(
    ctx: Context, organization_id: int, asked: DirectoryQuery
) -> Filter | None:
    """The conditions on org_user rows, all of them at once, with their parameters in order."""
    parts: list[Filter] = []
    if asked.query is not None:
        parts.append(_matching(organization_id, asked.query))
    if asked.status is not None:
        parts.append(Filter("status = ?", (asked.status.value,)))
    if asked.account_type is not None:
        parts.append(
            Filter(
                "account_id IN (SELECT id FROM account WHERE account_type = ?)",
                (asked.account_type.value,),
            )
        )
    if asked.admin_role is not None:
        parts.append(
            Filter(
                "id IN (SELECT user_id FROM role_assignment "
                "WHERE organization_id = ? AND role = ?)",
                (organization_id, asked.admin_role.value),
            )
        )
    if asked.product_instance_id is not None:
        parts.append(await _holding(ctx, organization_id, asked.product_instance_id))
    if not parts:
        return None
    sql = " AND ".join(f"({part.sql})" for part in parts)
    return Filter(sql, tuple(value for part in parts for value in part.params))


def _matching(organization_id: int, query: str) -> Filter:
    """Entries of the organization with a word starting with the folded query."""
    prefix = fold(filter_text("query", query))
    if not prefix:
        raise BadUserInput("'query' must hold a letter, a digit or a sign to search for.")
    return Filter(
        "id IN (SELECT user_id FROM directory_word "
        "WHERE organization_id = ? AND word >= ? AND word < ?)",
        (organization_id, prefix, prefix + AFTER_EVERY_CONTINUATION),
    )


async def _holding(ctx: Context, organization_id: int, product_instance_id: int) -> Filter:
    """Users with effective access to a product instance of this organization. Who holds a
    product is what ProductInstance.users shows: the engine decides view_users_in_organization
    on that product, so a SCOPED admin can't learn about products outside their scope."""
    instance = await visible_instance(ctx, product_instance_id)
    if instance.organization_id != organization_id:
        raise NotFound("No such product instance.")
    feature = FeatureId.VIEW_USERS_IN_ORGANIZATION
    decision = ctx.decide(feature, await target(ctx, instance))
    if not decision.allowed:
        raise Forbidden(decision.reason, rule=decision.rule)
    return Filter(
        f"id IN (SELECT e.user_id FROM ({EFFECTIVE}) e WHERE e.product_instance_id = ?)",
        (product_instance_id,),
    )
