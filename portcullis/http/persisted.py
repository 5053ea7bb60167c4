"""Persisted documents (docs/http-api.md): a client sends a document's SHA-256 instead of its
text, in `extensions.persistedQuery = {version: 1, sha256Hash}` (the convention Apollo's
clients speak).

- Default mode (`PORTCULLIS_DOCUMENTS=any`): a hash the service knows (from the manifest, or
  registered before) runs its document; an unknown one answers PERSISTED_QUERY_NOT_FOUND, and
  the client sends text and hash together, which runs the text and registers it. Text alone
  runs as always.
- Trusted mode (`PORTCULLIS_DOCUMENTS=trusted`): only the manifest's documents run, sent by
  hash or by text; anything else answers DOCUMENT_NOT_TRUSTED and runs nothing.

Registered documents are rows of `persisted_document`, keyed by their SHA-256, so every API
process knows what any of them registered. A row never changes (its key is its content's
hash), so each process may keep copies without ever asking whether they are stale. A document
is registered only by a signed-in caller, and only once it parsed and validated: an anonymous
client cannot fill the table with junk.
"""

import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from models.console import PersistedDocument
from permissions.codes import TopLevelErrorCode
from portcullis.settings import Console, SettingsError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
APOLLO_MANIFEST = "apollo-persisted-query-manifest"
MAX_COPIES = 512  # documents each process keeps in memory
MAX_COPIED_CHARS = 65_536  # longer documents are read from the database each time


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True)
class Found:
    """The request to run; `register` is set when it brings a new document with its hash."""

    request: GraphQLRequestData
    register: str | None = None


def refusal(code: str, message: str) -> ExecutionResult:
    """A request error: nothing runs (400 under application/graphql-response+json)."""
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def not_found() -> ExecutionResult:
    # Apollo's clients look for this exact message before they retry with the text.
    return refusal(TopLevelErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")


def not_trusted() -> ExecutionResult:
    return refusal(
        TopLevelErrorCode.DOCUMENT_NOT_TRUSTED,
        "This service answers only the documents of its manifest (PORTCULLIS_DOCUMENTS=trusted).",
    )


class Documents:
    def __init__(self, manifest: dict[str, str] | None = None, trusted: bool = False) -> None:
        self.manifest = manifest or {}
        self.trusted = trusted
        self._copies: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def of(cls, console: Console) -> "Documents":
        manifest = load_manifest(console.manifest) if console.manifest is not None else {}
        return cls(manifest, trusted=console.documents == "trusted")

    async def find(self, data: GraphQLRequestData) -> Found | ExecutionResult:
        """The request with its document's text, or the request error to answer instead."""
        sent = _sent_hash(data.extensions)
        if isinstance(sent, ExecutionResult):
            return sent
        if data.query is not None:
            digest = sha256(data.query)
            if sent is not None and sent != digest:
                message = "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query."
                return refusal(TopLevelErrorCode.PERSISTED_QUERY_HASH_MISMATCH, message)
            if self.trusted and digest not in self.manifest:
                return not_trusted()
            new = sent is not None and digest not in self.manifest and digest not in self._copies
            return Found(data, digest if new and not self.trusted else None)
        if sent is None:
            return Found(data)  # neither text nor hash: strawberry's 400
        text = self.manifest.get(sent)
        if text is None and self.trusted:
            return not_trusted()
        if text is None:
            text = await self._stored(sent)
        if text is None:
            return not_found()
        return Found(replace(data, query=text))

    async def register(self, found: Found) -> None:
        """Store the document; a row another process stored first is left as it is."""
        digest, text = found.register, found.request.query
        if digest is None or text is None:
            return
        row = PersistedDocument(sha256=digest, document=text)
        await PersistedDocument.bulk_create([row], ignore_conflicts=True)
        self._copy(digest, text)

    async def _stored(self, digest: str) -> str | None:
        text = self._copies.get(digest)
        if text is not None:
            self._copies.move_to_end(digest)
            return text
        row = await PersistedDocument.get_or_none(sha256=digest)
        if row is None:
            return None
        self._copy(digest, row.document)
        return row.document

    def _copy(self, digest: str, text: str) -> None:
        if len(text) <= MAX_COPIED_CHARS:
            self._copies[digest] = text
            if len(self._copies) > MAX_COPIES:
                self._copies.popitem(last=False)


def _sent_hash(extensions: dict[str, Any] | None) -> str | ExecutionResult | None:
    """The SHA-256 the client sent (lower case), None when it sent none."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        message = "extensions.persistedQuery must be {version: 1, sha256Hash: <64 hex digits>}."
        return refusal(TopLevelErrorCode.PERSISTED_QUERY_INVALID, message)
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.match(digest.lower()):
        message = "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits."
        return refusal(TopLevelErrorCode.PERSISTED_QUERY_INVALID, message)
    return digest.lower()


def load_manifest(path: Path) -> dict[str, str]:
    """SHA-256 -> document, from Apollo's manifest format (`{"format":
    "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "body", ...}]}`) or
    a plain JSON object of hash to document. Every hash is checked against its document."""
    name = f"PORTCULLIS_DOCUMENTS_MANIFEST ({path})"
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"{name}: cannot be read as JSON: {error}") from None
    if not isinstance(content, dict):
        raise SettingsError(f"{name}: must be a JSON object")
    if content.get("format") == APOLLO_MANIFEST:
        operations = content.get("operations")
        if content.get("version") != 1 or not isinstance(operations, list):
            raise SettingsError(f"{name}: an Apollo manifest of version 1 has `operations`")
        pairs = [
            (op.get("id"), op.get("body")) if isinstance(op, dict) else (None, None)
            for op in operations
        ]
    else:
        pairs = list(content.items())
    manifest: dict[str, str] = {}
    for digest, body in pairs:
        if not isinstance(digest, str) or not isinstance(body, str):
            raise SettingsError(f"{name}: each document needs a string id and a string body")
        if sha256(body) != digest.lower():
            raise SettingsError(f"{name}: {digest!r} is not the SHA-256 of its document")
        manifest[digest.lower()] = body
    return manifest
