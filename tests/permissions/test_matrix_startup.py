"""A broken matrix file stops start-up, in a fresh process, with a message naming the bad row.

permissions/matrix.py loads the file named by PORTCULLIS_ROLE_MATRIX (default: the packaged
role_matrix.yaml) once, at import. Each case writes a copy of the packaged file with one row
broken and starts the application in a subprocess: importing portcullis.http.app,
`portcullis migrate`
and `portcullis serve` (the command line imports the matrix before it opens the database or
binds a port).
"""

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROW = "role matrix: centralized/view_users_in_organization"
Rows = list[dict[str, Any]]


def _packaged(repo_root: Path) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(
        (repo_root / "permissions" / "role_matrix.yaml").read_text(encoding="utf-8")
    )
    return raw


def _first_centralized_rows(raw: dict[str, Any]) -> Rows:
    rows: Rows = raw["centralized"][0]["features"]
    assert rows[0]["id"] == "view_users_in_organization"
    return rows


def _invalid_cell(rows: Rows) -> None:
    rows[0]["cells"]["site_admin"] = "MAYBE"


def _duplicate_row(rows: Rows) -> None:
    rows.append(copy.deepcopy(rows[0]))


def _missing_cell(rows: Rows) -> None:
    del rows[0]["cells"]["site_admin"]


BROKEN: dict[str, tuple[Callable[[Rows], None], str]] = {
    "invalid-cell": (_invalid_cell, "invalid cell 'MAYBE' (YES, SCOPED or NO)"),
    "duplicate-row": (_duplicate_row, "duplicate feature row"),
    "missing-cell": (_missing_cell, "missing cell(s) for ['SITE_ADMIN']"),
}
COMMANDS: dict[str, list[str]] = {
    "import": ["-c", "import portcullis.http.app"],
    # The console script's entry point (pyproject: portcullis = portcullis.launcher:main).
    "migrate": ["-m", "portcullis.launcher", "migrate"],
    "serve": ["-m", "portcullis.launcher", "serve", "--host", "127.0.0.1", "--port", "0"],
}


def _write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    path = tmp_path / "role_matrix.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _start(
    repo_root: Path, tmp_path: Path, command: list[str], matrix: Path | None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PORTCULLIS_ROLE_MATRIX", None)
    if matrix is not None:
        env["PORTCULLIS_ROLE_MATRIX"] = str(matrix)
    env["DATABASE_URL"] = f"sqlite://{tmp_path / 'x.sqlite3'}"
    return subprocess.run(
        [sys.executable, *command],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("broken", BROKEN)
def test_a_broken_matrix_stops_start_up(
    repo_root: Path, tmp_path: Path, broken: str, command: str
) -> None:
    change, problem = BROKEN[broken]
    raw = copy.deepcopy(_packaged(repo_root))
    change(_first_centralized_rows(raw))
    started = _start(repo_root, tmp_path, COMMANDS[command], _write(tmp_path, raw))
    assert started.returncode != 0, started.stdout + started.stderr
    assert f"{ROW}: {problem}" in started.stderr, started.stderr
    if command == "import":
        assert "MatrixError" in started.stderr, started.stderr
    else:  # the command line says it in one line, without a traceback
        assert started.returncode == 2
        assert started.stderr.strip() == f"portcullis: {ROW}: {problem}", started.stderr


def test_the_packaged_matrix_starts(repo_root: Path, tmp_path: Path) -> None:
    started = _start(repo_root, tmp_path, COMMANDS["import"], None)
    assert started.returncode == 0, started.stderr


def test_an_unchanged_copy_named_by_the_variable_starts(repo_root: Path, tmp_path: Path) -> None:
    """The control for the broken cases: the copy as written here loads, so only the break fails."""
    matrix = _write(tmp_path, _packaged(repo_root))
    started = _start(
        repo_root,
        tmp_path,
        [
            "-c",
            "import portcullis.http.app; from permissions.matrix import MATRIX_FILE;"
            " print(MATRIX_FILE)",
        ],
        matrix,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == str(matrix)
