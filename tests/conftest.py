"""Test set-up: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
migrated once per session with the committed migrations, emptied after every test."""

import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from tortoise import connections

from portcullis import db
from portcullis.db import close_database, migrate
from portcullis.settings import Limits
from tests.support.fuzz_support import FUZZ_TALLY, describe_tally, fuzz_seed, replay_command
from tests.support.graphql_client import GraphQLClient, app_for, in_process

# Children before parents, so deletes never trip a foreign key. The catalog rows stay.
TABLES = [
    "audit_event",
    "mutation_receipt",
    "rate_limit_counter",
    "access_request",
    "user_access_setting",
    "scim_token",
    "scim_user",
    "scim_group",
    "api_key",
    "personal_token",
    "sign_in_code",
    "persisted_document",
    "role_assignment",
    "default_group",
    "group_product_role",
    "group_membership",
    "user_group",
    "org_user",
    "account",
    "product_instance",
    "site",
    "organization",
]


@pytest.fixture(scope="session", autouse=True)
def _sigterm_ends_the_run_cleanly() -> Iterator[None]:
    """SIGTERM (CI's time limit) ends the run as Ctrl-C does, so every fixture's clean-up runs:
    servers stopped, throwaway PostgreSQL clusters stopped and removed."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return db.is_postgres(database_url)


@pytest.fixture(scope="session", autouse=True)
async def database(database_url: str) -> AsyncIterator[str]:
    await migrate(database_url)
    yield database_url
    await close_database()


@pytest.fixture(autouse=True)
async def _empty_tables(database: str, is_postgres: bool) -> AsyncIterator[None]:
    yield
    connection = connections.get("default")
    if is_postgres:
        await connection.execute_script(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        for table in TABLES:
            await connection.execute_script(f"DELETE FROM {table}")


@pytest.fixture
async def api(database: str) -> AsyncIterator[GraphQLClient]:
    async with in_process(app_for(database)) as client:
        yield client


# Query limits far above the clients' defaults (README, Security), for tests whose own queries
# read a whole organization at once.
ROOMY = Limits(
    max_depth=100, max_aliases=10**6, max_tokens=10**7, max_nodes=10**12, max_body_bytes=10**8
)


@pytest.fixture
async def roomy_api(database: str) -> AsyncIterator[GraphQLClient]:
    async with in_process(app_for(database, ROOMY)) as client:
        yield client


@pytest.fixture
def server_env(database: str, is_postgres: bool, tmp_path: Path) -> dict[str, str]:
    """The test database on PostgreSQL; a fresh file on SQLite (the CLI's default kind)."""
    url = database if is_postgres else f"sqlite://{tmp_path / 'e2e.sqlite3'}"
    return {**os.environ, "DATABASE_URL": url, "PORTCULLIS_LOG_LEVEL": "warning"}


@pytest.fixture
async def served_api(database: str) -> AsyncIterator[GraphQLClient]:
    """Answers as a real server does: an exception in the app is a 500, not raised in the test
    (the fuzz tests count and report those as answers)."""
    async with in_process(app_for(database), raise_app_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """How many cases the fuzz tests tried: a silent zero is visible (and fails the tests)."""
    tally = config.stash.get(FUZZ_TALLY, None)
    if tally:
        terminalreporter.write_sep("-", "fuzzing")
        for line in describe_tally(tally):
            terminalreporter.write_line(line)


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    """The fuzz run's seed, before any case is drawn: a run that hangs or dies can be replayed."""
    if not any(item.get_closest_marker("fuzz") for item in items):
        return []
    return [f"fuzz seed {fuzz_seed()}; replay: {replay_command()}"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed fuzz test names the seed that replays it."""
    report = yield
    if report.failed and item.get_closest_marker("fuzz"):
        report.sections.append(("fuzz seed", f"{replay_command()} '{item.nodeid}'"))
    return report
