"""German messages for pydantic's validation errors, in one place: the gateway's 422 answers and
the services' refusals of a malformed request both say in German what is wrong with which field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.contracts.text import FILLED_IN, PATTERN_MESSAGES

MESSAGES = {
    "missing": "Pflichtfeld fehlt.",
    "extra_forbidden": "Dieses Feld ist nicht vorgesehen.",
    "string_type": "Bitte einen Text angeben.",
    "string_too_short": "Zu kurz: mindestens {min_length} Zeichen.",
    "string_too_long": "Zu lang: höchstens {max_length} Zeichen.",
    "string_pattern_mismatch": "Das Format stimmt nicht.",
    "int_type": "Bitte eine ganze Zahl angeben.",
    "int_parsing": "Bitte eine ganze Zahl angeben.",
    "int_from_float": "Bitte eine ganze Zahl angeben.",
    "float_type": "Bitte eine Zahl angeben.",
    "float_parsing": "Bitte eine Zahl angeben.",
    "bool_type": "Bitte true oder false angeben.",
    "bool_parsing": "Bitte true oder false angeben.",
    "greater_than": "Muss größer als {gt} sein.",
    "greater_than_equal": "Muss mindestens {ge} sein.",
    "less_than": "Muss kleiner als {lt} sein.",
    "less_than_equal": "Darf höchstens {le} sein.",
    "literal_error": "Erlaubt sind: {expected}.",
    "enum": "Erlaubt sind: {expected}.",
    "list_type": "Bitte eine Liste angeben.",
    "too_short": "Zu wenige Einträge: mindestens {min_length}.",
    "too_long": "Zu viele Einträge: höchstens {max_length}.",
    "dict_type": "Bitte ein Objekt angeben.",
    "model_type": "Bitte ein Objekt angeben.",
    "model_attributes_type": "Bitte ein Objekt angeben.",
    "date_type": "Bitte ein Datum angeben (JJJJ-MM-TT).",
    "date_parsing": "Bitte ein Datum angeben (JJJJ-MM-TT).",
    "date_from_datetime_parsing": "Bitte ein Datum angeben (JJJJ-MM-TT).",
    "date_from_datetime_inexact": "Bitte ein Datum ohne Uhrzeit angeben.",
    "datetime_type": "Bitte Datum und Uhrzeit angeben (JJJJ-MM-TTTHH:MM).",
    "datetime_parsing": "Bitte Datum und Uhrzeit angeben (JJJJ-MM-TTTHH:MM).",
    "datetime_from_date_parsing": "Bitte Datum und Uhrzeit angeben (JJJJ-MM-TTTHH:MM).",
    "json_invalid": "Kein gültiges JSON.",
    "json_type": "Kein gültiges JSON.",
    "union_tag_invalid": "Unbekannte Art.",
    "uuid_parsing": "Keine gültige ID.",
    "uuid_type": "Keine gültige ID.",
}
EMAIL = "Keine gültige E-Mail-Adresse."


def message(error: dict[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) as a German sentence."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and (pattern := ctx.get("pattern")) in PATTERN_MESSAGES:
        if pattern in FILLED_IN and str(error.get("input", "")).strip():
            pattern = FILLED_IN[pattern]
        return PATTERN_MESSAGES[pattern]
    if kind == "value_error" and "email" in str(error.get("msg", "")).casefold():
        return EMAIL
    template = MESSAGES.get(kind)
    if template is None:  # our own validators already speak German; anything else gets a plain sentence
        return (
            str(error.get("msg", "")).removeprefix("Value error, ")
            if kind in ("value_error", "assertion_error")
            else "Ungültiger Wert."
        )
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split(":")[0] + "."


def field_messages(errors: Iterable[dict[str, Any]], skip: tuple[str, ...] = ()) -> dict[str, str]:
    """`{"body.title": "…"}` for every error; `skip` drops leading location parts such as "body"."""
    found: dict[str, str] = {}
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if not (isinstance(p, str) and p in skip)]
        found.setdefault(".".join(loc) or "anfrage", message(error))
    return found


# The API's field names as people read them in an error (`felder`): the CLI's option names where it has one.
FIELD_NAMES = {
    "accept": "zusage",
    "access_notes": "zugang",
    "action": "aktion",
    "action_id": "aktion",
    "address": "adresse",
    "admin": "landesbuero",
    "areas": "felder",
    "as_idea": "idee",
    "author": "autor",
    "block": "sperren",
    "city": "ort",
    "consent_version": "einwilligung",
    "coordinator": "koordination",
    "counsellor_id": "berater",
    "counsellors": "berater",
    "csv": "csv",
    "decision": "entscheidung",
    "delivery": "zustellung",
    "description": "beschreibung",
    "display_name": "anzeigename",
    "district_id": "kreisverband",
    "district_ids": "kreisverbaende",
    "dry_run": "probelauf",
    "email": "e_mail",
    "end": "ende",
    "evaluation": "auswertung",
    "event_id": "ereignis",
    "format": "format",
    "group": "gruppe",
    "group_id": "gruppe",
    "group_ids": "gruppen",
    "gruppe": "gruppe",
    "hours": "sprechzeiten",
    "id": "kennung",
    "into_group_id": "zielgruppe",
    "item_id": "punkt",
    "job_centre": "jobcenter",
    "kind": "art",
    "land": "land",
    "languages": "sprachen",
    "lawyer_name": "volljurist",
    "limit": "anzahl",
    "list_id": "verteiler",
    "moderator": "moderation",
    "name": "name",
    "new_address": "neue_adresse",
    "notes": "notizen",
    "office_id": "beratungsstelle",
    "offset": "ab",
    "on": "am",
    "only_open": "nur_offene",
    "operator_kind": "traegerart",
    "operator_name": "traeger",
    "organiser_group_id": "gruppe",
    "owner_address": "verwaltung",
    "owner_name": "verwaltung_name",
    "page": "seite",
    "participants": "teilnehmende",
    "per_page": "pro_seite",
    "period_key": "zeitraum",
    "person": "person",
    "phone": "telefon",
    "place": "ort",
    "plan": "plan",
    "policy": "richtlinie",
    "postcode": "plz",
    "press": "presse",
    "pro_seite": "pro_seite",
    "progress_subject": "betreff",
    "publish_name": "name_veroeffentlichen",
    "qualification_confirmed": "befaehigung_bestaetigt",
    "reason": "grund",
    "request_id": "anfrage",
    "responsible": "verantwortlich",
    "role": "rolle",
    "scope": "bereich",
    "search": "suche",
    "seite": "seite",
    "since": "seit",
    "start": "beginn",
    "state": "land",
    "status": "status",
    "street": "strasse",
    "subject": "betreff",
    "supervision": "anleitung",
    "table": "tabelle",
    "text": "text",
    "timing": "termin",
    "title": "titel",
    "token": "token",
    "training": "schulung",
    "trainings": "schulungen",
    "until": "bis",
    "web": "webseite",
    "year": "jahr",
}
WHOLE = "anfrage"  # the request as a whole (not an object, no valid JSON)
ENVELOPE = ("body", "query", "path", "header", "cookie")


def german_field(loc: Iterable[Any]) -> str:
    """A field's place in a request as people read it: `berater.2.name` (German names; list places count from 1).

    pydantic's own steps (`function-after[…]`, a union member's type) are left out; a name without a German
    one keeps its own (tests/integration/test_api_german.py makes sure every field of the API has one)."""
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts.append(str(step + 1))
        elif step in ENVELOPE and not parts:
            continue
        elif "[" in step or step in ("str", "int", "float", "bool", "list", "dict", "none", "is-instance"):
            continue
        else:
            parts.append(FIELD_NAMES.get(step, step))
    return ".".join(parts) or WHOLE


def german_fields(errors: Iterable[dict[str, Any]]) -> dict[str, str]:
    """`{"titel": "Pflichtfeld fehlt."}`: pydantic's errors with German field names and German messages."""
    found: dict[str, str] = {}
    for error in errors:
        where = WHOLE if error.get("type", "").startswith("json_") else german_field(error.get("loc", ()))
        found.setdefault(where, message(error))
    return found


def german_keys(fields: dict[str, str] | None) -> dict[str, str]:
    """A service's `felder` with German names (its own German names stay as they are)."""
    return {german_field(key.split(".")): text for key, text in (fields or {}).items()}
