"""scim2-tester, an independent RFC 7643/7644 checker, against `portcullis serve` over HTTP.

Every check must pass, or be one of NOT_APPLICABLE, each with the reason (docs/scim.md)."""

from pathlib import Path

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.support.scim_support import admin_token, organization_with_scim_token
from tests.support.servers import running_server

# (check, resource type, attribute) -> why it does not apply here (docs/scim.md lists the same).
ONE_EMAIL = "a user has exactly one email, the account's, and it is the primary one"
NOT_APPLICABLE: dict[tuple[str, str, str], str] = {
    ("check_remove_attribute", "User", "displayName"): "an account always has a display "
    "name: removing it leaves it as it is",
    ("check_remove_attribute", "User", "active"): "active is the user's status in the "
    "directory: removing it leaves it as it is",
    ("check_replace_attribute", "User", "emails"): ONE_EMAIL,
    ("check_add_attribute", "User", "emails"): ONE_EMAIL,
}


def not_applicable(title: str | None, resource_type: str | None, reason: str | None) -> bool:
    return any(
        title == check and resource_type == kind and f"'{attribute}'" in (reason or "")
        for check, kind, attribute in NOT_APPLICABLE
    )


def test_scim2_tester_passes(server_env: dict[str, str], tmp_path: Path) -> None:
    with running_server(server_env, tmp_path / "server.log") as server:
        _, secret = organization_with_scim_token(server.base, admin_token(server_env))
        http = httpx2.Client(
            base_url=f"{server.base}/scim/v2",
            headers={"Authorization": f"Bearer {secret}"},
            timeout=30,
        )
        results = check_server(SyncSCIMClient(http))
    failed = [
        f"{r.title} [{r.resource_type}]: {r.reason}"
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED)
        and not not_applicable(r.title, r.resource_type, r.reason)
    ]
    passed = [r for r in results if r.status is Status.SUCCESS]
    print(f"scim2-tester: {len(passed)} passed, {len(results)} checks")
    for r in results:
        print(f"  {r.status.name:8} {r.title} [{r.resource_type}] {r.reason or ''}"[:300])
    assert len(passed) >= 30, [r.title for r in passed]
    assert not failed, "\n".join(failed)
