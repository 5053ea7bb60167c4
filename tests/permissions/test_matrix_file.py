"""The role matrix loads once and refuses a broken file with a message naming the bad row."""

import copy
from typing import Any

import pytest
import yaml

from models.enums import AdminRole, Experience
from permissions.matrix import MATRIX, MATRIX_FILE, Cell, MatrixError, parse_matrix


def _raw() -> Any:
    return yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))


def test_every_cell_of_both_experiences_is_loaded() -> None:
    raw = _raw()
    for experience in Experience:
        for section in raw[experience.value.lower()]:
            for row in section["features"]:
                feature = MATRIX.feature(experience, row["id"])
                assert {r.value.lower() for r in feature.cells} == set(row["cells"])
                for role_id, value in row["cells"].items():
                    assert feature.cells[AdminRole(role_id.upper())] is Cell(value)


def test_roles_exist_only_in_their_experience() -> None:  # R-ROLE-7
    centralized = MATRIX.feature(Experience.CENTRALIZED, "view_users_in_organization")
    original = MATRIX.feature(Experience.ORIGINAL, "view_users_in_organization")
    assert AdminRole.USER_ACCESS_ADMIN in centralized.cells
    assert AdminRole.TRUSTED_USER not in centralized.cells
    assert AdminRole.TRUSTED_USER in original.cells
    assert AdminRole.USER_ACCESS_ADMIN not in original.cells


def _broken(change: Any) -> Any:
    raw = copy.deepcopy(_raw())
    change(raw["centralized"][0]["features"])
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda rows: rows[0]["cells"].update(owner="YES"),
            "view_users_in_organization: unknown role 'owner'",
        ),
        (lambda rows: rows[0]["cells"].update(trusted_user="YES"), "unknown role 'trusted_user'"),
        (
            lambda rows: rows[0]["cells"].pop("site_admin"),
            "view_users_in_organization: missing cell",
        ),
        (lambda rows: rows[0]["cells"].update(org_admin="MAYBE"), "invalid cell 'MAYBE'"),
        # Cells are upper case: a lower-case one is a typo, not a synonym (issue 13.15).
        (
            lambda rows: rows[0]["cells"].update(org_admin="yes"),
            "view_users_in_organization: invalid cell 'yes'",
        ),
        (lambda rows: rows[1]["cells"].update(user_access_admin="scoped"), "invalid cell 'scoped'"),
        (lambda rows: rows[0]["cells"].update(site_admin="no"), "invalid cell 'no'"),
        (lambda rows: rows.append(copy.deepcopy(rows[0])), "view_users_in_organization: duplicate"),
        (
            lambda rows: rows[1].update(target="planet"),
            "configure_user_access_settings: unknown target",
        ),
    ],
)
def test_a_broken_matrix_names_the_bad_row(change: Any, message: str) -> None:
    with pytest.raises(MatrixError, match=message):
        parse_matrix(_broken(change))


def test_a_missing_experience_is_refused() -> None:
    raw = _raw()
    del raw["original"]
    with pytest.raises(MatrixError, match="experience 'original' is missing"):
        parse_matrix(raw)


def test_an_unknown_experience_is_refused() -> None:  # issue 13.15
    raw = _raw()
    raw["federated"] = copy.deepcopy(raw["centralized"])
    with pytest.raises(MatrixError, match=r"unknown experience\(s\) \['federated'\]"):
        parse_matrix(raw)


def test_an_unquoted_lower_case_cell_is_refused() -> None:
    """YAML reads a bare `yes` as true and `no` as false: neither is a cell (issue 13.15)."""
    text = MATRIX_FILE.read_text(encoding="utf-8").replace("org_admin: 'YES'", "org_admin: yes", 1)
    assert text != MATRIX_FILE.read_text(encoding="utf-8")
    with pytest.raises(MatrixError, match="view_users_in_organization: invalid cell True"):
        parse_matrix(yaml.safe_load(text))
