"""The committed SDL (schema/schema.graphql) is the contract clients review: keep it current."""

from dataclasses import replace
from typing import Any

from graphql import Visitor, parse, print_ast, visit

from schema.snapshot import SNAPSHOT, current_sdl


class _Undescribed(Visitor):
    """Drops every description, so a signature prints on one line whatever its arguments' say."""

    def leave(self, node: Any, *_: Any) -> Any:
        if getattr(node, "description", None) is None:
            return None  # kept as it is
        return replace(node, description=None)


def signatures() -> str:
    return print_ast(visit(parse(current_sdl()), _Undescribed()))


def test_committed_sdl_matches_the_schema() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == current_sdl(), (
        "schema/schema.graphql is stale: run `python -m schema.snapshot` and commit it"
    )


def test_sdl_keeps_the_public_names_of_api_md() -> None:
    sdl = signatures()
    for name in (
        "enum UserManagementExperience",
        "enum AdminRole",
        "enum AccountType",
        "enum UserStatus",
        "interface Node",
        "type UserError",
        "totalCount: Int!",
        "hasNextPage: Boolean!",
        "endCursor: String",
        "productCatalog: [Product!]!",
        "createOrganization(input: CreateOrganizationInput!)",
        "inviteUser(input: InviteUserInput!)",
    ):
        assert name in sdl, name
