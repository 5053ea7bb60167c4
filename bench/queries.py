"""The request mix: one GraphQL document per kind, and the request bodies the runner sends.

Each kind's bodies are built up front from the manifest (bench/generate.py), deterministic for
a seed, so the client process only sends them: the read kinds cycle through sample users, a
grant uses each (user, product instance) pair once.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.generate import Manifest
from schema.connections import encode_cursor
from schema.ids import parse

ADMIN_PAGE = """
query AdminPage($org: ID!, $after: String) {
  organization(id: $org) {
    users(first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id email displayName status
        groups(first: 10) { edges { node { id name } } }
        adminRoles { role scope { __typename ... on Site { id } ... on ProductInstance { id } } }
        productAccess { role billable productInstance { id } sources { kind rule group { id } } }
      } }
    }
  }
}
"""

USER_ACCESS = """
query UserAccess($user: ID!) {
  node(id: $user) { ... on User {
    id email status
    productAccess {
      role billable
      productInstance { id product { key } site { name } }
      sources { kind rule adminRole group { name } }
    }
  } }
}
"""

EXPLAIN_ACCESS = """
query Explain($user: ID!, $instance: ID!) {
  explainAccess(userId: $user, productInstanceId: $instance) {
    hasAccess roles billable reason rule
    paths { kind role rule description }
    ignoredAdminRoles { adminRole rule }
  }
}
"""

GRANT = """
mutation Grant($user: ID!, $instance: ID!) {
  grantProductAccess(input: {userId: $user, productInstanceId: $instance, role: "USER"}) {
    user { id }
    errors { code message }
  }
}
"""

INSTANCE_USERS = """
query InstanceUsers($instance: ID!) {
  node(id: $instance) { ... on ProductInstance {
    billableUserCount
    users(first: 100) { pageInfo { hasNextPage } edges { node { id email status } } }
  } }
}
"""

DIRECTORY_SEARCH = """
query DirectorySearch($org: ID!, $query: String!) {
  organization(id: $org) {
    users(query: $query, first: 20, orderBy: {field: DISPLAY_NAME}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id email displayName status } }
    }
  }
}
"""
# What a person types into a console's search box: a name's start, a whole name, an email's
# start, accents left out or not (bench/shape.py's names).
SEARCHES = ("lov", "Ada Lov", "zoe", "émile z", "user0004", "mull", "knuth", "gra")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    credential: str  # which manifest credential sends it: admin_token or api_key
    bodies: Callable[[Manifest, int, random.Random], list[dict[str, Any]]]
    baseline: bool = False  # bench/baseline.py answers it too
    mutates: bool = False


def _admin_pages(manifest: Manifest, n: int, rng: random.Random) -> list[dict[str, Any]]:
    """A page of 50 after a sample user's id (the first page too), across the directory."""
    starts = [None, *(encode_cursor(parse(u)[1]) for u in manifest["sample_user_ids"])]
    org = manifest["organization_id"]
    return [
        {"query": ADMIN_PAGE, "variables": {"org": org, "after": rng.choice(starts)}}
        for _ in range(n)
    ]


def _user_access(manifest: Manifest, n: int, rng: random.Random) -> list[dict[str, Any]]:
    users = manifest["sample_user_ids"]
    return [{"query": USER_ACCESS, "variables": {"user": rng.choice(users)}} for _ in range(n)]


def _explain(manifest: Manifest, n: int, rng: random.Random) -> list[dict[str, Any]]:
    users, instance = manifest["sample_user_ids"], manifest["product_instance_id"]
    return [
        {"query": EXPLAIN_ACCESS, "variables": {"user": rng.choice(users), "instance": instance}}
        for _ in range(n)
    ]


def _grants(manifest: Manifest, n: int, rng: random.Random) -> list[dict[str, Any]]:
    pairs = manifest["grants"]
    if n > len(pairs):
        raise SystemExit(f"{n} grants asked for, but the manifest has {len(pairs)} fresh pairs")
    return [{"query": GRANT, "variables": {"user": u, "instance": i}} for u, i in pairs[:n]]


def _instance_users(manifest: Manifest, n: int, rng: random.Random) -> list[dict[str, Any]]:
    body = {"query": INSTANCE_USERS, "variables": {"instance": manifest["product_instance_id"]}}
    return [body] * n


def _searches(manifest: Manifest, n: int, rng: random.Random) -> list[dict[str, Any]]:
    org = manifest["organization_id"]
    return [
        {"query": DIRECTORY_SEARCH, "variables": {"org": org, "query": rng.choice(SEARCHES)}}
        for _ in range(n)
    ]


KINDS = (
    Kind("admin_page", "(a) admin page", "admin_token", _admin_pages, baseline=True),
    Kind("user_access", "(b) integrator: productAccess", "api_key", _user_access, baseline=True),
    Kind("explain", "(c) explainAccess", "admin_token", _explain),
    Kind("grant", "(d) grantProductAccess", "admin_token", _grants, mutates=True),
    Kind("instance_users", "(e) ProductInstance.users", "admin_token", _instance_users),
    Kind("search", "(f) directory search", "admin_token", _searches),
)
