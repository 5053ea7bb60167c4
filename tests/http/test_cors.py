"""CORS (docs/http-api.md, issue 15.2), against a real server: PORTCULLIS_CORS_ORIGINS lets a
console on those origins call the API with a bearer token; any other origin gets nothing a
browser would accept; with the setting empty there is no CORS at all."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Route, async_playwright

from portcullis.settings import SettingsError, load_console
from tests.support import browser, factories
from tests.support.servers import env_on, server

CONSOLE = "https://console.example.com"
LOCAL = "http://localhost:5173"
ELSEWHERE = "https://evil.example.net"
VIEWER = {"query": "{ viewer { email } }"}


@pytest.fixture(scope="module")
def base(database: str) -> Iterator[str]:
    with server(env_on(database, PORTCULLIS_CORS_ORIGINS=f" {CONSOLE}, {LOCAL}/ ")) as url:
        yield url


def preflight(
    base: str, origin: str, headers: str = "authorization,content-type"
) -> httpx.Response:
    return httpx.options(
        f"{base}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


def test_the_preflight_of_a_listed_origin_is_answered(base: str) -> None:
    for origin in (CONSOLE, LOCAL):
        answer = preflight(base, origin)
        assert answer.status_code == 200, answer.text
        assert answer.headers["access-control-allow-origin"] == origin
        allowed = {
            h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")
        }
        assert {"authorization", "content-type", "x-request-id"} <= allowed
        assert {"GET", "POST"} <= {
            m.strip() for m in answer.headers["access-control-allow-methods"].split(",")
        }
        assert answer.headers["access-control-max-age"] == "600"
        assert "access-control-allow-credentials" not in answer.headers  # bearer tokens, no cookies


async def test_a_listed_origin_reads_answers_and_their_headers(base: str) -> None:
    world = await factories.world()
    auth = {"Origin": CONSOLE, "Authorization": f"Bearer {world.admin_token}"}
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post("/graphql", json=VIEWER, headers=auth)
        refused = await http.post(
            "/graphql", json=VIEWER, headers={"Origin": CONSOLE, "Authorization": "Bearer x"}
        )
    assert answer.json() == {"data": {"viewer": {"email": world.admin.email}}}
    assert answer.headers["access-control-allow-origin"] == CONSOLE
    exposed = {
        h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")
    }
    assert exposed == {"x-request-id", "retry-after", "www-authenticate"}
    # Refusals reach the console too: a 401 carries the CORS headers.
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == CONSOLE


def test_another_origin_gets_no_cors_headers(base: str) -> None:
    refused = preflight(base, ELSEWHERE)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "CORS_PREFLIGHT_REFUSED"
    assert "access-control-allow-origin" not in refused.headers
    answer = httpx.post(f"{base}/graphql", json=VIEWER, headers={"Origin": ELSEWHERE})
    assert "access-control-allow-origin" not in answer.headers  # the browser hides the answer
    odd_header = preflight(base, CONSOLE, "authorization,x-secret")
    assert odd_header.status_code == 400


def test_without_the_setting_there_is_no_cors(database: str) -> None:
    with server(env_on(database)) as base:
        answer = preflight(base, CONSOLE)
        assert answer.status_code == 405
        assert answer.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        assert "access-control-allow-origin" not in answer.headers
        posted = httpx.post(f"{base}/graphql", json=VIEWER, headers={"Origin": CONSOLE})
        assert "access-control-allow-origin" not in posted.headers


@pytest.mark.parametrize(
    "value", ["console.example.com", "https://x.example/path", "ftp://x.example", "https://"]
)
def test_a_value_that_is_not_an_origin_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PORTCULLIS_CORS_ORIGINS", f"{CONSOLE},{value}")
    with pytest.raises(SettingsError, match="PORTCULLIS_CORS_ORIGINS"):
        load_console()


def test_origins_are_read_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTCULLIS_CORS_ORIGINS", f" {CONSOLE}/ ,, http://[::1]:3000 ")
    assert load_console().cors_origins == (CONSOLE, "http://[::1]:3000")
    monkeypatch.setenv("PORTCULLIS_CORS_ORIGINS", "")
    assert load_console().cors_origins == ()


CALL_FROM_THE_PAGE = """
async ([url, token]) => {
  try {
    const answer = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify({query: "{ viewer { email } }"}),
    });
    return {status: answer.status, body: await answer.json(),
            requestId: answer.headers.get("X-Request-Id")};
  } catch (error) {
    return {blocked: String(error)};
  }
}
"""


async def test_a_page_on_a_listed_origin_calls_the_api_in_chromium(base: str) -> None:
    """A real browser makes the preflight and enforces the answer; the pages of both origins
    are served by the test itself (the network is off)."""
    chromium = browser.chromium()
    world = await factories.world()
    async with async_playwright() as playwright:
        chrome = await playwright.chromium.launch(executable_path=str(chromium), args=browser.ARGS)
        try:
            # Chromium asks the user before a page reaches this machine (Local Network Access);
            # the test says yes, so that only CORS decides.
            context = await chrome.new_context(permissions=["local-network-access"])
            page = await context.new_page()

            async def console_page(route: Route) -> None:
                await route.fulfill(status=200, content_type="text/html", body="<p>console</p>")

            await page.route(f"{CONSOLE}/**", console_page)
            await page.route(f"{ELSEWHERE}/**", console_page)
            await page.goto(f"{CONSOLE}/")
            allowed = await page.evaluate(
                CALL_FROM_THE_PAGE, [f"{base}/graphql", world.admin_token]
            )
            await page.goto(f"{ELSEWHERE}/")
            blocked = await page.evaluate(
                CALL_FROM_THE_PAGE, [f"{base}/graphql", world.admin_token]
            )
        finally:
            await chrome.close()
    assert "blocked" not in allowed, allowed
    assert allowed["status"] == 200
    assert allowed["body"] == {"data": {"viewer": {"email": world.admin.email}}}
    assert allowed["requestId"]  # an exposed header
    assert "Failed to fetch" in blocked["blocked"]
