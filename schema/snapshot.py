"""Write the SDL snapshot: `python -m schema.snapshot` after changing the schema."""

from pathlib import Path

from schema.app import schema

SNAPSHOT = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    return schema.as_str() + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(current_sdl(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
