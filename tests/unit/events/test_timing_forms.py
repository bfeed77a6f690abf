"""T forms German work plans use beyond seed 004, read against a year passed in (never the wall clock)."""

from __future__ import annotations

from datetime import date

import pytest

from services.events.adapters.mapping import timing_contract, timing_domain
from services.events.domain.timing import (
    OnDate,
    Ongoing,
    Period,
    Periods,
    Recurring,
    Unparsed,
    due_on,
    parse_timing,
)

P = Period
FORMS = [  # (T as written, default year, what it must become)
    ("Frühjahr 2026", 2017, P(date(2026, 3, 1), date(2026, 5, 31), "Frühjahr 2026")),
    ("im Frühling", 2026, P(date(2026, 3, 1), date(2026, 5, 31), "Frühjahr 2026")),
    ("im Sommer", 2027, P(date(2027, 6, 1), date(2027, 8, 31), "Sommer 2027")),
    ("im Herbst", 2026, P(date(2026, 9, 1), date(2026, 11, 30), "Herbst 2026")),
    ("Winter 2027", 2026, P(date(2027, 12, 1), date(2028, 2, 29), "Winter 2027")),  # into a leap February
    ("im Winter", 2026, P(date(2026, 12, 1), date(2027, 2, 28), "Winter 2026")),
    ("Anfang März", 2027, P(date(2027, 3, 1), date(2027, 3, 10), "Anfang März 2027")),
    ("Mitte Oktober 2027", 2026, P(date(2027, 10, 11), date(2027, 10, 20), "Mitte Oktober 2027")),
    ("Ende Februar", 2028, P(date(2028, 2, 21), date(2028, 2, 29), "Ende Februar 2028")),
    ("Ende Februar", 2027, P(date(2027, 2, 21), date(2027, 2, 28), "Ende Februar 2027")),
    ("Ende Dezember", 2026, P(date(2026, 12, 21), date(2026, 12, 31), "Ende Dezember 2026")),
    ("bis Ende Juni", 2026, P(date(2026, 6, 1), date(2026, 6, 30), "bis Ende Juni 2026")),
    ("bis Ende Februar 2028", 2026, P(date(2028, 2, 1), date(2028, 2, 29), "bis Ende Februar 2028")),
    ("bis zum 15. Juni", 2026, OnDate(date(2026, 6, 15))),
    ("bis zum 29. Februar", 2028, OnDate(date(2028, 2, 29))),
    ("KW 20", 2026, P(date(2026, 5, 11), date(2026, 5, 17), "KW 20 2026")),
    ("in der KW 1 2027", 2026, P(date(2027, 1, 4), date(2027, 1, 10), "KW 1 2027")),
    ("KW 53", 2026, P(date(2026, 12, 28), date(2027, 1, 3), "KW 53 2026")),  # 2026 has 53 ISO weeks
    ("20. KW", 2028, P(date(2028, 5, 15), date(2028, 5, 21), "KW 20 2028")),
    ("1. Halbjahr", 2027, P(date(2027, 1, 1), date(2027, 6, 30), "I. Halbjahr 2027")),
    ("2. Halbjahr 2026", 2017, P(date(2026, 7, 1), date(2026, 12, 31), "II. Halbjahr 2026")),
    (
        "1./2. Halbjahr",
        2026,
        Periods(
            (
                P(date(2026, 1, 1), date(2026, 6, 30), "I. Halbjahr 2026"),
                P(date(2026, 7, 1), date(2026, 12, 31), "II. Halbjahr 2026"),
            )
        ),
    ),
    ("vierteljährlich", 2026, Recurring("quartal")),
    ("halbjährlich", 2026, Recurring("halbjahr")),
    ("jährlich", 2026, Recurring("jahr")),
    ("wöchentlich", 2026, Recurring("woche")),
    ("alle zwei Wochen", 2026, Recurring("woche", every=2)),
    ("vierzehntägig", 2026, Recurring("woche", every=2)),
    ("alle 3 Monate", 2026, Recurring("monat", every=3)),
    ("jeden ersten Montag im Monat", 2026, Recurring("monat", ordinal=1, weekday=0)),
    ("am dritten Werktag des Monats", 2026, Recurring("monat", ordinal=3, weekday=None)),
    ("jeden letzten Freitag im Monat", 2026, Recurring("monat", ordinal=-1, weekday=4)),
    ("ab März", 2027, Ongoing("ab März 2027", date(2027, 3, 1))),
    ("ab Januar 2028", 2026, Ongoing("ab Januar 2028", date(2028, 1, 1))),
    ("ab dem 15.03.2026", 2017, Ongoing("ab 15.03.2026", date(2026, 3, 15))),
]
NEVER_GUESSED = [
    "KW 53 2027",
    "KW 0",
    "alle elf Wochen",
    "jeden sechsten Montag im Monat",
    "ab irgendwann",
    "Mitte 2027",
    "Winter 2026/27",
    "bis Ende Februar 30",
    "irgendwann nach der Wahl",
    "3. Halbjahr",
    "am 25. Werktag",
]


@pytest.mark.parametrize(("text", "year", "expected"), FORMS, ids=[f[0] for f in FORMS])
def test_each_form_is_read_and_survives_the_wire(text: str, year: int, expected: object) -> None:
    timing = parse_timing(text, year)
    assert timing == expected
    assert timing_domain(timing_contract(timing, text)) == timing  # stored and sent as a snapshot


@pytest.mark.parametrize("text", NEVER_GUESSED)
def test_what_does_not_fit_stays_unparsed_verbatim(text: str) -> None:
    assert parse_timing(text, 2027) == Unparsed(text)


DUE = [  # (T, year, today, next due date)
    ("jeden ersten Montag im Monat", 2026, date(2026, 11, 29), date(2026, 12, 7)),
    ("jeden ersten Montag im Monat", 2026, date(2026, 12, 7), date(2026, 12, 7)),
    ("am dritten Werktag des Monats", 2026, date(2026, 12, 31), date(2027, 1, 5)),  # 1 Jan is a Friday, 2/3 weekend
    ("jeden letzten Freitag im Monat", 2028, date(2028, 2, 1), date(2028, 2, 25)),
    ("am ersten Werktag des Monats", 2027, date(2027, 2, 28), date(2027, 3, 1)),
    ("alle zwei Wochen", 2026, date(2026, 11, 29), date(2026, 12, 6)),
    ("alle zwei Wochen", 2026, date(2026, 12, 7), date(2026, 12, 20)),
    ("alle 3 Monate", 2027, date(2027, 3, 28), date(2027, 3, 31)),
    ("halbjährlich", 2027, date(2027, 10, 31), date(2027, 12, 31)),
    ("Winter 2027", 2027, date(2028, 2, 29), date(2028, 2, 29)),
    ("KW 53", 2026, date(2026, 12, 31), date(2027, 1, 3)),
    ("ab März", 2027, date(2027, 3, 28), None),  # ongoing from then: nobody is held to a date
]


@pytest.mark.parametrize(("text", "year", "today", "due"), DUE, ids=[f"{d[0]}@{d[2]}" for d in DUE])
def test_due_dates_follow_the_reference_day_passed_in(text: str, year: int, today: date, due: date | None) -> None:
    assert due_on(parse_timing(text, year), today) == due
