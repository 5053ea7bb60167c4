"""Input checks shared by the mutations; each failure is an INVALID_INPUT naming the field."""

import re

from resolvers.errors import DomainError, ErrorCode, refuse

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _invalid(field: str, message: str) -> DomainError:
    return refuse(ErrorCode.INVALID_INPUT, message, field=field)


def clean_name(value: str, field: str, max_length: int = 200) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise _invalid(field, f"'{field}' must not be empty.")
    if len(cleaned) > max_length or any(ord(ch) < 32 for ch in cleaned):
        raise _invalid(field, f"'{field}' must be at most {max_length} printable characters.")
    return cleaned


def clean_email(value: str, field: str = "email") -> str:
    cleaned = value.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.match(cleaned) or not cleaned.isprintable():
        raise _invalid(field, f"'{value}' is not an email address.")
    return cleaned


def clean_host(value: str, field: str = "name") -> str:
    cleaned = value.strip().lower()
    if not _HOST.match(cleaned):
        raise _invalid(field, f"'{value}' is not a host name (like acme.example.net).")
    return cleaned
