"""Persisted documents (docs/http-api.md, issue 15.8), against real servers: a document sent by
its SHA-256 (extensions.persistedQuery, Apollo's convention), registered by sending text and
hash, known to every process; PORTCULLIS_DOCUMENTS=trusted answers only a manifest's documents."""

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from models.console import PersistedDocument
from portcullis.settings import CONSOLE_MANIFEST
from tests.support import factories
from tests.support.servers import env_on, free_port, run_cli, server

GRAPHQL_RESPONSE = "application/graphql-response+json"
CATALOG = "{ productCatalog { key } }"
VIEWER = "query Me { viewer { email } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def send(
    base: str,
    *,
    query: str | None = None,
    digest: str | None = None,
    token: str | None = None,
    accept: str = "application/json",
) -> httpx.Response:
    body: dict[str, Any] = {}
    if query is not None:
        body["query"] = query
    if digest is not None:
        body["extensions"] = persisted(digest)
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{base}/graphql", json=body, headers=headers, timeout=30)


def by_get(base: str, digest: str, token: str) -> httpx.Response:
    """A query by hash over GET: a URL a cache in front could keep."""
    return httpx.get(
        f"{base}/graphql",
        params={"extensions": json.dumps(persisted(digest))},
        headers={"Authorization": f"Bearer {token}", "Accept": GRAPHQL_RESPONSE},
    )


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


@pytest.fixture(scope="module")
def two(database: str) -> Iterator[tuple[str, str]]:
    """Two API processes on one database."""
    env = env_on(database)
    with server(env) as first, server(env) as second:
        yield first, second


async def test_an_unknown_hash_is_not_found_then_text_and_hash_register_it_for_every_process(
    two: tuple[str, str],
) -> None:
    first, second = two
    world = await factories.world()
    query = "query Mine { viewer { email organizations { name } } }"
    digest = sha(query)
    for accept in ("application/json", GRAPHQL_RESPONSE):
        missing = send(first, digest=digest, token=world.admin_token, accept=accept)
        # 200 under both media types: Apollo's clients then retry with the text.
        assert missing.status_code == 200
        assert missing.json()["errors"] == [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    registered = send(first, query=query, digest=digest, token=world.admin_token)
    expected = {"viewer": {"email": world.admin.email, "organizations": [{"name": "Acme"}]}}
    assert registered.json() == {"data": expected}
    assert (await PersistedDocument.get(sha256=digest)).document == query
    for base in (second, first):  # the other process knows it from the database
        by_hash = send(base, digest=digest, token=world.admin_token)
        assert by_hash.json() == {"data": expected}, base
    assert by_get(second, digest, world.admin_token).json() == {"data": expected}


async def test_a_hash_that_is_not_the_documents_registers_nothing(two: tuple[str, str]) -> None:
    first, _ = two
    world = await factories.world()
    wrong = sha(CATALOG + " ")
    for accept, status in (("application/json", 200), (GRAPHQL_RESPONSE, 400)):
        answer = send(first, query=CATALOG, digest=wrong, token=world.admin_token, accept=accept)
        assert (answer.status_code, codes(answer)) == (status, ["PERSISTED_QUERY_HASH_MISMATCH"])
    assert await PersistedDocument.all().count() == 0
    assert send(first, digest=wrong, token=world.admin_token).json()["errors"][0]["message"] == (
        "PersistedQueryNotFound"
    )


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}},
        {"persistedQuery": {"version": 1}},
        {"persistedQuery": "abc"},
    ],
)
def test_a_malformed_persisted_query_is_a_coded_request_error(
    two: tuple[str, str], extensions: dict[str, Any]
) -> None:
    answer = httpx.post(
        f"{two[0]}/graphql",
        json={"extensions": extensions},
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert (answer.status_code, codes(answer)) == (400, ["PERSISTED_QUERY_INVALID"])


async def test_only_a_signed_in_callers_valid_documents_are_registered(
    two: tuple[str, str],
) -> None:
    first, _ = two
    world = await factories.world()
    anonymous = send(first, query=CATALOG, digest=sha(CATALOG))
    assert "jira" in {p["key"] for p in anonymous.json()["data"]["productCatalog"]}
    invalid = "{ productCatalog { nope } }"
    refused = send(first, query=invalid, digest=sha(invalid), token=world.admin_token)
    assert codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]
    assert await PersistedDocument.all().count() == 0
    assert codes(send(first, digest=sha(CATALOG))) == ["PERSISTED_QUERY_NOT_FOUND"]


