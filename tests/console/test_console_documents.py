"""Every document the admin console sends (its shipped manifest of persisted documents) is valid
against the schema: a schema change that breaks the console fails here, not in a browser. The
manifest is read as the service reads it (portcullis/http/persisted.load_manifest checks
every hash)."""

import pytest
from graphql import build_schema, parse, validate

from portcullis.execution.schema import schema
from portcullis.http.persisted import load_manifest
from portcullis.settings import CONSOLE_MANIFEST

MANIFEST = load_manifest(CONSOLE_MANIFEST)
SDL = build_schema(schema.as_str())  # the public SDL, as any client sees it


def test_the_console_ships_its_documents() -> None:
    names = {document.split("(")[0].split("{")[0].split()[1] for document in MANIFEST.values()}
    assert {"Viewer", "DirectoryUsers", "UserProfile", "GrantProductAccess", "SignIn"} <= names


@pytest.mark.parametrize("digest", sorted(MANIFEST))
def test_each_console_document_is_valid(digest: str) -> None:
    document = MANIFEST[digest]
    errors = validate(SDL, parse(document))
    assert errors == [], (document.splitlines()[0], [e.message for e in errors])
