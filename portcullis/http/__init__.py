"""The HTTP side of the service: the Starlette app, GraphQL over HTTP, the body limit, the rate
limit, persisted documents, GraphiQL and the answers given outside GraphQL execution."""
