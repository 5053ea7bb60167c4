"""Running GraphQL documents: the served Schema with its extensions, the document cache, the
query limits, error masking, what the request log learns of an operation, and the executor
(compiled plans: compile.py, plan.py, planned.py)."""
