"""The API surface as one declaration: the Query and Mutation roots and the types reached only
through an interface (every node type is, through `node(id)`). The runtime builds the one served
Schema from it (portcullis/execution/schema.py), and the SDL snapshot prints it
(schema/snapshot.py)."""

from typing import Any

from schema import access_requests, nodes
from schema.mutations import Mutation
from schema.query import Query

TYPES: tuple[type[Any], ...] = (
    nodes.Organization,
    nodes.Site,
    nodes.ProductInstance,
    nodes.User,
    nodes.Group,
    nodes.AdminRoleAssignment,
    nodes.AuditEvent,
    nodes.ApiKey,
    access_requests.AccessRequest,
)

__all__ = ["TYPES", "Mutation", "Query"]
