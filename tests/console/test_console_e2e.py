"""The admin console in a real browser: headless Chromium (Debian's, driven by Playwright with
its executable_path; no browser download) against `portcullis serve` with the demo data.

Each test follows one of the seeds' workflows as a person would: by the labels on the screen.
Every request the page makes is watched: one to any host but the server fails the test.
An axe-core check runs on each page a test visits. Screenshots of the main pages go to
PORTCULLIS_SCREENSHOTS when it is set (docs/console.png is one of them).
"""

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import cli, running_server

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parents[2] / "console" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("PORTCULLIS_SCREENSHOTS")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium at /usr/bin/chromium for the console tests")
    pytest.skip("no Chromium here (apt-get install chromium)", allow_module_level=True)


@dataclass
class Demo:
    base: str
    tokens: dict[str, str]
    env: dict[str, str]

    def graphql(self, email: str, query: str, **variables: Any) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.tokens[email]}"},
            timeout=30,
        ).json()
        assert "errors" not in answer, answer
        data: dict[str, Any] = answer["data"]
        return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One demo world for the module: the tests change different users, never the same one."""
    folder = tmp_path_factory.mktemp("console")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{folder / 'demo.sqlite3'}",
        "PORTCULLIS_LOG_LEVEL": "warning",
        "PORTCULLIS_RATE_LIMIT": "100000",
    }
    tokens = json.loads(cli(env, "demo", "--json"))["tokens"]
    with running_server(env, folder / "server.log") as server:
        yield Demo(server.base, tokens, env)


@dataclass
class Browser:
    base: str
    page: Any
    foreign: list[str] = field(default_factory=list)

    def sign_in(self, token: str) -> None:
        self.page.goto(f"{self.base}/console/")
        self.page.get_by_label("Personal token").fill(token)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_role("button", name="Sign out").wait_for()

    def nav(self, label: str) -> None:
        self.page.get_by_role("navigation").get_by_role("link", name=label, exact=True).click()
        self.page.get_by_role("heading", level=1, name=label).wait_for()

    def open_user(self, name: str) -> None:
        self.nav("Users")
        self.page.get_by_role("link", name=name).click()
        self.page.get_by_role("heading", level=1, name=name).wait_for()

    def check_accessibility(self) -> None:
        """axe-core on the page as it is: no serious or critical violation."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("async () => await axe.run(document)")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, bad

    def screenshot(self, name: str) -> None:
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def browser(demo: Demo) -> Iterator[Browser]:
    if not AXE.exists():
        if os.environ.get("CI"):
            raise RuntimeError("run `npm ci` in console/ first: the tests use its axe-core")
        pytest.skip("console/node_modules is missing (npm ci in console/)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        # bypass_csp: the page's CSP (script-src 'self') would refuse the injected axe-core.
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        context.set_default_timeout(30_000)
        opened = Browser(demo.base, context.new_page())

        def watch(route: Any) -> None:
            url = route.request.url
            if url.startswith(demo.base) or url.startswith("data:"):
                route.continue_()
            else:
                opened.foreign.append(url)
                route.abort()

        context.route("**/*", watch)
        try:
            yield opened
        finally:
            chromium.close()
        assert opened.foreign == [], f"requests left the machine: {opened.foreign}"


def test_org_admin_grants_a_product_and_sees_the_default_group_source(
    demo: Demo, browser: Browser
) -> None:
    """Seed 000, centralized: Directory > Users > the user > Grant access > a role > Grant
    access (R-ACCESS-3: the user joins the product's default group)."""
    page = browser.page
    browser.sign_in(demo.tokens["alice@acme.example"])
    browser.check_accessibility()
    browser.screenshot("overview")
    browser.open_user("Sam Site")
    browser.screenshot("user")
    page.get_by_role("button", name="Grant access").click()
    page.get_by_role("radio", name="Bitbucket (acme-labs.example.net)").check()
    page.get_by_label("Role for Bitbucket (acme-labs.example.net)").select_option("USER")
    browser.check_accessibility()
    page.get_by_role("button", name="Grant access").last.click()
    dialog = page.get_by_role("dialog", name="Grant access")
    dialog.get_by_text("Sam Site will get access to Bitbucket (acme-labs.example.net) as User.")
    dialog.get_by_text(re.compile("Sam Site will get access to Bitbucket")).wait_for()
    browser.screenshot("grant-preview")
    dialog.get_by_role("button", name="Grant access").click()
    dialog.wait_for(state="detached")
    row = page.get_by_role("row", name=re.compile("Bitbucket"))
    row.get_by_text(re.compile("default group: bitbucket-users-acme-labs.example.net")).wait_for()
    row.get_by_text("R-ACCESS-3").wait_for()


def test_user_access_admin_sees_grant_access_refused_by_the_default_group_trap(
    demo: Demo, browser: Browser
) -> None:
    """R-ROLE-10: when Confluence's default group also gives Jira, Uma (user access admin of
    Confluence only) is not offered Confluence in Grant access, and the engine says why."""
    default_group = demo.graphql(
        "alice@acme.example",
        "{ viewer { organizations { sites(first: 5) { edges { node { products {"
        " id product { key } defaultGroups { id name } } } } } } } }",
    )
    products = [
        p
        for org in default_group["viewer"]["organizations"]
        for site in org["sites"]["edges"]
        for p in site["node"]["products"]
    ]
    confluence = next(p for p in products if p["product"]["key"] == "confluence")
    jira = next(p for p in products if p["product"]["key"] == "jira")
    trap = next(g for g in confluence["defaultGroups"] if g["name"].startswith("confluence-users"))
    granted = demo.graphql(
        "alice@acme.example",
        "mutation($input: GrantGroupProductAccessInput!) { grantGroupProductAccess(input: $input)"
        " { errors { code } } }",
        input={"groupIds": [trap["id"]], "productInstanceId": jira["id"], "roles": ["USER"]},
    )
    assert granted["grantGroupProductAccess"]["errors"] == []

    page = browser.page
    browser.sign_in(demo.tokens["uma@acme.example"])
    browser.open_user("Sam Site")
    page.get_by_role("button", name="Grant access").click()
    blocked = page.get_by_role("radio", name="Confluence (acme.example.net)")
    assert blocked.is_disabled()
    page.get_by_role("button", name="Why not? Confluence (acme.example.net)").click()
    page.get_by_role("note").get_by_text(re.compile("R-ROLE-10")).wait_for()
    browser.check_accessibility()
    browser.screenshot("grant-refused")


def test_original_site_admin_toggles_a_product_and_sees_only_its_site(
    demo: Demo, browser: Browser
) -> None:
    """Seed 000, original: the site's Admin > the user > the toggle next to the product
    (R-ACCESS-9); a site admin lists only the users of their site (R-ROLE-12)."""
    org = demo.graphql("olivia@globex.example", "{ viewer { organizations { id } } }")
    org_id = org["viewer"]["organizations"][0]["id"]
    other = demo.graphql(
        "olivia@globex.example",
        "mutation($o: ID!) { createSite(input: {organizationId: $o, name: "
        '"globex-labs.example.net"}) { site { id } errors { code } } }',
        o=org_id,
    )["createSite"]["site"]["id"]
    labs_jira = demo.graphql(
        "olivia@globex.example",
        'mutation($s: ID!) { addProduct(input: {siteId: $s, productKey: "jira"}) '
        "{ productInstance { id } errors { code } } }",
        s=other,
    )["addProduct"]["productInstance"]["id"]
    demo.graphql(
        "olivia@globex.example",
        "mutation($o: ID!, $p: ID!) { inviteUser(input: {organizationId: $o, email: "
        '"lab@globex.example", displayName: "Lab Person", productAccess: '
        '[{productInstanceId: $p, role: "USER"}]}) { errors { code } } }',
        o=org_id,
        p=labs_jira,
    )

    page = browser.page
    browser.sign_in(demo.tokens["stan@globex.example"])
    browser.nav("Users")
    page.get_by_role("link", name="Gus User").wait_for()
    assert page.get_by_role("link", name="Lab Person").count() == 0
    browser.screenshot("original-users")
    browser.open_user("Paul Product")  # product admin of Confluence: no Jira yet
    toggle = page.get_by_role("switch", name="Jira (globex.example.net)")
    assert not toggle.is_checked()
    toggle.click()
    dialog = page.get_by_role("dialog", name="Give access")
    dialog.get_by_text(re.compile("Paul Product will get access to Jira")).wait_for()
    dialog.get_by_role("button", name="Give access").click()
    dialog.wait_for(state="detached")
    page.get_by_role("row", name=re.compile("Jira \\(globex.example.net\\)")).wait_for()
    assert page.get_by_role("switch", name="Jira (globex.example.net)").is_checked()
    browser.check_accessibility()


def test_plain_member_sees_no_admin_controls(demo: Demo, browser: Browser) -> None:
    page = browser.page
    browser.sign_in(demo.tokens["dana@acme.example"])
    page.get_by_text("You have no admin role in this organization").wait_for()
    navigation = page.get_by_role("navigation")
    for label in ("Users", "Groups", "Audit log", "API keys", "Access requests"):
        assert navigation.get_by_role("link", name=label, exact=True).count() == 0
    assert page.get_by_role("link", name="Manage product").count() == 0
    buttons = {b.inner_text() for b in page.get_by_role("button").all()}
    assert buttons == {"Sign out"}
    browser.check_accessibility()


def test_a_dry_run_previews_a_change_and_cancel_leaves_nothing_changed(
    demo: Demo, browser: Browser
) -> None:
    """Remove access is previewed (the real mutation, rolled back) with its whole diff:
    leaving engineering also takes Confluence. Cancel, and nothing changed."""
    before = _access_of(demo, "pat@acme.example")
    page = browser.page
    browser.sign_in(demo.tokens["alice@acme.example"])
    browser.open_user("Pat Product")
    row = page.get_by_role("row", name=re.compile("Jira \\(acme.example.net\\)"))
    row.get_by_role("button", name="Remove access").click()
    dialog = page.get_by_role("dialog", name="Remove access")
    dialog.get_by_text(re.compile("Pat Product will lose User on Jira")).wait_for()
    dialog.get_by_text(re.compile("will also lose User on Confluence")).wait_for()
    browser.check_accessibility()
    browser.screenshot("remove-preview")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached")
    assert _access_of(demo, "pat@acme.example") == before


def test_works_on_a_phone_sized_screen_and_by_keyboard(demo: Demo, browser: Browser) -> None:
    page = browser.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo.base}/console/")
    page.get_by_label("Personal token").wait_for()  # it takes the focus: type, then Enter
    page.keyboard.type(demo.tokens["alice@acme.example"])
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for()
    browser.nav("Users")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    browser.screenshot("users-phone")
    browser.check_accessibility()


