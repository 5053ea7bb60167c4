"""signIn: a one-time code from a sign-in link, exchanged for a personal token (docs/http-api.md).

Public: the code is the credential. Calls without a valid credential are rate limited by
client address (portcullis/http/rate_limit.py), which bounds guessing; the code has 256 random bits.
"""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import sign_in
from resolvers.context import Context
from schema.mutations.common import INPUT, UserError, run

Ctx = Info[Context, None]


@strawberry.input(description="The one-time code of a sign-in link.")
class SignInInput:
    code: str = strawberry.field(description="The code after `#sign-in=` in the sign-in link.")


@strawberry.type(description="The result of signIn: a token, or why not.")
class SignInPayload:
    token: str | None = strawberry.field(
        default=None,
        description="A personal token of the account, for `Authorization: Bearer`; shown here "
        "once and stored only as a hash. It carries exactly the account's roles (R-TOKEN-1).",
    )
    email: str | None = strawberry.field(default=None, description="The account signed in.")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the token stops working; null: when revoked."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="INVALID_SIGN_IN_CODE when the code is unknown, used or expired; empty "
        "when signed in.",
    )


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Exchange a one-time sign-in code (from `portcullis demo` or `portcullis "
        "token create --link`) for a personal token. Needs no credentials; each code works "
        "once and for minutes. Audited in each of the account's organizations."
    )
    async def sign_in(self, info: Ctx, input: Annotated[SignInInput, INPUT]) -> SignInPayload:
        done = await run(info, input, lambda: sign_in.redeem(info.context, input.code))
        if done.result is None:
            return SignInPayload(errors=[UserError.of(p) for p in done.problems])
        signed_in = done.result
        return SignInPayload(
            token=signed_in.token, email=signed_in.account.email, expires_at=signed_in.expires_at
        )
