"""The state office's register pages: reading the office form, the words an office is shown in, the list's filters.

Pure: no requests. The registry checks every field again and answers in German; this only reshapes what a person
typed into the fields of REGISTER_OFFICE / UPDATE_OFFICE and back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.gateway.domain.moderation import parse_day
from shared.contracts import registry as r

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
STATUS_WORDS = {"geplant": "geplant", "aktiv": "aktiv", "pausiert": "pausiert", "geschlossen": "geschlossen"}
FINDING_WORDS = {
    "ohne_rdg_aufsicht": "Anleitung nach § 6 RDG",
    "ohne_schulung": "Ohne Schulung",
    "schulung_veraltet": "Auffrischungsschulung fällig",
    "ohne_sprechzeiten": "Feste Sprechzeiten",
    "qualifikation_laeuft_ab": "Qualifikation läuft ab",  # issue 17
    "ohne_gueltige_qualifikation": "Keine gültige Qualifikation",
}
QUALIFICATION_WORDS = r.QUALIFICATION_WORDS  # issue 17: what attended trainings qualify for
COUNSELLOR_SLOTS = 3  # on the registration form; more are added on the office's page

# The form's inputs for each field of OfficeDetails (REGISTER_OFFICE adds status, counsellors, supervision and the
# idempotency key "kennung"). A test compares this with the contract, so a new field cannot be forgotten.
DETAIL_INPUTS = {
    "name": "name",
    "operator_kind": "traeger_art",
    "operator_name": "traeger",
    "street": "strasse",
    "postcode": "plz",
    "city": "ort",
    "access_notes": "zugang",
    "phone": "telefon",
    "email": "email",
    "web": "web",
    "hours": "sprechzeiten",
    "areas": "bereiche",
    "languages": "sprachen",
    "district_id": "kreis",
}
REGISTER_INPUTS = {
    "status": "status",
    "counsellors": "berater-1-name",
    "supervision": "anleitung_name",
    "office_id": "kennung",
}
TEXT_INPUTS = ("name", "traeger_art", "traeger", "strasse", "plz", "ort", "zugang", "telefon", "email", "web")
# The registry names a faulty field in German; where that field is on the form.
REGISTRY_LABELS = {
    "Name": "name",
    "Trägerart": "traeger_art",
    "Träger": "traeger",
    "Straße": "strasse",
    "PLZ": "plz",
    "Ort": "ort",
    "Telefon": "telefon",
    "E-Mail": "email",
    "Web": "web",
    "Sprechzeiten": "sprechzeiten",
}

_DAYS = "|".join(d.lower() for d in WEEKDAYS)
# A new entry starts after a comma with "jeden …", a weekday or "nach Vereinbarung"; "dienstags, 14–17 Uhr" stays one.
_HOURS_SPLIT = re.compile(rf"[;\n]+|,\s*(?=(?:jede[nrs]?\s|(?:{_DAYS})s?\b|nach\s|termine\s))", re.IGNORECASE)


def split_hours(text: str) -> list[str]:
    """`dienstags 14–17 Uhr, jeden 1. Montag im Monat 16–18 Uhr` → the two entries."""
    return [part.strip().rstrip(",").strip() for part in _HOURS_SPLIT.split(text or "") if part and part.strip()]


def _clock(value: str | None) -> str:
    hour, _, minute = (value or "").partition(":")
    return str(int(hour)) if minute in ("", "00") else f"{int(hour)}:{minute}"


def hours_words(h: r.HoursV1) -> str:
    """As people write it: "dienstags 14–17 Uhr", "jeden 1. Montag im Monat 16:30–18 Uhr", "nach Vereinbarung"."""
    if h.kind == "nach_vereinbarung" or h.weekday is None:
        return "nach Vereinbarung"
    span = f"{_clock(h.start)}–{_clock(h.end)} Uhr"
    if h.kind == "woechentlich":
        return f"{WEEKDAYS[h.weekday].lower()}s {span}"
    which = "letzten" if h.nth == -1 else f"{h.nth}."
    return f"jeden {which} {WEEKDAYS[h.weekday]} im Monat {span}"


def area_word(key: str) -> str:
    return r.AREA_WORDS.get(key, key[:1].upper() + key[1:])


def operator_word(kind: str) -> str:
    return r.OPERATOR_KIND_WORDS.get(kind, kind)


def _words(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]


@dataclass
class OfficeForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    hours: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def details(self) -> dict[str, Any]:
        """The fields of OfficeDetails (UPDATE_OFFICE without the office's id)."""
        v = self.values
        areas = list(v["bereiche"]) + _words(v["weitere_bereiche"])
        return {
            "name": v["name"],
            "operator_kind": v["traeger_art"],
            "operator_name": v["traeger"],
            "street": v["strasse"],
            "postcode": v["plz"],
            "city": v["ort"],
            "access_notes": v["zugang"],
            "phone": v["telefon"],
            "email": v["email"],
            "web": v["web"],
            "hours": self.hours,
            "areas": areas,
            "languages": _words(v["sprachen"]),
            "district_id": v["kreis"] or None,
        }

    def counsellors(self) -> list[dict[str, Any]]:
        found = []
        for slot in self.values["berater"]:
            if not slot["name"]:
                continue
            trainings = [{"on": slot["schulung_tag"], "title": slot["schulung"]}] if slot["schulung"] else []
            found.append(
                {
                    "name": slot["name"],
                    "email": slot["email"] or None,
                    "publish_name": slot["veroeffentlichen"],
                    "trainings": trainings,
                }
            )
        return found

    def supervision(self) -> dict[str, Any] | None:
        v = self.values
        if not v["anleitung_name"]:
            return None
        return {
            "lawyer_name": v["anleitung_name"],
            "since": v["anleitung_seit_tag"],
            "qualification_confirmed": v["anleitung_bestaetigt"],
        }


def _day(text: str, errors: dict[str, str], name: str) -> date | None:
    try:
        return parse_day(text)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def read_office(form: Any, new: bool) -> OfficeForm:
    """What the office form sent (`form`: a Starlette form or a dict of lists/strings), with the faults the page
    can see before asking the registry (required fields, dates)."""

    def one(name: str) -> str:
        return str(form.get(name, "") or "").strip()

    many = (
        (lambda name: [str(x) for x in form.getlist(name)])
        if hasattr(form, "getlist")
        else (lambda name: list(form.get(name, [])))
    )
    values: dict[str, Any] = {name: one(name) for name in TEXT_INPUTS}
    values["zugang"] = str(form.get("zugang", "") or "").strip()
    values |= {
        "sprechzeiten": one("sprechzeiten"),
        "bereiche": [a for a in many("bereiche") if a],
        "weitere_bereiche": one("weitere_bereiche"),
        "sprachen": one("sprachen"),
        "kreis": one("kreis"),
        "status": one("status") or "aktiv",
        "kennung": one("kennung"),
    }
    errors: dict[str, str] = {}
    for name, label in (
        ("name", "den Namen"),
        ("traeger", "den Träger"),
        ("strasse", "Straße und Hausnummer"),
        ("plz", "die Postleitzahl"),
        ("ort", "den Ort"),
    ):
        if not values[name]:
            errors[name] = f"Bitte geben Sie {label} an."
    if values["traeger_art"] not in r.OPERATOR_KIND_WORDS:
        errors["traeger_art"] = "Bitte wählen Sie, wer die Beratungsstelle trägt."
    if new:
        if values["status"] not in ("geplant", "aktiv"):
            errors["status"] = "Eine neue Beratungsstelle ist geplant oder aktiv."
        values["berater"] = []
        for i in range(1, COUNSELLOR_SLOTS + 1):
            prefix = f"berater-{i}-"
            slot = {
                "name": one(prefix + "name"),
                "email": one(prefix + "email"),
                "veroeffentlichen": one(prefix + "veroeffentlichen") == "ja",
                "schulung": one(prefix + "schulung"),
                "schulung_am": one(prefix + "schulung_am"),
            }
            slot["schulung_tag"] = _day(slot["schulung_am"], errors, prefix + "schulung_am")
            if slot["schulung"] and slot["schulung_tag"] is None and prefix + "schulung_am" not in errors:
                errors[prefix + "schulung_am"] = "Bitte geben Sie an, wann die Schulung war (z. B. 21.11.2026)."
            if not slot["name"] and (slot["email"] or slot["schulung"]):
                errors[prefix + "name"] = "Bitte geben Sie den Namen der Person an."
            values["berater"].append(slot)
        values["anleitung_name"] = one("anleitung_name")
        values["anleitung_seit"] = one("anleitung_seit")
        values["anleitung_bestaetigt"] = one("anleitung_bestaetigt") == "ja"
        values["anleitung_seit_tag"] = _day(values["anleitung_seit"], errors, "anleitung_seit")
        if values["anleitung_name"] and values["anleitung_seit_tag"] is None and "anleitung_seit" not in errors:
            errors["anleitung_seit"] = "Bitte geben Sie an, seit wann die Anleitung besteht (z. B. 1.3.2026)."
    return OfficeForm(values, errors, split_hours(values["sprechzeiten"]))


def office_values(office: r.OfficeSnapshot) -> dict[str, Any]:
    """The edit form filled from a stored office."""
    known = [a for a in office.areas if a in r.AREA_WORDS]
    return {
        "name": office.name,
        "traeger_art": office.operator_kind,
        "traeger": office.operator_name,
        "strasse": office.street,
        "plz": office.postcode,
        "ort": office.city,
        "zugang": office.access_notes,
        "telefon": office.phone,
        "email": office.email,
        "web": office.web,
        "sprechzeiten": ", ".join(hours_words(h) for h in office.hours),
        "bereiche": known,
        "weitere_bereiche": ", ".join(a for a in office.areas if a not in r.AREA_WORDS),
        "sprachen": ", ".join(office.languages),
        "kreis": office.district_id or "",
        "status": office.status,
        "kennung": "",
    }


def registry_errors(fields: dict[str, str], message: str) -> dict[str, str]:
    """The registry's refusal at the form's fields (its field names are German labels)."""
    found = {REGISTRY_LABELS[k]: v for k, v in fields.items() if k in REGISTRY_LABELS}
    return found or {"name": message}


# --- the list: search, filters, pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    text: str = ""
    district: str = ""
    status: str = ""
    area: str = ""
    language: str = ""
    supervision: str = ""  # "ja" / "nein" / ""
    refresher: bool = False

    @classmethod
    def of(cls, query: Any) -> Filters:
        return cls(
            text=str(query.get("suche", "")).strip()[:100],
            district=str(query.get("kreis", "")),
            status=str(query.get("status", "")),
            area=str(query.get("bereich", "")),
            language=str(query.get("sprache", "")).strip(),
            supervision=str(query.get("rdg", "")),
            refresher=query.get("auffrischung", "") == "1",
        )

    @property
    def kept(self) -> bool:
        return any((self.text, self.district, self.status, self.area, self.language, self.supervision, self.refresher))

    def query(self) -> str:
        pairs = [
            ("suche", self.text),
            ("kreis", self.district),
            ("status", self.status),
            ("bereich", self.area),
            ("sprache", self.language),
            ("rdg", self.supervision),
            ("auffrischung", "1" if self.refresher else ""),
        ]
        from urllib.parse import urlencode

        return urlencode([(k, v) for k, v in pairs if v])

    def matches(self, office: r.OfficeSnapshot, refresher_due: set[str]) -> bool:
        if self.text:
            needle = self.text.casefold()
            if not any(needle in s.casefold() for s in (office.name, office.city, office.postcode)):
                return False
        if self.district and office.district_id != self.district:
            return False
        if self.status and office.status != self.status:
            return False
        if self.area and self.area not in office.areas:
            return False
        if self.language and all(self.language.casefold() != lang.casefold() for lang in office.languages):
            return False
        supervised = bool(office.supervision and office.supervision.qualification_confirmed)
        if self.supervision == "ja" and not supervised:
            return False
        if self.supervision == "nein" and supervised:
            return False
        return not (self.refresher and office.office_id not in refresher_due)


def hours_text(hours: list[r.HoursV1]) -> str:
    return "; ".join(hours_words(h) for h in hours)


def areas_text(areas: list[str]) -> str:
    return ", ".join(area_word(a) for a in areas)
