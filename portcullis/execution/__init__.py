"""Running GraphQL documents: the served Schema with its extensions, the document cache, the
query limits, error masking and what the request log learns of an operation. graphql-core's
own executor runs every document (docs/benchmarks.md says why there is no compiled one)."""