def write_manifest(folder: Path, documents: list[str]) -> Path:
    """Apollo's manifest format (what @apollo/generate-persisted-query-manifest writes)."""
    operations = [
        {"id": sha(text), "name": f"Op{index}", "type": "query", "body": text}
        for index, text in enumerate(documents)
    ]
    path = folder / "manifest.json"
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_text(json.dumps(manifest))
    return path


async def test_trusted_mode_answers_only_the_manifests_documents(
    database: str, tmp_path: Path
) -> None:
    manifest = write_manifest(tmp_path, [VIEWER])
    env = env_on(
        database, PORTCULLIS_DOCUMENTS="trusted", PORTCULLIS_DOCUMENTS_MANIFEST=str(manifest)
    )
    world = await factories.world()
    me = {"data": {"viewer": {"email": world.admin.email}}}
    with server(env) as base:
        assert send(base, digest=sha(VIEWER), token=world.admin_token).json() == me
        assert send(base, query=VIEWER, token=world.admin_token).json() == me
        assert send(base, query=VIEWER, digest=sha(VIEWER), token=world.admin_token).json() == me
        other = "{ viewer { email organizations { id } } }"
        for attempt in (
            {"query": other},
            {"digest": sha(other)},
            {"query": other, "digest": sha(other)},
        ):
            for accept, status in (("application/json", 200), (GRAPHQL_RESPONSE, 400)):
                answer = send(base, token=world.admin_token, accept=accept, **attempt)
                assert (answer.status_code, codes(answer)) == (status, ["DOCUMENT_NOT_TRUSTED"])
        assert await PersistedDocument.all().count() == 0


async def test_the_manifests_documents_are_known_by_hash_in_the_default_mode(
    database: str, tmp_path: Path
) -> None:
    manifest = write_manifest(tmp_path, [VIEWER])
    world = await factories.world()
    with server(env_on(database, PORTCULLIS_DOCUMENTS_MANIFEST=str(manifest))) as base:
        answer = send(base, digest=sha(VIEWER), token=world.admin_token)
        assert answer.json() == {"data": {"viewer": {"email": world.admin.email}}}
        plain = send(base, query="{ viewer { email } }", token=world.admin_token)
        assert plain.json() == answer.json()  # any text still runs


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "cannot be read as JSON"),
        ('{"0000": "{ viewer { email } }"}', "is not the SHA-256 of its document"),
        ('{"format": "apollo-persisted-query-manifest", "version": 2}', "version 1"),
        ("[]", "must be a JSON object"),
    ],
)
def test_a_bad_manifest_stops_start_up(
    database: str, tmp_path: Path, content: str, complaint: str
) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(content)
    env = env_on(
        database, PORTCULLIS_DOCUMENTS="trusted", PORTCULLIS_DOCUMENTS_MANIFEST=str(manifest)
    )
    done = run_cli(env, "serve", "--port", str(free_port()))
    assert done.returncode == 2
    assert "PORTCULLIS_DOCUMENTS_MANIFEST" in done.stderr
    assert complaint in done.stderr


async def test_trusted_mode_answers_the_shipped_consoles_documents_by_default(
    database: str,
) -> None:
    """Without PORTCULLIS_DOCUMENTS_MANIFEST, trusted mode answers the console's manifest
    (portcullis/console_bundle/persisted-documents.json) and nothing else."""
    shipped = json.loads(CONSOLE_MANIFEST.read_text(encoding="utf-8"))
    digest, document = next((d, t) for d, t in shipped.items() if "query Can(" in t)
    with server(env_on(database, PORTCULLIS_DOCUMENTS="trusted")) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            by_hash = (
                await client.post(
                    "/graphql",
                    json={
                        "variables": {"feature": "view_users_in_organization"},
                        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
                    },
                )
            ).json()
            other = await client.post("/graphql", json={"query": "{ __typename }"})
    # The console's document ran (the field refused an anonymous caller): it was trusted.
    assert by_hash["errors"][0]["path"] == ["viewer"]
    assert by_hash["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert document.startswith("query Can(")
    assert other.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
