"""Opaque global ids (Relay): base64url of `Type:pk`. Malformed -> BAD_USER_INPUT."""

import base64
import binascii

from permissions.errors import BadUserInput, NotFound

NODE_TYPES = frozenset(
    {
        "Account",
        "Organization",
        "Site",
        "ProductInstance",
        "User",
        "Group",
        "AdminRoleAssignment",
        "AuditEvent",
        "ApiKey",
        "ScimToken",
        "AccessRequest",
    }
)


# Primary keys are INT columns (audit events BIGINT): a larger number can name nothing.
MAX_PK = (2**31 - 1, 2**63 - 1)


def encode(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def parse(global_id: str) -> tuple[str, int]:
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().partition(":")
        number = int(pk)
    except (binascii.Error, UnicodeError, ValueError):
        raise BadUserInput(f"'{global_id[:80]}' is not a valid id.") from None
    if type_name not in NODE_TYPES:
        raise BadUserInput(f"'{global_id[:80]}' is not a valid id.")
    if not 0 < number <= MAX_PK[type_name == "AuditEvent"]:
        raise NotFound(f"No {type_name} with that id.")  # beyond the column's range
    return type_name, number


def decode(global_id: str, expected: str) -> int:
    """The primary key of an id of the expected type; another type's id is NOT_FOUND."""
    type_name, pk = parse(global_id)
    if type_name != expected:
        raise NotFound(f"No {expected} with that id.")
    return pk
