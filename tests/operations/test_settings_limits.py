"""The limits read from the environment (README, Security): defaults, values, and values the
service refuses to start with rather than silently ignore."""

import pytest

from portcullis.settings import Limits, SettingsError, load_settings

VARIABLES = {
    "PORTCULLIS_MAX_DEPTH": ("max_depth", "7", 7),
    "PORTCULLIS_MAX_ALIASES": ("max_aliases", "3", 3),
    "PORTCULLIS_MAX_TOKENS": ("max_tokens", "800", 800),
    "PORTCULLIS_MAX_NODES": ("max_nodes", "1000", 1000),
    "PORTCULLIS_MAX_BODY_BYTES": ("max_body_bytes", "65536", 65536),
    "PORTCULLIS_BATCHING": ("batching", "yes", True),
    "PORTCULLIS_MAX_BATCH": ("max_batch", "4", 4),
    "PORTCULLIS_INTROSPECTION": ("introspection", "0", False),
    "PORTCULLIS_ANONYMOUS_INTROSPECTION": ("anonymous_introspection", "1", True),
}


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*VARIABLES, "PORTCULLIS_GRAPHIQL"]:
        monkeypatch.delenv(name, raising=False)


def test_the_defaults() -> None:
    settings = load_settings()
    assert settings.limits == Limits()
    assert settings.graphiql is True
    assert (Limits().batching, Limits().introspection) == (False, True)


@pytest.mark.parametrize("name", VARIABLES)
def test_each_variable_sets_its_limit(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    field, raw, expected = VARIABLES[name]
    monkeypatch.setenv(name, raw)
    assert getattr(load_settings().limits, field) == expected


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("PORTCULLIS_MAX_DEPTH", "ten"),
        ("PORTCULLIS_MAX_NODES", "0"),
        ("PORTCULLIS_MAX_TOKENS", "-5"),
        ("PORTCULLIS_MAX_BODY_BYTES", "1e6"),
        ("PORTCULLIS_BATCHING", "maybe"),
        ("PORTCULLIS_GRAPHIQL", "off"),
    ],
)
def test_a_value_that_is_not_understood_stops_the_service(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_graphiql_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTCULLIS_GRAPHIQL", "0")
    assert load_settings().graphiql is False
