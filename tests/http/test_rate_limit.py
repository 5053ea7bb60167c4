"""The rate limit per credential (portcullis/http/rate_limit.py): HTTP 429 with a GraphQL-shaped
body,
`extensions.code = "RATE_LIMITED"` and Retry-After; every credential and every address has its
own count; the count starts again in each window; the counters are in PostgreSQL when the
database is PostgreSQL (atomic across requests and processes), in memory on SQLite."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from tortoise import connections

from models.organization import Site
from models.rate_limit import RateLimitCounter
from portcullis.http.app import create_app
from portcullis.http.rate_counter import MemoryCounter
from portcullis.http.rate_limit import Limiter
from portcullis.settings import RateLimit, Settings, SettingsError, load_settings
from tests.permissions.test_auth import api_key, prefix_of
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

LIMIT = 3
# Long enough that no window ends while a test runs: windows are aligned to the epoch, so a
# short one could end between two requests and make a count start again.
WINDOW_S = 1_000_000
VIEWER = "{ viewer { email } }"
CATALOG = "{ productCatalog { key } }"
CREATE_SITE = """
mutation ($org: ID!) { createSite(input: {organizationId: $org, name: "late.example.net"}) {
  site { id } errors { code } } }
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 5.0 * WINDOW_S + 10  # ten seconds into a window

    def __call__(self) -> float:
        return self.now


@dataclass
class Limited:
    """A client of an app limited to LIMIT requests per window, and a way to end the window."""

    api: GraphQLClient
    clock: FakeClock
    is_postgres: bool

    async def next_window(self) -> None:
        if self.is_postgres:  # the database's clock counts: move the rows back one window
            await RateLimitCounter.all().update(window_start=-WINDOW_S)
        else:
            self.clock.now += WINDOW_S


@pytest.fixture
async def limited(database: str, is_postgres: bool) -> AsyncIterator[Limited]:
    limit = RateLimit(requests=LIMIT, window_s=WINDOW_S)
    settings = Settings(
        database_url=database, graphiql=False, log_level="warning", rate_limit=limit
    )
    app = create_app(settings, manage_database=False)
    clock = FakeClock()
    if not is_postgres:  # the in-memory counter, on a clock the test moves
        app.state.rate_limiter = Limiter(limit, MemoryCounter(WINDOW_S, clock=clock))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portcullis.test") as http:
        yield Limited(GraphQLClient(http), clock, is_postgres)


async def spend(api: GraphQLClient, token: str | None, times: int = LIMIT) -> None:
    for _ in range(times):
        result = await api(VIEWER if token else CATALOG, token=token)
        assert result.status == 200, result.body


def assert_rate_limited(result: Result) -> None:
    assert result.status == 429
    assert set(result.body) == {"errors"}  # refused before execution: no "data" (GraphQL over HTTP)
    (error,) = result.errors
    extensions = error["extensions"]
    assert extensions["code"] == "RATE_LIMITED"
    assert (extensions["limit"], extensions["windowSeconds"]) == (LIMIT, WINDOW_S)
    assert 1 <= extensions["retryAfter"] <= WINDOW_S
    assert f"at most {LIMIT} per {WINDOW_S} s" in error["message"]


async def test_past_the_limit_a_credential_gets_429_with_retry_after(limited: Limited) -> None:
    world = await factories.world()
    await spend(limited.api, world.admin_token)
    response = await limited.api.http.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {world.admin_token}", "X-Request-Id": "over-1"},
    )
    assert_rate_limited(Result(response.status_code, response.json()))
    retry_after = response.json()["errors"][0]["extensions"]["retryAfter"]
    assert response.headers["retry-after"] == str(retry_after)
    assert response.headers["ratelimit-remaining"] == "0"
    assert "this credential" in response.json()["errors"][0]["message"]


async def test_every_counted_answer_says_the_limit_and_what_is_left(limited: Limited) -> None:
    """RateLimit-Limit / -Remaining / -Reset, so a client slows down before a 429."""
    world = await factories.world()
    remaining = []
    for _ in range(LIMIT + 1):
        response = await limited.api.http.post(
            "/graphql",
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {world.admin_token}"},
        )
        assert response.headers["ratelimit-limit"] == str(LIMIT)
        assert 1 <= int(response.headers["ratelimit-reset"]) <= WINDOW_S
        remaining.append((response.status_code, int(response.headers["ratelimit-remaining"])))
    assert remaining == [(200, 2), (200, 1), (200, 0), (429, 0)]


async def test_a_refused_mutation_changes_nothing(limited: Limited) -> None:
    world = await factories.world()
    await spend(limited.api, world.admin_token)
    org = gid("Organization", world.org.id)
    assert_rate_limited(await limited.api(CREATE_SITE, {"org": org}, world.admin_token))
    assert not await Site.exists(name="late.example.net")


