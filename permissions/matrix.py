"""The role-feature matrix (role_matrix.yaml), loaded and validated once at import.

A broken file stops start-up with a message naming the bad row: an unknown role or target, a
missing or invalid cell, a duplicate feature, or a role present in the wrong experience.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from models.enums import AdminRole, Experience

MATRIX_FILE = Path(__file__).with_name("role_matrix.yaml")


class Cell(StrEnum):
    YES = "YES"
    SCOPED = "SCOPED"
    NO = "NO"


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


class MatrixError(ValueError):
    """The matrix file is not valid; the message names the row."""


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
            feature = _parse_feature(experience, section, row, where)
            if feature.id in by_id:
                raise MatrixError(f"{where}: duplicate feature row")
            by_id[feature.id] = feature
    return by_id


def _parse_feature(experience: Experience, section: Any, row: Any, where: str) -> Feature:
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
