"""Consultation hours from German text."""

from __future__ import annotations

from datetime import time

import pytest

from services.registry.domain.errors import InvalidInput
from services.registry.domain.hours import ByAppointment, MonthlyNth, Weekly, parse_hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dienstags 14–17 Uhr", Weekly(1, time(14), time(17))),
        ("Dienstags 14-17 Uhr", Weekly(1, time(14), time(17))),
        ("jeden Donnerstag 9:30 bis 12 Uhr", Weekly(3, time(9, 30), time(12))),
        ("montags, 10.15–12.45 Uhr", Weekly(0, time(10, 15), time(12, 45))),
        ("jeden 1. Montag im Monat 16–18 Uhr", MonthlyNth(1, 0, time(16), time(18))),
        ("jeden dritten Mittwoch im Monat 17–19 Uhr", MonthlyNth(3, 2, time(17), time(19))),
        ("jeden letzten Freitag des Monats 15–18 Uhr", MonthlyNth(-1, 4, time(15), time(18))),
        ("nach Vereinbarung", ByAppointment()),
        ("Termine nach telefonischer Vereinbarung.", ByAppointment()),
    ],
)
def test_understood(text: str, expected: object) -> None:
    assert parse_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("montags 18–17 Uhr", "endet die Sprechzeit nicht nach ihrem Beginn"),
        ("dienstags 3–5 Uhr", "außerhalb von 6–22 Uhr"),
        ("dienstags 14–25 Uhr", "gibt es nicht"),
        ("immer wenn jemand da ist", "nicht verstanden"),
        ("jeden 5. Montag im Monat 10–12 Uhr", "nicht verstanden"),
    ],
)
def test_refused_with_a_german_reason(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_hours(text)


def test_description_reads_back_as_the_same_schedule() -> None:
    for text in (
        "dienstags 14–17 Uhr",
        "jeden 1. Montag im Monat 16–18 Uhr",
        "jeden letzten Freitag im Monat 15–18 Uhr",
    ):
        hours = parse_hours(text)
        assert parse_hours(hours.describe()) == hours
