"""What the engine decides about: a target, and the decision it returns."""

from dataclasses import dataclass, fields
from functools import cached_property

from models.enums import Experience
from permissions.matrix import TargetKind


@dataclass(frozen=True)
class Target:
    """An object's place in its organization, as far as coverage by role scopes needs it.

    `site_id` is the site itself, a product instance's site or an ORIGINAL group's site.
    `site_ids` and `instance_ids` say what the object reaches: for a user, the sites and
    product instances they belong to through groups and admin roles (ORIGINAL site scopes);
    for a group, the product instances it gives access to (R-ROLE-9); for a product instance
    asked about granting it to users, what its default groups give (R-ROLE-10).
    `product_family` is a product instance's catalog family: a product admin holds the
    product's content outside the Jira family (R-ROLE-11).
    """

    kind: TargetKind
    organization_id: int
    experience: Experience
    site_id: int | None = None
    product_instance_id: int | None = None
    group_id: int | None = None
    user_id: int | None = None
    site_ids: frozenset[int] = frozenset()
    instance_ids: frozenset[int] = frozenset()
    product_family: str | None = None

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        """Computed once: a target is a key of the request's decision cache, asked about by
        every guarded field of every row of a page."""
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    @property
    def object_id(self) -> int | None:
        """The id of the object itself, of its kind."""
        return {
            TargetKind.ORGANIZATION: self.organization_id,
            TargetKind.SITE: self.site_id,
            TargetKind.PRODUCT_INSTANCE: self.product_instance_id,
            TargetKind.GROUP: self.group_id,
            TargetKind.USER: self.user_id,
        }[self.kind]

    @property
    def organization_wide(self) -> bool:
        """The organization itself, its directory and its organization-level groups."""
        if self.kind is TargetKind.GROUP:
            return self.site_id is None
        return self.kind in (TargetKind.ORGANIZATION, TargetKind.USER)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str  # the matrix feature id, or the R- rule that decided
    reason: str


@dataclass(frozen=True)
class Reach:
    """Where a principal may use a feature inside one organization: everywhere (the decision
    on the organization allows it), or only the scopes of its SCOPED roles, which narrow the
    organization-wide lists in SQL."""

    decision: Decision
    site_ids: frozenset[int] = frozenset()
    instance_ids: frozenset[int] = frozenset()

    @property
    def everywhere(self) -> bool:
        return self.decision.allowed

    @property
    def nowhere(self) -> bool:
        return not self.decision.allowed and not self.site_ids and not self.instance_ids
