"""The GraphQL surface only: types, inputs, payloads, the Schema object and the ASGI app."""
