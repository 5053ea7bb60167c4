"""Asking the engine through the API: Decision, viewerCan per object type, and roleMatrix.

The viewerCan types are generated from the matrix: one boolean per feature whose target is
that kind of object (every feature for Organization, asked organization-wide), so a front end
shows or hides each control with the same decisions the guards make.
"""

from typing import Any, Self

import strawberry

from permissions.engine import VIEW_ORGANIZATION
from permissions.matrix import EXPERIENCE_ROLES, MATRIX, Asked, Cell, Feature, FeatureId, TargetKind
from permissions.targets import Decision as EngineDecision
from permissions.targets import Target
from resolvers.context import Context
from schema.enums import AdminRole, Experience, described

described(
    Cell,
    "MatrixCell",
    "YES, SCOPED or NO (role_matrix.yaml).",
    {
        Cell.YES: "Anywhere in the organization.",
        Cell.SCOPED: "Only inside the site or product instance the role is held over.",
        Cell.NO: "Never.",
    },
)
described(
    TargetKind,
    "MatrixTarget",
    "What kind of object a feature acts on.",
    {
        TargetKind.ORGANIZATION: "The organization.",
        TargetKind.SITE: "A site.",
        TargetKind.PRODUCT_INSTANCE: "A product instance.",
        TargetKind.GROUP: "A group.",
        TargetKind.USER: "A user of the directory.",
    },
)


@strawberry.type(description="The engine's answer: allowed or not, the rule that decided and why.")
class Decision:
    allowed: bool = strawberry.field(description="Whether the caller may do it.")
    rule: str = strawberry.field(description="The matrix feature id or the R- rule that decided.")
    reason: str = strawberry.field(description="Why, in a sentence.")

    @classmethod
    def of(cls, decision: EngineDecision) -> Self:
        return cls(allowed=decision.allowed, rule=decision.rule, reason=decision.reason)


def _feature(feature_id: str) -> Feature:
    by_experience = MATRIX.features
    found = by_experience[Experience.CENTRALIZED].get(feature_id)
    return found or by_experience[Experience.ORIGINAL][feature_id]


def _abilities(name: str, kinds: frozenset[TargetKind]) -> tuple[type[Any], tuple[FeatureId, ...]]:
    features = tuple(f for f in FeatureId if _feature(f).target in kinds)
    namespace: dict[str, Any] = {"__annotations__": {f.value: bool for f in features}}
    for feature in features:
        label = _feature(feature).label
        namespace[feature.value] = strawberry.field(description=f"{label} ({feature.value}).")
    description = f"What the caller may do on this {name.removesuffix('ViewerCan')}, per feature."
    return strawberry.type(type(name, (), namespace), description=description), features


OrganizationViewerCan, ORGANIZATION_FEATURES = _abilities(
    "OrganizationViewerCan", frozenset(TargetKind)
)
SiteViewerCan, SITE_FEATURES = _abilities("SiteViewerCan", frozenset({TargetKind.SITE}))
ProductInstanceViewerCan, INSTANCE_FEATURES = _abilities(
    "ProductInstanceViewerCan", frozenset({TargetKind.PRODUCT_INSTANCE})
)
GroupViewerCan, GROUP_FEATURES = _abilities("GroupViewerCan", frozenset({TargetKind.GROUP}))
UserViewerCan, USER_FEATURES = _abilities("UserViewerCan", frozenset({TargetKind.USER}))


def viewer_can(
    ctx: Context, kind: type[Any], features: tuple[FeatureId, ...], target: Target
) -> Any:
    """One decision per feature, each cached for the request like a guard's."""
    return kind(**{f.value: ctx.decide(f, target).allowed for f in features})


# What viewer.can may be asked, by id.
KNOWN_FEATURES: dict[str, Asked] = {f.value: f for f in (VIEW_ORGANIZATION, *FeatureId)}


@strawberry.type(description="One cell: what a role may do for a feature.")
class MatrixCellEntry:
    role: AdminRole = strawberry.field(description="The column: the admin role.")
    value: Cell = strawberry.field(description="What the role may do for the feature.")
    footnote: str | None = strawberry.field(
        description="The note the matrix attaches to the cell; null when none."
    )
    inferred: bool = strawberry.field(description="No public text states this cell outright.")


@strawberry.type(description="A row of the matrix.")
class MatrixFeature:
    id: str = strawberry.field(
        description="The feature id that guards, refusals and viewer.can use, like "
        "view_org_audit_log."
    )
    label: str = strawberry.field(description="The feature in words, as the console shows it.")
    target: TargetKind = strawberry.field(description="What kind of object it acts on.")
    cells: list[MatrixCellEntry] = strawberry.field(
        description="One cell per role of the experience, in RoleMatrix.roles order."
    )


@strawberry.type(description="A section of the matrix, like Manage users.")
class MatrixSection:
    id: str = strawberry.field(description="The section's id in role_matrix.yaml.")
    label: str = strawberry.field(description="The section in words.")
    features: list[MatrixFeature] = strawberry.field(description="Its rows, in file order.")


@strawberry.type(description="The role-feature matrix of one experience, to draw as a table.")
class RoleMatrix:
    experience: Experience = strawberry.field(description="The experience it is for.")
    roles: list[AdminRole] = strawberry.field(description="The columns, in this experience.")
    sections: list[MatrixSection] = strawberry.field(description="Its sections, in file order.")


def role_matrix(experience: Experience) -> RoleMatrix:
    roles = [r for r in AdminRole if r in EXPERIENCE_ROLES[experience]]
    sections: dict[str, MatrixSection] = {}
    for feature in MATRIX.features[experience].values():
        section = sections.setdefault(
            feature.section,
            MatrixSection(id=feature.section, label=feature.section_label, features=[]),
        )
        cells = [
            MatrixCellEntry(
                role=role,
                value=feature.cells[role],
                footnote=feature.footnotes.get(role),
                inferred=role in feature.inferred,
            )
            for role in roles
        ]
        section.features.append(
            MatrixFeature(id=feature.id, label=feature.label, target=feature.target, cells=cells)
        )
    return RoleMatrix(experience=experience, roles=roles, sections=list(sections.values()))
