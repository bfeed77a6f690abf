"""E-mail addresses and display names: checked, normalised, and never a way to inject headers."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from services.notifications.domain.errors import InvalidInput
from shared import privacy

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def address(value: str) -> str:
    value = (value or "").strip()
    if _CONTROL.search(value):
        raise InvalidInput("Die E-Mail-Adresse enthält unzulässige Zeichen.", fields={"adresse": "Steuerzeichen"})
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(f"„{value}“ ist keine gültige E-Mail-Adresse.", fields={"adresse": value}) from None
    return f"{checked.local_part}@{checked.domain.lower()}"


def display_name(value: str) -> str:
    """A name for the To: header. Line breaks and control characters are refused, not cleaned up."""
    value = (value or "").strip()
    if _CONTROL.search(value):
        raise InvalidInput(
            "Der Name enthält unzulässige Zeichen (z. B. Zeilenumbrüche).", fields={"name": "Steuerzeichen"}
        )
    if len(value) > 100:
        raise InvalidInput("Der Name ist zu lang (höchstens 100 Zeichen).", fields={"name": "zu lang"})
    return value


def hint(addr: str) -> str:
    """Enough of an address for its owner to recognise it on a page: `k…@example.org`."""
    local, _, domain = addr.partition("@")
    return f"{local[:1]}…@{domain}"


def fingerprint(addr: str, secret: bytes) -> str:
    """What is kept of an erased address: enough to honour its opt-out, not enough to read it."""
    return privacy.fingerprint(addr, secret)
