"""Checks of postcodes, e-mail addresses, phone numbers and web addresses."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from services.registry.domain.errors import InvalidInput

STATES = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}


def required(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{label} fehlt.", fields={label: "fehlt"})
    return value


def state(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in STATES:
        raise InvalidInput(f"Unbekanntes Bundesland „{value}“ (erwartet z. B. SN, HH, NW).", fields={"Land": value})
    return code


def postcode(value: str) -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"\d{5}", value) or value.startswith("00"):
        raise InvalidInput(f"Postleitzahl „{value}“ ist ungültig (fünf Ziffern).", fields={"PLZ": value})
    return value


def email(value: str, label: str = "E-Mail") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput(f"{label} „{value}“ ist keine gültige E-Mail-Adresse.", fields={label: value}) from None


def phone(value: str) -> str:
    """A German (or international) number, formatted the way people write it here."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(f"Telefonnummer „{value}“ ist ungültig.", fields={"Telefon": value})
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 49
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def web(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or "." not in parsed.netloc:
        raise InvalidInput(f"Webadresse „{value}“ ist ungültig.", fields={"Web": value})
    return value
