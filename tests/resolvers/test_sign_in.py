"""Sign-in for people (docs/http-api.md, issue 15.9), against real servers: `portcullis token
create --link` and `portcullis demo` print a one-time link whose code the signIn mutation
exchanges for a personal token, once, before it expires, in whichever process; audited; rate
limited like every call without a valid credential."""

import asyncio
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from models.audit import AuditEvent
from models.console import SignInCode
from models.credentials import PersonalToken
from models.enums import ActorKind
from tests.support import factories
from tests.support.servers import cli, env_on, server

SIGN_IN = """
mutation ($code: String!) {
  signIn(input: {code: $code}) { token email expiresAt errors { code field message rule } } }
"""
VIEWER = "{ viewer { email } }"
REFUSED = {
    "token": None,
    "email": None,
    "expiresAt": None,
    "errors": [
        {
            "code": "INVALID_SIGN_IN_CODE",
            "field": "code",
            "message": "This sign-in code is unknown, used or expired: ask for a new sign-in link.",
            "rule": "R-TOKEN-1",
        }
    ],
}


def code_of(link: str) -> str:
    fragment = urlsplit(link).fragment
    assert fragment.startswith("sign-in="), link
    return fragment.removeprefix("sign-in=")


def call(
    base: str, query: str, variables: dict[str, Any], token: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    )


def sign_in(base: str, code: str) -> dict[str, Any]:
    answer = call(base, SIGN_IN, {"code": code})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["signIn"]
    return payload


async def test_a_link_from_the_cli_signs_in_once(database: str) -> None:
    world = await factories.world()
    email = world.admin.email
    env = env_on(database, PORTCULLIS_SIGN_IN_URL="https://console.example.com/sign-in")
    link = cli(
        env, "token", "create", "--email", email, "--name", "laptop", "--link", "--expires-in", "2h"
    )
    assert link.startswith("https://console.example.com/sign-in#sign-in=")
    code = code_of(link)
    stored = await SignInCode.get(account_id=world.admin.id)
    assert stored.code_hash == hashlib.sha256(code.encode()).hexdigest()  # only a hash is kept
    with server(env) as base:
        signed_in = sign_in(base, code)
        assert signed_in["errors"] == []
        assert signed_in["email"] == email
        token = signed_in["token"]
        assert token.startswith("pct_")
        expires = datetime.fromisoformat(signed_in["expiresAt"])
        assert timedelta(hours=1, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=2)
        me = call(base, VIEWER, {}, token)
        assert me.json() == {"data": {"viewer": {"email": email}}}
        assert sign_in(base, code) == REFUSED  # once only
    row = await PersonalToken.get(prefix=token.split("_")[1])
    assert (row.account_id, row.name) == (world.admin.id, "laptop")
    assert (await SignInCode.get(id=stored.id)).used_at is not None
    events = await AuditEvent.filter(action="personal_token.sign_in").values(
        "organization_id", "actor_kind", "actor_id", "actor_label", "target_id", "rule"
    )
    assert events == [
        {
            "organization_id": world.org.id,
            "actor_kind": ActorKind.ACCOUNT,
            "actor_id": world.admin.id,
            "actor_label": email,
            "target_id": row.prefix,
            "rule": "R-TOKEN-1",
        }
    ]


async def test_unknown_and_expired_codes_get_the_same_refusal(database: str) -> None:
    world = await factories.world()
    env = env_on(database)
    expired = code_of(cli(env, "token", "create", "--email", world.admin.email, "--link"))
    await SignInCode.filter(account_id=world.admin.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    with server(env) as base:
        for code in (expired, "x" * 43, "", "y" * 500):
            assert sign_in(base, code) == REFUSED, code
    assert await PersonalToken.filter(account_id=world.admin.id).count() == 1  # the world's own
    assert await AuditEvent.filter(action="personal_token.sign_in").count() == 0


async def test_of_two_racing_exchanges_in_two_processes_exactly_one_wins(database: str) -> None:
    world = await factories.world()
    env = env_on(database)
    codes = [
        code_of(cli(env, "token", "create", "--email", world.admin.email, "--link"))
        for _ in range(5)
    ]
    with server(env) as first, server(env) as second:
        async with httpx.AsyncClient(timeout=30) as http:
            for code in codes:
                body = {"query": SIGN_IN, "variables": {"code": code}}
                answers = await asyncio.gather(
                    *(
                        http.post(f"{base}/graphql", json=body)
                        for base in (first, second, first, second)
                    )
                )
                payloads = [a.json()["data"]["signIn"] for a in answers]
                assert sorted(p["token"] is None for p in payloads) == [False, True, True, True]
    assert await PersonalToken.filter(account_id=world.admin.id).count() == 1 + len(codes)
    assert await AuditEvent.filter(action="personal_token.sign_in").count() == len(codes)


async def test_the_code_lifetime_setting_bounds_the_code(database: str) -> None:
    world = await factories.world()
    env = env_on(database, PORTCULLIS_SIGN_IN_CODE_LIFETIME="3m")
    cli(env, "token", "create", "--email", world.admin.email, "--link", "--expires-in", "never")
    row = await SignInCode.get(account_id=world.admin.id)
    assert timedelta(minutes=2) < row.expires_at - datetime.now(UTC) <= timedelta(minutes=3)
    assert row.token_lifetime_s is None  # `never`: the token it gives does not expire


def test_the_demo_prints_a_link_per_person(database: str) -> None:
    env = env_on(database)
    printed = json.loads(cli(env, "demo", "--json"))
    links = printed["signInLinks"]
    assert set(links) == set(printed["tokens"])
    assert links["alice@acme.example"].startswith("http://127.0.0.1:8000/console/#sign-in=")
    with server(env) as base:
        signed_in = sign_in(base, code_of(links["alice@acme.example"]))
        assert signed_in["email"] == "alice@acme.example"
        me = call(base, VIEWER, {}, signed_in["token"])
        assert me.json() == {"data": {"viewer": {"email": "alice@acme.example"}}}
    text = cli(env, "demo")
    assert "sign in to the admin console by" in text
    assert text.count("#sign-in=") == len(links)


def test_sign_in_is_rate_limited_like_any_call_without_a_credential(database: str) -> None:
    env = env_on(database, PORTCULLIS_RATE_LIMIT="3", PORTCULLIS_RATE_LIMIT_WINDOW="1h")
    with server(env) as base:
        statuses = [call(base, SIGN_IN, {"code": f"guess{n}"}).status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = call(base, SIGN_IN, {"code": "guess"})
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
