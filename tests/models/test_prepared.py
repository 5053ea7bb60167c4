"""models/prepared.py: rows by a column's values with the statement Tortoise builds made once
(issue 19.3). It must run exactly what the QuerySet runs and map the rows the same way."""

from models.credentials import PersonalToken
from models.directory import OrgUser
from models.prepared import _statement, select_in
from tests.support import factories


async def test_select_in_answers_as_the_queryset_does() -> None:
    world = await factories.world()
    users = [(await world.member())[0] for _ in range(3)]
    ids = [users[2].id, users[0].id, 10_000]  # in any order, one missing
    related = ("account", "organization")
    got = await select_in(OrgUser, "id", ids, related)
    expected = await OrgUser.filter(id__in=ids).select_related(*related)
    assert sorted(u.pk for u in got) == sorted(u.pk for u in expected) == sorted(ids[:2])
    for mine, theirs in zip(
        sorted(got, key=lambda u: u.pk), sorted(expected, key=lambda u: u.pk), strict=True
    ):
        assert mine.account.email == theirs.account.email
        assert mine.organization.name == theirs.organization.name
        assert mine.status == theirs.status


async def test_the_statement_is_tortoises_own_and_made_once_per_shape() -> None:
    world = await factories.world()
    user, _ = await world.member()
    query = OrgUser.filter(id__in=[1, 2]).select_related("account")
    dialect = OrgUser._meta.db.capabilities.dialect
    sql, _ = _statement(OrgUser, "id", ("account",), 2, dialect)
    assert sql == query.sql()
    made = _statement.cache_info().misses
    await select_in(OrgUser, "id", [user.id, user.id + 1], ("account",))
    await select_in(OrgUser, "id", [user.id + 2, user.id], ("account",))
    assert _statement.cache_info().misses == made  # two ids again: the same statement


async def test_a_string_column_finds_its_row() -> None:
    await factories.world()  # its admin has a personal token
    token = await PersonalToken.first()
    assert token is not None
    found = await select_in(PersonalToken, "prefix", [token.prefix], ("account",))
    assert [t.pk for t in found] == [token.pk]
    assert found[0].account.id == token.account_id
    assert await select_in(PersonalToken, "prefix", ["000000000000"]) == []
