"""The committed SDL (schema/schema.graphql) is the contract clients review: keep it current."""

from schema.snapshot import SNAPSHOT, current_sdl


def test_committed_sdl_matches_the_schema() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == current_sdl(), (
        "schema/schema.graphql is stale: run `python -m schema.snapshot` and commit it"
    )


def test_sdl_keeps_the_public_names_of_api_md() -> None:
    sdl = current_sdl()
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
