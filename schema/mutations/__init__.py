"""Mutation root: one `input` argument, a payload with the changed object(s), `errors` and the
echoed `clientMutationId`. Each module of this package contributes a `Mutations` type."""

from strawberry.tools import merge_types

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

Mutation = merge_types(
    "Mutation",
    (
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
    ),
)
