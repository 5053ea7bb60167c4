"""Batched pagination (resolvers/pages.py): a page of one parent is read with ORDER BY ... LIMIT,
the pages of several parents with ROW_NUMBER() per parent; both must give the same page.

Each list is read for one organization alone and beside a second organization's, first pages
and pages after a cursor, forwards and newest first, and walked backwards from the end, with a
field's filter (ProductInstance.users by role) and a SCOPED role's narrowing (an ORIGINAL site
admin's directory)."""

from models.directory import OrgUser
from models.enums import AccountType, Experience
from models.group import DefaultGroup
from resolvers import organizations
from resolvers.pages import (
    GROUP_MEMBERS,
    ORG_AUDIT_LOG,
    ORG_USERS,
    Filter,
    Link,
    Page,
    PageKey,
    load_pages,
)
from resolvers.product_access import INSTANCE_USERS, users_filter
from resolvers.scopes import Scope
from tests.support import factories
from tests.support.factories import World


async def _populated(name: str, experience: Experience = Experience.CENTRALIZED) -> World:
    """Members with and without Jira, a customer, a suspended member: who the lists leave out."""
    world = await factories.world(experience, name=name)
    for n in range(7):
        grants = [(world.jira, "USER" if n % 3 else "PRODUCT_ADMIN")] if n % 4 else []
        await world.member(f"m{n}@{name.lower()}.example", grants)
    await world.member(f"c@{name.lower()}.example", kind=AccountType.CUSTOMER)
    suspended, _ = await world.member(f"s@{name.lower()}.example", [(world.jira, "USER")])
    await OrgUser.filter(id=suspended.id).update(status="SUSPENDED")
    return world


async def _default_group(world: World, role: str) -> int:
    found = await DefaultGroup.get(product_instance_id=world.jira.id, role=role)
    return found.group_id


async def _alone_and_beside(link: Link, key: PageKey, other: int) -> tuple[Page, Page]:
    alone = await load_pages(link, [key])
    second = PageKey(other, key.size, key.cursor, key.scope, key.filter, key.backward, key.order)
    beside = await load_pages(link, [key, second])
    return alone[0], beside[0]


async def _pages_agree(
    link: Link, parent: int, other: int, scope: Scope | None = None, where: Filter | None = None
) -> list[int]:
    """Every window of the list: the page alone equals the page read beside another parent's."""
    seen: list[int] = []
    for first in (1, 3, 100):
        after: int | None = None
        while True:
            page_key = PageKey(parent, first, after, scope, where)
            alone, beside = await _alone_and_beside(link, page_key, other)
            assert alone == beside, (link.source, first, after)
            if first == 3:
                seen += alone.child_ids
            if not alone.has_more:
                break
            after = alone.child_ids[-1]
    assert await _walked_backwards(link, parent, other, scope, where) == seen
    return seen


async def _walked_backwards(
    link: Link, parent: int, other: int, scope: Scope | None, where: Filter | None
) -> list[int]:
    """`last`/`before` from the end: the same list, each page in the list's own order."""
    walked: list[int] = []
    before: int | None = None
    while True:
        key = PageKey(parent, 3, before, scope, where, backward=True)
        alone, beside = await _alone_and_beside(link, key, other)
        assert alone == beside, (link.source, "backward", before)
        walked = alone.child_ids + walked
        if not alone.has_more:
            return walked
        before = alone.child_ids[0]


async def test_one_parents_page_is_its_page_among_many() -> None:
    acme, globex = await _populated("Acme"), await _populated("Globex")
    users = await _pages_agree(ORG_USERS, acme.org.id, globex.org.id)
    assert users == sorted(users)
    assert len(users) == 10
    log = await _pages_agree(ORG_AUDIT_LOG, acme.org.id, globex.org.id)
    assert log == sorted(log, reverse=True)
    assert log
    holders = await _pages_agree(INSTANCE_USERS, acme.jira.id, globex.jira.id)
    assert len(holders) == 6  # R-ROLE-4 admin + 5 granted members; not R-ACCESS-6/11
    admins = await _pages_agree(
        INSTANCE_USERS, acme.jira.id, globex.jira.id, where=users_filter("PRODUCT_ADMIN", None)
    )
    assert 0 < len(admins) < len(holders)
    group, other = [await _default_group(w, "USER") for w in (acme, globex)]
    assert len(await _pages_agree(GROUP_MEMBERS, group, other)) == 4  # USER grants, suspended too


async def test_a_narrowed_page_alone_is_the_narrowed_page_among_many() -> None:
    acme = await _populated("Acme", Experience.ORIGINAL)
    globex = await _populated("Globex", Experience.ORIGINAL)
    second = await organizations.create_site(acme.ctx, acme.org.id, "acme-labs.example.net")
    await organizations.add_product(acme.ctx, second.id, "confluence")
    narrowed = Scope(site_ids=(acme.site.id, globex.site.id))
    users = await _pages_agree(ORG_USERS, acme.org.id, globex.org.id, narrowed)
    assert users
    assert len(users) < 10
