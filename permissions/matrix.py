"""The role-feature matrix (role_matrix.yaml), loaded and validated once at import.

A broken file stops start-up with a message naming the bad row: an unknown role or target, a
missing or invalid cell, a duplicate feature, or a role present in the wrong experience.
"""

import os
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from models.enums import AdminRole, Experience
from permissions.policy_errors import MatrixError as MatrixError  # re-exported

# The project's policy as data (docs/domain.md says the rules in words); PORTCULLIS_ROLE_MATRIX
# points elsewhere, for instance to try an edited matrix.
MATRIX_FILE = Path(
    os.environ.get("PORTCULLIS_ROLE_MATRIX") or Path(__file__).with_name("role_matrix.yaml")
)


class Cell(StrEnum):
    YES = "YES"
    SCOPED = "SCOPED"
    NO = "NO"


class FeatureId(StrEnum):
    """The vocabulary of the matrix: a row with another id is refused at load."""

    VIEW_USERS_IN_ORGANIZATION = "view_users_in_organization"
    CONFIGURE_USER_ACCESS_SETTINGS = "configure_user_access_settings"
    UPDATE_MANAGED_ACCOUNTS = "update_managed_accounts"
    MANAGE_PORTAL_ONLY_ACCOUNTS = "manage_portal_only_accounts"
    MAKE_ORG_ADMIN = "make_org_admin"
    MAKE_SITE_ADMIN = "make_site_admin"
    MAKE_USER_ACCESS_ADMIN = "make_user_access_admin"
    MAKE_TRUSTED_USER = "make_trusted_user"
    MAKE_PRODUCT_ADMIN = "make_product_admin"
    MAKE_PROJECT_SPACE_ADMIN = "make_project_space_admin"
    CREATE_OR_MODIFY_GROUP = "create_or_modify_group"
    ADD_REMOVE_USERS_FROM_GROUP = "add_remove_users_from_group"
    CONFIGURE_DEFAULT_GROUPS = "configure_default_groups"
    ACCESS_TO_PRODUCTS = "access_to_products"
    APPROVE_DENY_ACCESS_REQUESTS = "approve_deny_access_requests"
    ADD_REMOVE_USERS_FROM_PRODUCTS = "add_remove_users_from_products"
    CONFIGURE_PRODUCT_SETTINGS = "configure_product_settings"
    ADD_NEW_PRODUCTS = "add_new_products"
    ADD_APPS_TO_PRODUCTS = "add_apps_to_products"
    MANAGE_CONNECT_APPS = "manage_connect_apps"
    USER_PROVISIONING = "user_provisioning"
    SAML_SSO = "saml_sso"
    MANAGE_PASSWORDS = "manage_passwords"
    TWO_STEP_VERIFICATION = "two_step_verification"
    VIEW_ORG_AUDIT_LOG = "view_org_audit_log"
    TRACK_STORAGE = "track_storage"
    UPDATE_SECURITY_SETTINGS = "update_security_settings"
    UPDATE_API_KEYS = "update_api_keys"
    BILLING_CHANGE_SUBSCRIPTIONS = "billing_change_subscriptions"
    BILLING_VIEW_ESTIMATE_AND_INFO = "billing_view_estimate_and_info"


class Membership(StrEnum):
    """Not a matrix row: members see their organization's name, sites and installed products
    (they ask for access to them, R-ACCESS-10); suspended members see nothing (R-ACCESS-11).
    The engine decides it from membership alone."""

    VIEW_ORGANIZATION = "view_organization"


# What a guard or the engine is asked about: a row of the matrix, or membership.
Asked: TypeAlias = FeatureId | Membership


# Features that make a role holder, by role (assignAdminRole), and the experience-only ones
# (R-ROLE-7: a role the experience lacks has no row there).
MAKE_ROLE_FEATURE: dict[AdminRole, FeatureId] = {
    AdminRole.ORG_ADMIN: FeatureId.MAKE_ORG_ADMIN,
    AdminRole.SITE_ADMIN: FeatureId.MAKE_SITE_ADMIN,
    AdminRole.USER_ACCESS_ADMIN: FeatureId.MAKE_USER_ACCESS_ADMIN,
    AdminRole.TRUSTED_USER: FeatureId.MAKE_TRUSTED_USER,
    AdminRole.PRODUCT_ADMIN: FeatureId.MAKE_PRODUCT_ADMIN,
}


class TargetKind(StrEnum):
    ORGANIZATION = "organization"
    SITE = "site"
    PRODUCT_INSTANCE = "product_instance"
    GROUP = "group"
    USER = "user"


