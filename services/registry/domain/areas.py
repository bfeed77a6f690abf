"""Counselling areas: an extendable vocabulary with stable keys and German labels."""

from __future__ import annotations

import re

AREAS = {
    "sgb2": "SGB II / Bürgergeld",
    "sgb12": "SGB XII / Sozialhilfe",
    "kdu": "Kosten der Unterkunft",
    "rente": "Rente / Senior:innen",
    "familie": "Familie",
    "aufenthalt": "Aufenthaltsrecht",
    "energie": "Energiearmut",
    "schwerbehinderung": "Schwerbehinderung",
    "gericht": "Begleitung zu Gericht",
}
_ALIASES = {
    "bürgergeld": "sgb2",
    "hartz iv": "sgb2",
    "hartz 4": "sgb2",
    "alg ii": "sgb2",
    "sgb ii": "sgb2",
    "sozialhilfe": "sgb12",
    "sgb xii": "sgb12",
    "grundsicherung": "sgb12",
    "wohnkosten": "kdu",
    "miete": "kdu",
    "senior:innen": "rente",
    "senioren": "rente",
    "ausländerrecht": "aufenthalt",
    "migration": "aufenthalt",
    "energie": "energie",
    "strom": "energie",
    "behinderung": "schwerbehinderung",
    "sozialgericht": "gericht",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


_LOOKUP = {_norm(label): key for key, label in AREAS.items()}
_LOOKUP |= {_norm(part): key for key, label in AREAS.items() for part in label.split("/")}
_LOOKUP |= {key: key for key in AREAS} | _ALIASES


def area_key(text: str) -> str:
    """Known areas map to their key; anything else is kept as a new term (the vocabulary grows)."""
    return _LOOKUP.get(_norm(text), _norm(text))


def area_label(key: str) -> str:
    return AREAS.get(key, key[:1].upper() + key[1:])
