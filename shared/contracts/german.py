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
