"""The access diff of a mutation, and dry runs (issue 5).

A `Watch` reads the effective access of the users a mutation can affect before and after it,
inside the mutation's own transaction, so the diff is exactly what the change did. A dry run
is the same run rolled back: the mutation's own code makes every check and every write,
audit events included, and then nothing is kept. So a dry run returns the diff the real
mutation then produces, by construction.

Only the affected users' access can change, so the billable count of a product instance
before the change is its count after it, minus the affected users who became billable there,
plus those who stopped being billable.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from models.directory import OrgUser
from models.group import GroupMembership
from resolvers.effective_access import EFFECTIVE, billable_count_sql, billable_roles
from resolvers.pages import placeholders, rows

R = TypeVar("R")
# (user id, product instance id, role)
Held = frozenset[tuple[int, int, str]]
CHUNK = 500  # ids per statement: well under both databases' parameter limits
HELD_SQL = (
    f"SELECT DISTINCT user_id, product_instance_id, role FROM ({EFFECTIVE}) e "
    "WHERE user_id IN {keys}"
)


@dataclass(frozen=True)
class AccessChange:
    user_id: int
    product_instance_id: int
    role: str


@dataclass(frozen=True)
class BillableChange:
    product_instance_id: int
    before: int
    after: int


@dataclass(frozen=True)
class AccessDiff:
    gained: tuple[AccessChange, ...]
    lost: tuple[AccessChange, ...]
    billable: tuple[BillableChange, ...]


async def effective_of(user_ids: Sequence[int]) -> Held:
    unique = sorted(set(user_ids))
    found: set[tuple[int, int, str]] = set()
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        for row in await rows(HELD_SQL.format(keys=placeholders(chunk)), chunk):
            found.add((int(row["user_id"]), int(row["product_instance_id"]), str(row["role"])))
    return frozenset(found)


async def billable_counts(instance_ids: Sequence[int]) -> dict[int, int]:
    unique = sorted(set(instance_ids))
    if not unique:
        return {}
    sql, roles = billable_count_sql(placeholders(unique))
    return {int(r["k"]): int(r["n"]) for r in await rows(sql, [*roles, *unique])}


def _billable_users(held: Held, instance_id: int) -> set[int]:
    paying = billable_roles()
    return {u for u, i, role in held if i == instance_id and role in paying}


async def diff(before: Held, after: Held) -> AccessDiff:
    def changes(held: Held) -> tuple[AccessChange, ...]:
        return tuple(AccessChange(*entry) for entry in sorted(held))

    touched = sorted({i for _, i, _ in before ^ after})
    counts = await billable_counts(touched)
    billable = []
    for instance_id in touched:
        was, now = _billable_users(before, instance_id), _billable_users(after, instance_id)
        count = counts.get(instance_id, 0)
        billable.append(BillableChange(instance_id, count - len(now - was) + len(was - now), count))
    return AccessDiff(changes(after - before), changes(before - after), tuple(billable))


Users = Callable[[], Awaitable[Sequence[int]]]


@dataclass
class Watch:
    """Measures a mutation's access diff. `affected` names the users whose access the
    mutation can change, read inside its transaction before it runs; `joined`, read after it,
    the users it added to the organization (they held nothing there before). `check` sees
    the diff in the same transaction and refuses by raising (R-REACH-1, resolvers/
    actor_reach.py): the change is then rolled back whole."""

    affected: Users
    dry_run: bool = False
    wanted: bool = True
    check: Callable[[AccessDiff], Awaitable[None]] | None = None
    joined: Users | None = None
    diff: AccessDiff | None = field(default=None, init=False)

    @property
    def needed(self) -> bool:
        """Whether the diff must be read: asked for, or checked."""
        return self.dry_run or self.wanted or self.check is not None

    async def measure(self, work: Callable[[], Awaitable[R]]) -> R:
        """Run `work` between the two reads; called inside the mutation's transaction
        (resolvers/runner.py), which a dry run then rolls back."""
        users = await self.affected()
        before = await effective_of(users)
        result = await work()
        if self.joined is not None:
            users = [*users, *await self.joined()]
        self.diff = await diff(before, await effective_of(users))
        if self.check is not None:
            await self.check(self.diff)
        return result


def these(user_ids: Sequence[int | None]) -> Users:
    """The users a mutation names (unknown ids are refused by the mutation itself)."""

    async def affected() -> Sequence[int]:
        return [pk for pk in user_ids if pk is not None]

    return affected


def members_of(group_ids: Sequence[int]) -> Users:
    """The members of groups, read in the mutation's transaction before it changes them."""

    async def affected() -> Sequence[int]:
        found = await GroupMembership.filter(group_id__in=list(group_ids))
        return [membership.user_id for membership in found]

    return affected


def entry_of(organization_id: int, account_id: int | None = None, email: str = "") -> Users:
    """The directory entry in an organization of an account, named by its id or by its
    (cleaned) email, if it has one: inviteUser and approveAccessRequest add it."""

    async def affected() -> Sequence[int]:
        found = OrgUser.filter(organization_id=organization_id)
        if account_id is not None:
            found = found.filter(account_id=account_id)
        else:
            found = found.filter(account__email=email)
        return [user.id for user in await found]

    return affected
