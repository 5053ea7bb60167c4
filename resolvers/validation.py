"""Input checks shared by the mutations; each failure is an INVALID_INPUT naming the field."""

import re

from resolvers.errors import DomainError, ErrorCode, refuse
from resolvers.identity import fold, invisible_characters, invisible_refused

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _invalid(field: str, message: str) -> DomainError:
    return refuse(ErrorCode.INVALID_INPUT, message, field=field)


def clean_name(value: str, field: str, max_length: int = 200) -> str:
    """A name as shown; characters that show nothing or reorder text are refused
    (resolvers/identity.py), so two names that read alike are alike."""
    cleaned = value.strip()
    if not cleaned:
        raise _invalid(field, f"'{field}' must not be empty.")
    if len(cleaned) > max_length:
        raise _invalid(field, f"'{field}' must be at most {max_length} printable characters.")
    hidden = invisible_characters(cleaned)
    if hidden:
        raise invisible_refused(field, hidden)
    return cleaned


def clean_email(value: str, field: str = "email") -> str:
    """An email in the one form accounts are stored and compared in (resolvers/identity.py):
    NFKC and case folded, so NFC and NFD, fullwidth and case variants are one account."""
    if len(value) > 320:
        raise _invalid(field, f"'{value[:40]}...' is not an email address.")
    cleaned = fold(value, field)
    if len(cleaned) > 320 or not _EMAIL.match(cleaned) or not cleaned.isprintable():
        raise _invalid(field, f"'{value}' is not an email address.")
    return cleaned


def clean_host(value: str, field: str = "name") -> str:
    cleaned = value.strip().lower()
    if not _HOST.match(cleaned):
        raise _invalid(field, f"'{value}' is not a host name (like acme.example.net).")
    return cleaned
