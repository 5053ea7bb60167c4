"""Write the SDL snapshot: `python -m schema.snapshot` after changing the schema."""

from pathlib import Path

import strawberry

from schema.definition import TYPES, Mutation, Query

SNAPSHOT = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    """The SDL of schema/definition.py. The served Schema adds runtime extensions only
    (portcullis/execution/schema.py), which the SDL does not show."""
    return strawberry.Schema(query=Query, mutation=Mutation, types=list(TYPES)).as_str() + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(current_sdl(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
