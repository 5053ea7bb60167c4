"""Two requests racing to take out organization admins (R-ROLE-3), shared by
tests/resolvers/test_admin_role_mutations.py and tests/resolvers/test_member_mutations.py.

The organization starts with exactly two active organization admins, `first` and `second`.
Each request is sent with its actor's token and takes its target out (revokes the ORG_ADMIN
role, suspends the user or removes them from the organization). Which request commits first,
and whether the other one's guard ran before or after that commit, is up to the server; every
ordering has a correct answer for the request that comes second:

- `applied`: its change did not take out the last admin, so nothing stops it;
- `LAST_ORG_ADMIN` (payload, R-ROLE-3): its transaction counted the other's commit, and its
  target is now the last active organization admin;
- `NO_SUCH_ACCESS` (payload): the other request revoked the same role first;
- `NOT_FOUND` (top-level): the other request removed its target first, or revoked the caller's
  own organization admin role, so a caller with no admin role sees no other user;
- `FORBIDDEN R-ROLE-2` (top-level): the other request revoked the caller's own organization
  admin role first, and the caller still sees its target (itself);
- `FORBIDDEN R-ACCESS-11` (top-level): the other request suspended the caller first.

Never both refused (a refusal needs the other's commit) and never both applied when that would
leave no organization admin. The invariant, whatever the order: an active organization admin
remains (R-ROLE-3), and the audit log holds one event per applied change.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.directory import OrgUser
from models.enums import AdminRole, UserStatus
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

FIELDS = {  # how -> (mutation, what its payload returns besides errors)
    "revoke": ("revokeAdminRole", "user { id }"),
    "suspend": ("suspendUser", "user { id }"),
    "remove": ("removeUserFromOrganization", "removedUserId"),
}
ACTIONS = {"revoke": "admin_role.revoke", "suspend": "user.suspend", "remove": "user.remove"}


@dataclass(frozen=True)
class TakeOut:
    how: str  # revoke, suspend or remove
    actor: OrgUser
    token: str
    target: OrgUser

    def variables(self, world: World) -> dict[str, Any]:
        fields: dict[str, Any] = {"userId": gid("User", self.target.id)}
        if self.how == "revoke":
            fields["role"] = AdminRole.ORG_ADMIN.value
        else:
            fields["organizationId"] = gid("Organization", world.org.id)
        return {"input": fields}

    def document(self) -> str:
        mutation, returned = FIELDS[self.how]
        input_type = mutation[0].upper() + mutation[1:] + "Input"
        return (
            f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
            f"{{ {returned} errors {{ code rule }} }} }}"
        )


def outcome(result: Result, how: str) -> str:
    """`applied`, a payload error's code, or a top-level error's code (the field is null; a
    FORBIDDEN with its rule)."""
    assert result.status == 200, result.body
    mutation = FIELDS[how][0]
    if result.errors:
        assert len(result.errors) == 1, result.body
        assert result.empty, result.body
        rule = result.errors[0]["extensions"].get("rule")
        return f"FORBIDDEN {rule}" if result.codes == ["FORBIDDEN"] else str(result.codes[0])
    errors = result.data[mutation]["errors"]
    if not errors:
        return "applied"
    assert len(errors) == 1, result.body
    if errors[0]["code"] == "LAST_ORG_ADMIN":
        assert errors[0]["rule"] == "R-ROLE-3", result.body
    return str(errors[0]["code"])


async def race(api: GraphQLClient, world: World, *take_outs: TakeOut) -> list[str]:
    """Send the requests at once; each one's outcome, in the order given."""
    results = await asyncio.gather(
        *(api(t.document(), t.variables(world), t.token) for t in take_outs)
    )
    return [outcome(result, t.how) for result, t in zip(results, take_outs, strict=True)]


def one_applied(outcomes: list[str], refusals: set[str]) -> None:
    """One request applied; the other was refused with one of the answers its orderings allow."""
    assert outcomes.count("applied") == 1, outcomes
    refused = next(o for o in outcomes if o != "applied")
    assert refused in refusals, outcomes


async def keeps_an_admin_r_role_3(
    world: World, take_outs: tuple[TakeOut, ...], outcomes: list[str]
) -> None:
    """One active organization admin remains, and each applied change wrote its event."""
    active = await RoleAssignment.filter(
        organization_id=world.org.id, role=AdminRole.ORG_ADMIN, user__status=UserStatus.ACTIVE
    ).values_list("user_id", flat=True)
    assert len(active) == 1, (active, outcomes)
    for how in {t.how for t in take_outs}:
        applied = sum(
            o == "applied" for o, t in zip(outcomes, take_outs, strict=True) if t.how == how
        )
        events = await AuditEvent.filter(organization_id=world.org.id, action=ACTIONS[how])
        assert len([e for e in events if e.request_id != "test"]) == applied, outcomes
