"""What a SCIM request acts in: the token's organization, a context whose principal is the
token (so every domain function audits it as the actor), and the endpoint's own base URL."""

from dataclasses import dataclass

from models.organization import Organization
from models.provisioning import ScimToken
from resolvers.context import Context
from scim.auth import scim_principal
from scim.errors import not_found


@dataclass(frozen=True)
class Directory:
    ctx: Context
    organization: Organization
    base: str  # `https://host/scim/v2`, for meta.location

    @classmethod
    def of(cls, token: ScimToken, request_id: str, base: str) -> "Directory":
        ctx = Context(principal=scim_principal(token), request_id=request_id)
        return cls(ctx, token.organization, base)

    def location(self, kind: str, pk: int) -> str:
        return f"{self.base}/{kind}/{pk}"


def parse_id(text: str, what: str) -> int:
    """Ids are the rows' numbers; anything else names nothing here."""
    if not text.isdigit() or len(text) > 9:
        raise not_found(what)
    return int(text)