async def test_each_credential_has_its_own_count(limited: Limited) -> None:
    """Per credential, not per account: a second token of the same admin is not limited."""
    world = await factories.world()
    second_token = await factories.token(world.admin)
    key = await api_key(world.org)
    await spend(limited.api, world.admin_token)
    assert_rate_limited(await limited.api(VIEWER, token=world.admin_token))
    await spend(limited.api, second_token)
    await spend(limited.api, key)
    await spend(limited.api, None)  # nor is a caller without credentials
    assert_rate_limited(await limited.api(VIEWER, token=second_token))
    assert_rate_limited(await limited.api(VIEWER, token=key))


async def test_requests_without_a_valid_credential_are_counted_by_address(
    limited: Limited,
) -> None:
    """A forger who knows the admin's prefix spends the budget of their own address, not the
    admin's: a credential is counted as itself only once it is valid."""
    world = await factories.world()
    kind, prefix, secret = world.admin_token.split("_", 2)
    forged = f"{kind}_{prefix}_{'A' * len(secret)}"
    for _ in range(LIMIT - 1):
        assert (await limited.api(VIEWER, token=forged)).codes == ["UNAUTHENTICATED"]
    assert (await limited.api(CATALOG)).ok()
    over = await limited.api(VIEWER, token=forged)
    assert_rate_limited(over)
    assert "this address without a valid credential" in over.errors[0]["message"]
    assert_rate_limited(await limited.api(CATALOG))
    await spend(limited.api, world.admin_token)


async def test_the_count_starts_again_in_the_next_window(limited: Limited) -> None:
    world = await factories.world()
    await spend(limited.api, world.admin_token)
    assert_rate_limited(await limited.api(VIEWER, token=world.admin_token))
    await limited.next_window()
    await spend(limited.api, world.admin_token)
    assert_rate_limited(await limited.api(VIEWER, token=world.admin_token))


async def test_concurrent_requests_are_counted_exactly(limited: Limited) -> None:
    """On PostgreSQL each request is one atomic upsert: of 12 at once, exactly LIMIT pass."""
    world = await factories.world()
    results = await asyncio.gather(
        *(limited.api(VIEWER, token=world.admin_token) for _ in range(12))
    )
    assert sorted(r.status for r in results) == [200] * LIMIT + [429] * (12 - LIMIT)


async def test_rows_of_ended_windows_are_deleted(limited: Limited, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("counters are rows only on PostgreSQL")
    await RateLimitCounter.create(key="addr:192.0.2.1", window_start=0, hits=9)
    world = await factories.world()
    await spend(limited.api, world.admin_token, 1)
    credential = "pct_" + prefix_of(world.admin_token)
    assert await RateLimitCounter.all().values_list("key", "hits") == [(credential, 1)]


async def test_the_memory_counter_keeps_only_the_current_window() -> None:
    clock = FakeClock()
    counter = MemoryCounter(60, clock=clock)
    assert [(await counter.hit(key)).count for key in ("a", "b", "c", "a")] == [1, 1, 1, 2]
    clock.now += 60
    assert (await counter.hit("a")).count == 1
    assert list(counter._counts) == ["a"]


def test_rate_limit_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORTCULLIS_RATE_LIMIT", "PORTCULLIS_RATE_LIMIT_WINDOW"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings().rate_limit == RateLimit(requests=600, window_s=60)
    monkeypatch.setenv("PORTCULLIS_RATE_LIMIT_WINDOW", "1h")
    monkeypatch.setenv("PORTCULLIS_RATE_LIMIT", "5000")
    assert load_settings().rate_limit == RateLimit(requests=5000, window_s=3600)
    for off in ("off", "OFF", "0"):
        monkeypatch.setenv("PORTCULLIS_RATE_LIMIT", off)
        assert load_settings().rate_limit is None, off
    for bad, name in (("-5", "PORTCULLIS_RATE_LIMIT"), ("fast", "PORTCULLIS_RATE_LIMIT")):
        monkeypatch.setenv("PORTCULLIS_RATE_LIMIT", bad)
        with pytest.raises(SettingsError, match=name):
            load_settings()
    monkeypatch.setenv("PORTCULLIS_RATE_LIMIT", "10")
    monkeypatch.setenv("PORTCULLIS_RATE_LIMIT_WINDOW", "60")
    with pytest.raises(SettingsError, match="PORTCULLIS_RATE_LIMIT_WINDOW"):
        load_settings()


async def test_without_a_limit_nothing_is_counted(api: GraphQLClient) -> None:
    for _ in range(LIMIT + 2):
        assert (await api(CATALOG)).ok()
    assert await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n FROM rate_limit_counter"
    ) == [{"n": 0}]


async def test_the_counter_table_is_unlogged_on_postgresql(is_postgres: bool) -> None:
    """No WAL for counters: the upsert's commit does not wait for the disk (bench/README.md)."""
    if not is_postgres:
        pytest.skip("a PostgreSQL table property")
    rows = await connections.get("default").execute_query_dict(
        "SELECT relpersistence::text FROM pg_class WHERE relname = 'rate_limit_counter'"
    )
    assert rows == [{"relpersistence": "u"}]
