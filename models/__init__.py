"""Tortoise models only: one module per aggregate, no business rules, no GraphQL.

Model docstrings become SQL table comments; Tortoise 1.1 does not escape quotes in them on
SQLite and splits statements at semicolons, so they hold no quotes, backticks or semicolons.
"""

MODEL_MODULES = [
    "models.organization",
    "models.product",
    "models.directory",
    "models.group",
    "models.admin_role",
    "models.credentials",
    "models.audit",
    "models.access_settings",
    "models.receipt",
    "models.rate_limit",
    "models.console",
    "models.provisioning",
]
