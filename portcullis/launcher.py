"""The `portcullis` console script: a broken role matrix stops start-up with one line naming
the bad row (the matrix is validated when the permissions package is imported)."""

import sys

from permissions.policy_errors import MatrixError


def main() -> int:
    try:
        from portcullis import cli
    except MatrixError as broken:
        print(f"portcullis: {broken}", file=sys.stderr)
        return 2
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
