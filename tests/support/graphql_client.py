"""A small GraphQL client over HTTP (in-process ASGI or a real server)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

from portcullis.http.app import create_app
from portcullis.settings import Limits, Settings


@dataclass
class Result:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def empty(self) -> bool:
        """Nothing answered but nulls: `data` is null (a request error), or every field asked is
        null or holds only nulls (each refused or not found: a guarded field is nullable,
        permissions/nullable.py, so a refusal nulls the field, not the whole answer)."""
        return _only_nulls(self.data)

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def ok(self) -> Any:
        assert self.status == 200, self.body
        assert not self.errors, self.body
        return self.data


def _only_nulls(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_only_nulls(v) for v in value.values())
    return value is None


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Result:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return Result(response.status_code, response.json())


def app_for(database: str, limits: Limits | None = None, graphiql: bool = True) -> Starlette:
    """The app as served, on the test database (opened by the session, not by the app)."""
    settings = Settings(database, graphiql, log_level="warning", limits=limits or Limits())
    return create_app(settings, manage_database=False)


@asynccontextmanager
async def in_process(
    app: Starlette, raise_app_exceptions: bool = True
) -> AsyncIterator[GraphQLClient]:
    """A client of the app over ASGI, in this process and event loop (no socket). Without
    raise_app_exceptions an exception in the app is a 500 answer, as from a real server."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    async with httpx.AsyncClient(transport=transport, base_url="http://portcullis.test") as http:
        yield GraphQLClient(http)
