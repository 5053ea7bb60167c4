"""Headless Chromium for tests: the system's browser (/usr/bin/chromium, installed by .ci/run),
driven by Playwright for Python, with the network off. Playwright's own browser downloads are
never used. Without Chromium a browser test is skipped, except on CI (CI=true): there it fails.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ON_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # The network off: every host but this machine's loopback is unreachable.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium() -> Path:
    """The browser's path; skips the test (fails it on CI) when there is none."""
    if CHROMIUM.exists():
        return CHROMIUM
    if ON_CI:
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); required on CI")
