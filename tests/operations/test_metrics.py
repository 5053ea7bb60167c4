"""GET /metrics (portcullis/metrics.py): Prometheus text that prometheus-client's own parser
reads, counting requests from a real server over HTTP; decisions, rate-limit refusals and
any path prefix (SCIM's included) counted in-process."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from portcullis.http.app import create_app
from portcullis.settings import RateLimit, Settings
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, in_process
from tests.support.servers import server

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("metrics")
    env = {**os.environ, "DATABASE_URL": f"sqlite://{folder / 'm.sqlite3'}"}
    with server(env) as url:
        yield url


def test_metrics_parse_as_prometheus_text_and_count_a_request(base: str) -> None:
    before = samples(httpx.get(f"{base}/metrics").text)
    query = {"query": "query Catalog { productCatalog { key } }"}
    assert httpx.post(f"{base}/graphql", json=query).status_code == 200
    response = httpx.get(f"{base}/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=")
    after = samples(response.text)
    http = {"path_prefix": "/graphql", "method": "POST", "status": "200"}
    name = "portcullis_http_requests_total"
    assert value(after, name, **http) == value(before, name, **http) + 1
    operation = {"operation_type": "query", "operation_name": "Catalog", "outcome": "ok"}
    assert value(after, "portcullis_graphql_operations_total", **operation) == 1
    latency = {"operation_type": "query", "operation_name": "Catalog"}
    count = "portcullis_graphql_request_duration_seconds_count"
    assert value(after, count, **latency) == 1
    inf = value(after, "portcullis_graphql_request_duration_seconds_bucket", **latency, le="+Inf")
    assert inf == 1


async def test_decisions_refusals_and_path_prefixes_are_counted(database: str) -> None:
    world = await factories.world()
    settings = Settings(
        database, graphiql=False, log_level="warning", rate_limit=RateLimit(1, 10**6)
    )
    async with in_process(create_app(settings, manage_database=False)) as client:
        before = samples((await client.http.get("/metrics")).text)
        await asked_twice(client, world.admin_token)
        await client.http.get("/scim/v2/Users")  # SCIM's path, without its token: 401
        after = samples((await client.http.get("/metrics")).text)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("portcullis_rate_limit_refusals_total") == 1
    assert (
        grew("portcullis_decisions_total", feature="view_users_in_organization", outcome="allowed")
        == 1
    )
    scim = {"path_prefix": "/scim/v2", "method": "GET", "status": "401"}
    assert grew("portcullis_http_requests_total", **scim) == 1
    limited = {"operation_type": "query", "operation_name": "Users", "outcome": "RATE_LIMITED"}
    assert grew("portcullis_graphql_operations_total", **limited) == 0  # refused before parsing


async def asked_twice(client: GraphQLClient, token: str) -> None:
    """The first is decided once (one organization, one feature); the second is refused by the
    rate limit of one request."""
    query = "query Users { viewer { organizations { users(first: 5) { totalCount } } } }"
    first = await client(query, token=token)
    assert first.ok()
    second = await client(query, token=token)
    assert second.status == 429


def test_the_alert_rules_name_only_metrics_the_service_exports(repo_root: Path, base: str) -> None:
    """deploy/alerts.yml (docs/operations.md): a renamed metric must not leave an alert that
    can never fire."""
    rules = yaml.safe_load((repo_root / "deploy" / "alerts.yml").read_text())["groups"][0]
    exported = {
        family.name for family in text_string_to_metric_families(httpx.get(f"{base}/metrics").text)
    }
    named = set()
    for rule in rules["rules"]:
        named |= {
            m.removesuffix("_bucket") for m in re.findall(r"portcullis_[a-z_]+", rule["expr"])
        }
    assert named, rules
    # prometheus-client names a counter's family without its `_total`.
    assert {n.removesuffix("_total") for n in named} <= exported, named
