"""Personal tokens and API keys as credentials: one answer for every refused credential, token
lifetimes (PORTCULLIS_TOKEN_LIFETIME, `token create --expires-in`), and `token list | revoke`
taking effect at the next request (R-TOKEN-1, R-KEY-1)."""

import os
from datetime import UTC, datetime, timedelta

import pytest

from models.credentials import ApiKey, PersonalToken
from portcullis.settings import SettingsError, load_settings
from tests.permissions.test_auth import api_key, prefix_of
from tests.support import factories
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import cli, run_cli

VIEWER = "{ viewer { email apiKey { name } } }"
HOUR = timedelta(hours=1)


def forged(credential: str) -> str:
    """The same kind and prefix, another secret of the same length."""
    kind, prefix, secret = credential.split("_", 2)
    return f"{kind}_{prefix}_{'A' * len(secret)}"


async def test_every_refused_credential_gets_one_and_the_same_answer(api: GraphQLClient) -> None:
    """Unknown, wrong secret, revoked, expired: the same status and body, so a caller who knows a
    prefix learns nothing from the answer (the hash is compared in constant time, always)."""
    world = await factories.world()
    _, revoked = await world.member("revoked@example.com")
    _, expired = await world.member("expired@example.com")
    revoked_key = await api_key(world.org, "revoked-key")
    expired_key = await api_key(world.org, "expired-key")
    now = datetime.now(UTC)
    await PersonalToken.filter(prefix=prefix_of(revoked)).update(revoked_at=now)
    await PersonalToken.filter(prefix=prefix_of(expired)).update(expires_at=now - HOUR)
    await ApiKey.filter(name="revoked-key").update(revoked_at=now)
    await ApiKey.filter(name="expired-key").update(expires_at=now - HOUR)
    live_key = await api_key(world.org, "live")
    refused = {
        "unknown token": "pct_0123456789ab_" + "A" * 43,
        "unknown key": "pck_0123456789ab_" + "A" * 43,
        "token, wrong secret": forged(world.admin_token),
        "key, wrong secret": forged(live_key),
        "revoked token": revoked,
        "expired token": expired,
        "revoked key": revoked_key,
        "expired key": expired_key,
    }
    answers = {name: await api(VIEWER, token=sent) for name, sent in refused.items()}
    first = answers["unknown token"]
    assert first.status == 401
    assert first.codes == ["UNAUTHENTICATED"]
    assert first.errors[0]["message"] == "Invalid or expired credentials."
    for name, answer in answers.items():
        assert (answer.status, answer.body) == (first.status, first.body), name
    for live in (world.admin_token, live_key):  # the genuine ones still work
        assert (await api(VIEWER, token=live)).ok()


# Lifetimes


def test_token_lifetime_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTCULLIS_TOKEN_LIFETIME", raising=False)
    assert load_settings().token_lifetime == timedelta(days=90)
    for sent, expected in (("7d", timedelta(days=7)), ("12h", HOUR * 12), ("never", None)):
        monkeypatch.setenv("PORTCULLIS_TOKEN_LIFETIME", sent)
        assert load_settings().token_lifetime == expected, sent
    for bad in ("90", "0d", "-1d", "1w", "soon", ""):
        monkeypatch.setenv("PORTCULLIS_TOKEN_LIFETIME", bad)
        with pytest.raises(SettingsError, match="PORTCULLIS_TOKEN_LIFETIME"):
            load_settings()


@pytest.fixture
def cli_env(database: str) -> dict[str, str]:
    """The CLI against the test database; the default lifetime unless a test sets one."""
    env = {**os.environ, "DATABASE_URL": database}
    env.pop("PORTCULLIS_TOKEN_LIFETIME", None)
    return env


async def expiry_of(credential: str) -> datetime | None:
    return (await PersonalToken.get(prefix=prefix_of(credential))).expires_at


def assert_expires_in(expires: datetime | None, lifetime: timedelta) -> None:
    assert expires is not None
    assert abs(expires - (datetime.now(UTC) + lifetime)) < HOUR


async def test_cli_tokens_expire_after_the_configured_lifetime(cli_env: dict[str, str]) -> None:
    person = await factories.account("lee@example.com")
    default = cli(cli_env, "token", "create", "--email", person.email)
    assert_expires_in(await expiry_of(default), timedelta(days=90))
    asked = cli(cli_env, "token", "create", "--email", person.email, "--expires-in", "30d")
    assert_expires_in(await expiry_of(asked), timedelta(days=30))
    configured = cli(
        {**cli_env, "PORTCULLIS_TOKEN_LIFETIME": "7d"}, "token", "create", "--email", person.email
    )
    assert_expires_in(await expiry_of(configured), timedelta(days=7))
    endless = cli(cli_env, "token", "create", "--email", person.email, "--expires-in", "never")
    assert await expiry_of(endless) is None


async def test_cli_refuses_a_bad_lifetime_and_creates_nothing(cli_env: dict[str, str]) -> None:
    person = await factories.account("lee@example.com")
    done = run_cli(cli_env, "token", "create", "--email", person.email, "--expires-in", "30")
    assert done.returncode == 2
    assert "--expires-in: '30' is not a duration" in done.stderr
    assert done.stdout == ""
    broken = run_cli(
        {**cli_env, "PORTCULLIS_TOKEN_LIFETIME": "forever"}, "token", "create", "--email", "x@y.z"
    )
    assert broken.returncode == 2
    assert "PORTCULLIS_TOKEN_LIFETIME: 'forever' is not a duration" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert not await PersonalToken.exists(account_id=person.id)


async def test_a_token_past_its_expiry_is_refused_at_once(api: GraphQLClient) -> None:
    world = await factories.world()
    assert (await api(VIEWER, token=world.admin_token)).ok()
    past = datetime.now(UTC) - timedelta(seconds=1)
    await PersonalToken.filter(prefix=prefix_of(world.admin_token)).update(expires_at=past)
    refused = await api(VIEWER, token=world.admin_token)
    assert refused.codes == ["UNAUTHENTICATED"]
    assert refused.errors[0]["message"] == "Invalid or expired credentials."


# Listing and revoking


async def test_cli_revokes_a_token_from_the_next_request_on(
    api: GraphQLClient, cli_env: dict[str, str]
) -> None:
    world = await factories.world()
    other = await factories.token(world.admin)  # a second token of the same account
    prefix = prefix_of(world.admin_token)
    assert (await api(VIEWER, token=world.admin_token)).ok()
    said = cli(cli_env, "token", "revoke", "--prefix", prefix)
    assert said.startswith(f"revoked {prefix}")
    assert (await api(VIEWER, token=world.admin_token)).codes == ["UNAUTHENTICATED"]
    assert (await api(VIEWER, token=other)).ok()  # only that credential
    listed = cli(cli_env, "token", "list", "--email", world.admin.email).splitlines()
    assert [line.split()[:2] for line in listed] == [
        [prefix, "revoked"],
        [prefix_of(other), "active"],
    ]


async def test_cli_revoke_refuses_what_it_cannot_revoke(cli_env: dict[str, str]) -> None:
    world = await factories.world()
    prefix = prefix_of(world.admin_token)
    cli(cli_env, "token", "revoke", "--prefix", prefix)
    for sent, says in (
        (prefix, f"no live token with prefix {prefix}"),  # already revoked
        ("0123456789ab", "no live token with prefix 0123456789ab"),
        ("abc", "'abc' is not a token prefix"),
    ):
        done = run_cli(cli_env, "token", "revoke", "--prefix", sent)
        assert (done.returncode, says in done.stderr) == (2, True), done.stderr
