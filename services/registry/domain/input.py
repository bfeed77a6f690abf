"""Building domain values from what people typed: every field checked, all problems reported at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from services.registry.domain import validation
from services.registry.domain.areas import area_key
from services.registry.domain.errors import InvalidInput
from services.registry.domain.hours import parse_hours
from services.registry.domain.offices import OPERATOR_KINDS, OfficeDetails, OperatorKind

T = TypeVar("T")
_OPERATOR_ALIASES = {
    "kv": "kreisverband",
    "bezirk": "kreisverband",
    "bezirksverband": "kreisverband",
    "abgeordnetenbüro": "abgeordnetenbuero",
    "bürgerbüro": "abgeordnetenbuero",
    "wahlkreisbüro": "abgeordnetenbuero",
    "mdl-büro": "abgeordnetenbuero",
    "mdb-büro": "abgeordnetenbuero",
    "parteibüro": "parteibuero",
    "geschäftsstelle": "parteibuero",
    "partner": "partnerorganisation",
    "verein": "partnerorganisation",
}


class Collector:
    """Runs checks and keeps every failure, so one answer names all problems of a row."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, label: str, fn: Callable[..., T], *args: object) -> T | None:
        try:
            return fn(*args)
        except InvalidInput as exc:
            self.errors[label] = exc.message
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(" ".join(self.errors.values()), fields=self.errors)


def parse_operator_kind(value: str) -> OperatorKind:
    key = re.sub(r"\s+", " ", (value or "").strip().lower())
    key = _OPERATOR_ALIASES.get(key, key)
    if key not in OPERATOR_KINDS:
        known = ", ".join(OPERATOR_KINDS)
        raise InvalidInput(f"Trägerart „{value}“ unbekannt (möglich: {known}).", fields={"Trägerart": value})
    return OperatorKind(key)


def office_details(
    *,
    name: str,
    operator_kind: str,
    operator_name: str,
    street: str,
    postcode: str,
    city: str,
    access_notes: str = "",
    phone: str = "",
    email: str = "",
    web: str = "",
    hours: Iterable[str] = (),
    areas: Iterable[str] = (),
    languages: Iterable[str] = (),
    district_id: str | None = None,
) -> OfficeDetails:
    c = Collector()
    details = dict(
        name=c.check("Name", validation.required, name, "Name"),
        operator_kind=c.check("Trägerart", parse_operator_kind, operator_kind),
        operator_name=c.check("Träger", validation.required, operator_name, "Träger"),
        street=c.check("Straße", validation.required, street, "Straße"),
        postcode=c.check("PLZ", validation.postcode, postcode),
        city=c.check("Ort", validation.required, city, "Ort"),
        phone=c.check("Telefon", validation.phone, phone),
        email=c.check("E-Mail", validation.email, email),
        web=c.check("Web", validation.web, web),
        hours=tuple(h for h in (c.check("Sprechzeiten", parse_hours, t) for t in hours if t.strip()) if h),
    )
    c.raise_if_any()
    return OfficeDetails(
        **details,
        access_notes=(access_notes or "").strip(),
        areas=tuple(dict.fromkeys(area_key(a) for a in areas if a.strip())),
        languages=tuple(dict.fromkeys(lang.strip() for lang in languages if lang.strip())),
        district_id=district_id or None,
    )
