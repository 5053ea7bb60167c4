"""Two boundaries of the code, checked on its source: strawberry's and graphql-core's internals
are used in portcullis/graphql_internals.py only, and every top-level error code is a member of
TopLevelErrorCode (permissions/codes.py), never a string written where the error is raised."""

import ast
import re
from pathlib import Path

import pytest

from permissions.codes import ErrorCode, TopLevelErrorCode

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("models", "permissions", "resolvers", "schema", "portcullis", "scim", "bench", "tests")
ADAPTER = ROOT / "portcullis" / "graphql_internals.py"

# Names private to strawberry or graphql-core that the service relies on: in the adapter only.
PRIVATE = re.compile(
    r"\._schema\b|\._raw_info\b|\b_validate_batch_request\b|\._provided_operation_name\b"
)
# The wording of graphql-core's messages the service recognises: in the adapter only (tests may
# assert on what clients read).
WORDING = re.compile(r"Did you mean|Document contains more than")


def _sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and path != Path(__file__).resolve()
    )


def test_private_library_names_are_used_in_the_adapter_only() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        if path != ADAPTER
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line) or (WORDING.search(line) and "tests" not in path.parts)
    ]
    assert found == []


def test_the_adapter_holds_each_private_name() -> None:
    """The scan above is only as good as its list: each name in it is really in the adapter."""
    text = ADAPTER.read_text(encoding="utf-8")
    for name in ("._schema", "._raw_info", "_validate_batch_request", "._provided_operation_name"):
        assert name in text, name


CODES = {code.value for code in TopLevelErrorCode} | {code.value for code in ErrorCode}


@pytest.mark.parametrize(
    "package", ["models", "permissions", "resolvers", "schema", "portcullis", "scim"]
)
def test_error_codes_are_enum_members_not_strings(package: str) -> None:
    """A string literal equal to an error code, outside permissions/codes.py and docstrings,
    is a code written by hand: it belongs in the enum."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        if path.name == "codes.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in CODES and id(node) not in docstrings
        ]
    assert found == []


def test_every_top_level_code_is_explained_to_clients() -> None:
    conventions = (ROOT / "docs" / "api-conventions.md").read_text(encoding="utf-8")
    missing = [code.value for code in TopLevelErrorCode if f"| `{code.value}` |" not in conventions]
    assert missing == []