def _access_of(demo: Demo, email: str) -> list[tuple[str, str]]:
    data = demo.graphql(
        "alice@acme.example",
        "query($q: String) { viewer { organizations { users(first: 5, query: $q) { edges { node {"
        " email productAccess { role productInstance { id } } } } } } } }",
        q=email,
    )
    users = [e["node"] for o in data["viewer"]["organizations"] for e in o["users"]["edges"]]
    user = next(u for u in users if u["email"] == email)
    return sorted((a["productInstance"]["id"], a["role"]) for a in user["productAccess"])


def test_sign_in_with_a_one_time_link_and_sign_out(demo: Demo, browser: Browser) -> None:
    """`portcullis token create --link`: the link signs in once; opened again it is refused."""
    env = {**demo.env, "PORTCULLIS_SIGN_IN_URL": f"{demo.base}/console/"}
    link = cli(env, "token", "create", "--email", "olivia@globex.example", "--link")
    assert link.startswith(f"{demo.base}/console/#sign-in="), link
    page = browser.page
    page.goto(link)
    page.get_by_text("olivia@globex.example").wait_for()
    assert "sign-in=" not in page.url  # the code leaves the address bar and the history
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Portcullis administration").wait_for()
    page.goto(link)
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("button", name="Sign out").count() == 0
