"""The GraphQL surface only: types, inputs, payloads and their declaration (schema/definition.py).
Serving it (HTTP, limits, caches, execution) is the runtime's, in portcullis/http/ and
portcullis/execution/."""
