"""The planning form reads dates and times as people type them, in Berlin time, and says in German what is wrong."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from services.gateway.domain.planning import parse_clock, read_plan
from shared.clock import BERLIN, german_date_long, german_when


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("9:00", time(9)), ("09.30", time(9, 30)), ("9", time(9)), ("9 Uhr", time(9)), ("14:15 Uhr", time(14, 15))],
)
def test_times_as_people_type_them(typed: str, meant: time) -> None:
    assert parse_clock(typed) == meant


@pytest.mark.parametrize("typed", ["25:00", "9:60", "neun", "9:0"])
def test_what_is_no_time_is_said_so(typed: str) -> None:
    with pytest.raises(ValueError, match="keine Uhrzeit"):
        parse_clock(typed)


def test_a_filled_form_becomes_a_schedule_in_berlin_time() -> None:
    form = read_plan(
        {
            "art": "zahltag",
            "titel": " Zahltag ",
            "jobcenter": "Jobcenter Plauen",
            "datum": "01.12.2026",
            "beginn": "9:00",
            "ende": "11 Uhr",
            "verantwortlich": "Kathrin, Steffen;Gudrun",
        }
    )
    assert form.ok, form.errors
    schedule = form.schedule()
    assert schedule["start"] == datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    assert schedule["end"] == datetime(2026, 12, 1, 11, tzinfo=BERLIN)
    assert schedule["title"] == "Zahltag" and schedule["responsible"] == ["Kathrin", "Steffen", "Gudrun"]


def test_every_mistake_is_named_at_its_field() -> None:
    form = read_plan({"art": "zahltag", "datum": "31.02.2026", "beginn": "11:00", "ende": "10:00"})
    assert set(form.errors) == {"titel", "jobcenter", "datum"}
    form = read_plan({"art": "info", "titel": "x", "datum": "01.12.2026", "beginn": "11:00", "ende": "10:00"})
    assert form.errors == {"ende": "Das Ende muss nach dem Beginn liegen."}


def test_dates_in_german_words() -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    assert german_date_long(start) == "Dienstag, 1. Dezember 2026"
    assert german_when(start) == "Dienstag, 1. Dezember 2026, 9:00 Uhr"
    assert german_when(start, start.replace(hour=11, minute=30)) == "Dienstag, 1. Dezember 2026, 9:00 bis 11:30 Uhr"
    assert german_when(datetime(2027, 3, 28, 1, 30, tzinfo=BERLIN).astimezone(BERLIN)).startswith("Sonntag, 28. März")
