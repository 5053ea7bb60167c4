"""The `portcullis` console script: a broken role matrix stops start-up with one line naming
the bad row (the matrix is validated when the permissions package is imported)."""

import sys

from permissions.policy_errors import MatrixError
from portcullis.settings import SettingsError


def main() -> int:
    """A bad setting (PORTCULLIS_RATE_LIMIT=fast) stops the command the same way."""
    try:
        from portcullis import cli

        return cli.main()
    except (MatrixError, SettingsError) as broken:
        print(f"portcullis: {broken}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
