"""The request paths kept for speed behave as requests expect: the cache of parsed documents
(portcullis/execution/document_cache.py) reports invalid documents every time and stays bounded,
and `portcullis serve` tunes the garbage collector."""

import gc

from portcullis import cli
from portcullis.execution import document_cache
from tests.support.graphql_client import GraphQLClient


async def test_invalid_documents_are_reported_every_time(api: GraphQLClient) -> None:
    """Only documents that parsed and validated are cached: errors are fresh per request."""
    for _ in range(2):
        syntax = await api("{ viewer { email ")
        assert syntax.status == 200, syntax.body
        assert syntax.errors, syntax.body
        unknown = await api("{ viewer { nonsense } }")
        assert unknown.errors, unknown.body
        assert "nonsense" in unknown.errors[0]["message"], unknown.body
        assert "INTERNAL_SERVER_ERROR" not in unknown.codes


async def test_the_document_cache_is_bounded(api: GraphQLClient) -> None:
    size = document_cache.MAX_DOCUMENTS
    for n in range(size + 20):
        await api(f"query Q{n} {{ productCatalog {{ key }} }}")
    assert len(document_cache._documents.entries) == size
    again = await api("query Q0 { productCatalog { key } }")  # evicted: parsed again, still right
    assert again.ok()["productCatalog"]


def test_serve_tunes_the_garbage_collector() -> None:
    before = gc.get_threshold()
    try:
        cli.tune_garbage_collector()
        assert gc.get_threshold()[0] == cli.GC_YOUNG_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > 0  # start-up's objects are out of every collection
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
