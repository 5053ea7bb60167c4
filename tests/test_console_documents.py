"""Every document the admin console sends (its shipped manifest of persisted documents) is valid
against the schema, and the manifest's hashes are the SHA-256 of their documents: a schema
change that breaks the console fails here, not in a browser."""

import hashlib
import json

import pytest
from graphql import build_schema, parse, validate

from portcullis.settings import CONSOLE_MANIFEST
from schema.app import schema

MANIFEST: dict[str, str] = json.loads(CONSOLE_MANIFEST.read_text(encoding="utf-8"))
SDL = build_schema(schema.as_str())  # the public SDL, as any client sees it


def test_the_console_ships_its_documents() -> None:
    names = {document.split("(")[0].split("{")[0].split()[1] for document in MANIFEST.values()}
    assert {"Viewer", "DirectoryUsers", "UserProfile", "GrantProductAccess", "SignIn"} <= names


@pytest.mark.parametrize("digest", sorted(MANIFEST))
def test_each_console_document_is_valid_and_hashed(digest: str) -> None:
    document = MANIFEST[digest]
    assert hashlib.sha256(document.encode()).hexdigest() == digest
    errors = validate(SDL, parse(document))
    assert errors == [], (document.splitlines()[0], [e.message for e in errors])
