"""Mutation root: one `input` argument, a payload with the changed object(s), `errors` and the
echoed `clientMutationId`. Each module of this package contributes a `Mutations` type."""

import strawberry

from schema.mutations import (
    access,
    access_requests,
    admin_roles,
    directory,
    group_access,
    groups,
    members,
    organizations,
    provisioning,
    settings,
    sign_in,
)


# strawberry.tools.merge_types takes no description: this is what it builds, with one.
@strawberry.type(
    description="Every change to an organization. Each runs in one transaction with its audit "
    "event (R-AUDIT-1); refused by a guard: null with a top-level FORBIDDEN error; refused by a "
    "domain rule: the payload's errors, and nothing changed."
)
class Mutation(
    organizations.Mutations,
    directory.Mutations,
    access.Mutations,
    settings.Mutations,
    groups.Mutations,
    group_access.Mutations,
    admin_roles.Mutations,
    members.Mutations,
    access_requests.Mutations,
    sign_in.Mutations,
    provisioning.Mutations,
):
    pass