# Role ids of the matrix file and the admin roles they stand for (R-ROLE-7: one role per
# experience is absent from the other).
ROLE_IDS: dict[str, AdminRole] = {
    "org_admin": AdminRole.ORG_ADMIN,
    "site_admin": AdminRole.SITE_ADMIN,
    "user_access_admin": AdminRole.USER_ACCESS_ADMIN,
    "trusted_user": AdminRole.TRUSTED_USER,
    "product_admin": AdminRole.PRODUCT_ADMIN,
}
EXPERIENCE_ROLES: dict[Experience, frozenset[AdminRole]] = {
    Experience.CENTRALIZED: frozenset(set(AdminRole) - {AdminRole.TRUSTED_USER}),
    Experience.ORIGINAL: frozenset(set(AdminRole) - {AdminRole.USER_ACCESS_ADMIN}),
}
EXPERIENCE_FEATURES: dict[Experience, frozenset[FeatureId]] = {
    experience: frozenset(
        f for f in FeatureId if not any(f is MAKE_ROLE_FEATURE[r] for r in set(AdminRole) - roles)
    )
    for experience, roles in EXPERIENCE_ROLES.items()
}


@dataclass(frozen=True)
class Feature:
    id: str
    label: str
    section: str
    section_label: str
    target: TargetKind
    cells: dict[AdminRole, Cell]
    footnotes: dict[AdminRole, str]
    inferred: frozenset[AdminRole]


@dataclass(frozen=True)
class Matrix:
    features: dict[Experience, dict[str, Feature]]

    def feature(self, experience: Experience, feature_id: str) -> Feature:
        return self.features[experience][feature_id]

    def cell(self, experience: Experience, feature_id: str, role: AdminRole) -> Cell:
        return self.features[experience][feature_id].cells.get(role, Cell.NO)

    def feature_ids(self) -> frozenset[str]:
        return frozenset(f for by_id in self.features.values() for f in by_id)


def parse_matrix(raw: Any) -> Matrix:
    if not isinstance(raw, dict):
        raise MatrixError("role matrix: the file must map experiences to sections")
    features: dict[Experience, dict[str, Feature]] = {}
    for experience in Experience:
        sections = raw.get(experience.value.lower())
        if not isinstance(sections, list):
            raise MatrixError(f"role matrix: experience '{experience.value.lower()}' is missing")
        features[experience] = _parse_experience(experience, sections)
    unknown = set(raw) - {e.value.lower() for e in Experience}
    if unknown:
        raise MatrixError(f"role matrix: unknown experience(s) {sorted(unknown)}")
    return Matrix(features)


def _parse_experience(experience: Experience, sections: list[Any]) -> dict[str, Feature]:
    by_id: dict[str, Feature] = {}
    for section in sections:
        for row in section.get("features") or []:
            where = f"role matrix: {experience.value.lower()}/{row.get('id', '?')}"
            try:
                feature = _parse_feature(experience, section, row, where)
            except (KeyError, TypeError, AttributeError) as broken:
                raise MatrixError(f"{where}: malformed row ({broken!r})") from None
            if feature.id in by_id:
                raise MatrixError(f"{where}: duplicate feature row")
            by_id[feature.id] = feature
    missing = sorted(EXPERIENCE_FEATURES[experience] - set(by_id))
    if missing:
        raise MatrixError(f"role matrix: {experience.value.lower()} lacks the row(s) {missing}")
    return by_id


def _parse_feature(experience: Experience, section: Any, row: Any, where: str) -> Feature:
    if row.get("id") not in EXPERIENCE_FEATURES[experience]:
        raise MatrixError(f"{where}: unknown feature in this experience")
    try:
        target = TargetKind(row["target"])
    except (KeyError, ValueError):
        raise MatrixError(f"{where}: unknown target {row.get('target')!r}") from None
    expected = EXPERIENCE_ROLES[experience]
    cells = {_role(name, where, expected): _cell(v, where) for name, v in row["cells"].items()}
    missing = expected - set(cells)
    if missing:
        raise MatrixError(f"{where}: missing cell(s) for {sorted(r.value for r in missing)}")
    return Feature(
        id=row["id"],
        label=row["label"],
        section=section["section"],
        section_label=section["label"],
        target=target,
        cells=cells,
        footnotes={_role(k, where, expected): v for k, v in (row.get("footnotes") or {}).items()},
        inferred=frozenset(_role(k, where, expected) for k in row.get("inferred_cells") or []),
    )


def _role(name: str, where: str, expected: frozenset[AdminRole]) -> AdminRole:
    role = ROLE_IDS.get(name)
    if role is None or role not in expected:
        raise MatrixError(f"{where}: unknown role {name!r} in this experience")
    return role


def _cell(value: Any, where: str) -> Cell:
    try:
        return Cell(value)
    except ValueError:
        raise MatrixError(f"{where}: invalid cell {value!r} (YES, SCOPED or NO)") from None


@cache
def load_matrix() -> Matrix:
    return parse_matrix(yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8")))


MATRIX = load_matrix()
