"""The one form in which names and emails are compared: for uniqueness and for protection.

Two strings that read alike are one name. `fold` gives the form every group name and every
email is compared in: Unicode NFKC (a fullwidth `o`, U+FF4F, is `o`; NFD's `e` followed by a
combining accent is NFC's e-acute), then case folded (`Support` is `support`, sharp s is
`ss`). Characters that show nothing or reorder what follows (format characters such as a
zero-width space or a right-to-left mark, controls, private-use and unassigned code points,
line and paragraph separators) are refused outright: no name needs them, and they are how two
different strings come to look the same.

NFKC leaves letters of other scripts alone (Cyrillic i, U+0456, still differs from Latin `i`;
the Unicode hyphen U+2010 from `-`), so a protected name is also compared by `skeleton`: each
character replaced by the ASCII character it is confusable with, per the Unicode confusables
data (Unicode TR39) that the `confusable-homoglyphs` package ships. The skeleton only keeps
lookalikes of protected names away; for plain uniqueness the folded form is enough, and people
may name groups in any script.
"""

import unicodedata

from confusable_homoglyphs.confusables import confusables_data

from resolvers.errors import DomainError, ErrorCode, refuse

# Unicode general categories that never belong in a name or an email.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def invisible_characters(value: str) -> list[str]:
    """The code points of `value` that `fold` refuses, as U+XXXX."""
    return [f"U+{ord(ch):04X}" for ch in value if unicodedata.category(ch) in REFUSED_CATEGORIES]


def refuse_invisible(value: str, field: str) -> None:
    found = invisible_characters(value)
    if found:
        raise invisible_refused(field, found)


def invisible_refused(field: str, found: list[str]) -> DomainError:
    return refuse(
        ErrorCode.INVALID_INPUT,
        f"'{field}' has characters that show nothing or reorder text ({', '.join(found)}).",
        field=field,
    )


def fold(value: str, field: str) -> str:
    """NFKC, case folded, with invisible and reordering characters refused (INVALID_INPUT)."""
    normalized = unicodedata.normalize("NFKC", value.strip())
    refuse_invisible(normalized, field)
    # Folding may recompose: normalize again so equal names give equal keys.
    return unicodedata.normalize("NFKC", normalized.casefold())


def skeleton(key: str) -> str:
    """`key` (a folded form) with each character that is confusable with one ASCII character
    replaced by it: `org-admins` spelt with U+2010 for its hyphen and U+0456 for its `i` is
    `org-admins`."""
    return "".join(ch if ch.isascii() else _ascii_lookalike(ch) for ch in key)


def _ascii_lookalike(ch: str) -> str:
    for glyph in confusables_data.get(ch, ()):
        lookalike = str(glyph["c"])
        if len(lookalike) == 1 and lookalike.isascii():
            return lookalike.casefold()
    return ch
