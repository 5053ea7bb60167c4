"""The node types of API.md, gathered from the modules that define them (schema/node.py
says how they are split). Each wraps its model row; nested fields go through DataLoaders."""

from schema.node import Node, Product, ProductRole
from schema.organization import Organization
from schema.people import AdminRoleAssignment, AdminRoleScope, Group, ProductRoleGrant, User
from schema.places import ProductInstance, Site
from schema.records import Account, ApiKey, AuditActor, AuditEvent, ScimToken

__all__ = [
    "Account",
    "AdminRoleAssignment",
    "AdminRoleScope",
    "ApiKey",
    "AuditActor",
    "AuditEvent",
    "Group",
    "Node",
    "Organization",
    "Product",
    "ProductInstance",
    "ProductRole",
    "ProductRoleGrant",
    "ScimToken",
    "Site",
    "User",
]
