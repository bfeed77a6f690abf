"""Calendar feeds parse with icalendar, keep Europe/Berlin times across the clock changes and name no persons.

How ical.js (Thunderbird, Nextcloud) reads them: tests/integration/test_calendar_clients.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from services.events.adapters.calendar import calendar_of
from services.events.domain.actions import Action, Schedule
from shared.clock import BERLIN

ORGANIZER = "verteiler@beratungsnetz.example"


def action(action_id: str, start: datetime, status: str = "geplant") -> Action:
    made = Action.plan(
        action_id,
        "g-v",
        Schedule("zahltag", "Zahltag", "", "Jobcenter Plauen", start, start + timedelta(hours=3), ("Kathrin",)),
    )
    made.status = status
    return made


def test_actions_on_both_sides_of_each_clock_change_keep_their_local_time() -> None:
    days = [datetime(2026, 3, 28, 9), datetime(2026, 3, 30, 9), datetime(2026, 10, 24, 9), datetime(2026, 10, 26, 9)]
    actions = [action(f"a{i}", d.replace(tzinfo=BERLIN)) for i, d in enumerate(days)]
    actions.append(action("cancelled", datetime(2026, 11, 3, 9, tzinfo=BERLIN), status="abgesagt"))
    ics = calendar_of(
        actions, {"g-v": "Vogtland"}, datetime(2026, 1, 1, tzinfo=UTC), "Aktionen – Vogtland", organizer=ORGANIZER
    )
    cal = icalendar.Calendar.from_ical(ics)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    starts = [e["DTSTART"].dt for e in cal.walk("VEVENT")]
    assert [s.hour for s in starts] == [9, 9, 9, 9, 9]
    assert [s.astimezone(UTC).hour for s in starts[:4]] == [8, 7, 7, 8]  # CET, CEST, CEST, CET
    assert "TZID=Europe/Berlin" in ics.decode()
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in cal.walk("VEVENT")}
    assert statuses["cancelled"] == "CANCELLED" and statuses["a0"] == "TENTATIVE"
    assert "Regionalgruppen: Vogtland" in str(cal.walk("VEVENT")[0]["DESCRIPTION"])


def test_public_feeds_name_the_organising_group_and_no_person() -> None:
    planned = action("a1", datetime(2026, 12, 1, 9, tzinfo=BERLIN))  # responsible: Kathrin
    planned.invitations = (("g-e", "zugesagt"),)
    names = {"g-v": "Vogtland", "g-e": "Erzgebirge"}
    for method in (None, "PUBLISH"):  # the feeds, and one action's .ics
        ics = calendar_of(
            [planned], names, datetime(2026, 11, 1, tzinfo=UTC), "Aktionen", organizer=ORGANIZER, method=method
        )
        assert b"Kathrin" not in ics and b"ATTENDEE" not in ics
        (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
        assert str(event["ORGANIZER"]) == f"mailto:{ORGANIZER}" and event["ORGANIZER"].params["CN"] == "Vogtland"
        assert str(event["DESCRIPTION"]) == "Regionalgruppen: Vogtland, Erzgebirge"


def test_an_empty_feed_is_a_calendar_with_its_zone() -> None:
    cal = icalendar.Calendar.from_ical(
        calendar_of([], {}, datetime(2026, 11, 1, tzinfo=UTC), "Aktionen", organizer=ORGANIZER)
    )
    assert (str(cal["PRODID"]), str(cal["VERSION"])) == ("-//Beratungsnetz//Aktionen//DE", "2.0")
    assert cal.walk("VEVENT") == [] and [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_zone_changes_by_yearly_rules_not_a_list_of_dates() -> None:
    """ical.js reads only the first value of a comma-separated RDATE: summer times came out an hour late."""
    ics = calendar_of(
        [action("a1", datetime(2027, 7, 1, 9, tzinfo=BERLIN))],
        {},
        datetime(2027, 1, 1, tzinfo=UTC),
        "A",
        organizer=ORGANIZER,
    ).decode()
    assert "RDATE" not in ics
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in ics and "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in ics
