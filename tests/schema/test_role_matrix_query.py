"""roleMatrix over HTTP says what permissions/role_matrix.yaml says, cell by cell (public)."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.graphql_client import GraphQLClient

ROLE_MATRIX = """
query RoleMatrix($experience: UserManagementExperience!) {
  roleMatrix(experience: $experience) {
    experience
    roles
    sections { id label features { id label target cells { role value footnote inferred } } }
  }
}
"""
ABSENT_ROLE = {"CENTRALIZED": "TRUSTED_USER", "ORIGINAL": "USER_ACCESS_ADMIN"}  # R-ROLE-7
ABSENT_ROW = {"CENTRALIZED": "make_trusted_user", "ORIGINAL": "make_user_access_admin"}


def _yaml(repo_root: Path) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(
        (repo_root / "permissions" / "role_matrix.yaml").read_text(encoding="utf-8")
    )
    return raw


def _expected_sections(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The YAML sections as the API shapes them; cells keyed by role, compared as a mapping."""
    return [
        {
            "id": section["section"],
            "label": section["label"],
            "features": [
                {
                    "id": row["id"],
                    "label": row["label"],
                    "target": row["target"].upper(),
                    "cells": {
                        role.upper(): {
                            "value": value,
                            "footnote": (row.get("footnotes") or {}).get(role),
                            "inferred": role in (row.get("inferred_cells") or []),
                        }
                        for role, value in row["cells"].items()
                    },
                }
                for row in section["features"]
            ],
        }
        for section in sections
    ]


def _answered_sections(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **section,
            "features": [
                {
                    **feature,
                    "cells": {
                        cell["role"]: {k: cell[k] for k in ("value", "footnote", "inferred")}
                        for cell in feature["cells"]
                    },
                }
                for feature in section["features"]
            ],
        }
        for section in sections
    ]


@pytest.mark.parametrize("experience", ["CENTRALIZED", "ORIGINAL"])
async def test_role_matrix_is_the_yaml_file(
    api: GraphQLClient, repo_root: Path, experience: str
) -> None:
    matrix = (await api(ROLE_MATRIX, {"experience": experience})).ok()["roleMatrix"]
    raw_sections = _yaml(repo_root)[experience.lower()]

    assert matrix["experience"] == experience
    assert _answered_sections(matrix["sections"]) == _expected_sections(raw_sections)

    # The columns: the roles of the YAML rows, each once; every row has one cell per column,
    # in the column order, so a table can be drawn from it directly.
    roles = matrix["roles"]
    assert len(roles) == len(set(roles))
    yaml_roles = {r.upper() for s in raw_sections for row in s["features"] for r in row["cells"]}
    assert set(roles) == yaml_roles
    for section in matrix["sections"]:
        for feature in section["features"]:
            assert [c["role"] for c in feature["cells"]] == roles, feature["id"]
            assert {c["value"] for c in feature["cells"]} <= {"YES", "SCOPED", "NO"}


@pytest.mark.parametrize("experience", ["CENTRALIZED", "ORIGINAL"])
async def test_a_role_the_experience_lacks_has_no_column_and_no_row(
    api: GraphQLClient, experience: str
) -> None:  # R-ROLE-7
    matrix = (await api(ROLE_MATRIX, {"experience": experience})).ok()["roleMatrix"]
    absent = ABSENT_ROLE[experience]
    assert absent not in matrix["roles"]
    assert len(matrix["roles"]) == 4
    features = [f for s in matrix["sections"] for f in s["features"]]
    assert all(c["role"] != absent for f in features for c in f["cells"])
    assert ABSENT_ROW[experience] not in {f["id"] for f in features}


async def test_role_matrix_needs_no_credentials_and_refuses_an_unknown_experience(
    api: GraphQLClient,
) -> None:
    public = await api("{ roleMatrix(experience: ORIGINAL) { experience } }")
    assert public.ok() == {"roleMatrix": {"experience": "ORIGINAL"}}
    unknown = await api("{ roleMatrix(experience: HYBRID) { experience } }")
    assert unknown.errors
    assert unknown.data is None
