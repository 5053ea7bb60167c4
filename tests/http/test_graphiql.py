"""GraphiQL offline (docs/http-api.md, issue 15.7): the page and every file it loads come from
this service, at pinned versions. In headless Chromium with every other host unreachable, the
editor appears, a sign-in link signs the page in, and a query runs; no request leaves for
another host.

The browser: tests/support/browser.py.
"""

import hashlib
import re
from datetime import timedelta

import httpx
import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from portcullis.http.graphiql import ASSETS, PINNED
from resolvers import sign_in
from tests.support import browser, factories
from tests.support.servers import env_on, server

# The files of portcullis/http/graphiql_assets/, as npm publishes them (README.md there).
SHA256 = {
    "graphiql-3.8.3.min.js": "22faab94067b695e5f7959619fbe686ebcc8955002a0c97d986bcbba4ad4bc2c",
    "graphiql-3.8.3.min.css": "b1868247f8e0502cd869e581f5f3cb55b334862e7f51b1d6cbace11059b9adc2",
    "react-18.2.0.production.min.js": (
        "4b4969fa4ef3594324da2c6d78ce8766fbbc2fd121fff395aedf997db0a99a06"
    ),
    "react-dom-18.2.0.production.min.js": (
        "21758ed084cd0e37e735722ee4f3957ea960628a29dfa6c3ce1a1d47a2d6e4f7"
    ),
}


def test_the_page_loads_only_files_of_this_service(database: str) -> None:
    with server(env_on(database)) as base:
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        assert not re.search(r"(https?:)?//", html)  # no other host, no CDN
        loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sorted(loaded) == sorted(
            [f"graphiql/{name}" for name in PINNED] + ["graphiql/start.js"]
        )
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "connect-src 'self'" in policy
        for name, digest in SHA256.items():
            served = httpx.get(f"{base}/graphiql/{name}")
            assert served.status_code == 200, name
            assert hashlib.sha256(served.content).hexdigest() == digest, name
            assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert set(SHA256) == set(PINNED)
        start = httpx.get(f"{base}/graphiql/start.js")
        assert start.content == (ASSETS / "start.js").read_bytes()
        assert not re.search(r"https?://", start.text)
        missing = httpx.get(f"{base}/graphiql/index.html")
        assert missing.status_code == 404
        assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_without_graphiql_there_is_no_page_and_no_files(database: str) -> None:
    with server(env_on(database, PORTCULLIS_GRAPHIQL="0")) as base:
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert httpx.get(f"{base}/graphiql/start.js").status_code == 404


async def test_graphiql_works_in_chromium_with_the_network_off(database: str) -> None:
    chromium = browser.chromium()
    world = await factories.world()
    code = await sign_in.issue_code(
        world.admin,
        token_name="graphiql",
        token_lifetime=None,
        code_lifetime=timedelta(minutes=5),
    )
    requested: list[str] = []
    complaints: list[str] = []
    with server(env_on(database)) as base:
        async with async_playwright() as playwright:
            chrome = await playwright.chromium.launch(
                executable_path=str(chromium), args=browser.ARGS
            )
            try:
                page = await chrome.new_page()
                page.on("request", lambda request: requested.append(request.url))
                page.on(
                    "console",
                    lambda message: (
                        complaints.append(message.text) if message.type == "error" else None
                    ),
                )
                await page.goto(sign_in.link(f"{base}/graphql", code))
                editor = page.locator(".graphiql-query-editor .CodeMirror")
                await editor.first.wait_for(state="visible", timeout=60_000)
                assert "Signed in as" in await page.locator(".graphiql-query-editor").inner_text()
                await page.locator("button.graphiql-execute-button").click()
                result = page.locator(".result-window").filter(has_text=world.admin.email)
                await result.wait_for(timeout=60_000)
                probe = await chrome.new_page()  # the network is off indeed
                with pytest.raises(PlaywrightError, match="net::ERR_"):
                    await probe.goto("http://assets.example.invalid/react.production.min.js")
            finally:
                await chrome.close()
    assert len(requested) >= 6  # the page, its five files, GraphQL requests
    assert [url for url in requested if not url.startswith(f"{base}/")] == []
    assert not [c for c in complaints if "Content Security Policy" in c], complaints
