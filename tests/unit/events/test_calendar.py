"""Calendar feeds parse with icalendar and keep Europe/Berlin times across the clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from services.events.adapters.calendar import calendar_of
from services.events.domain.actions import Action, Schedule

BERLIN = ZoneInfo("Europe/Berlin")


def action(action_id: str, start: datetime, status: str = "geplant") -> Action:
    made = Action.plan(action_id, "g-v", Schedule("zahltag", "Zahltag", "", "Jobcenter Plauen", start, start + timedelta(hours=3), ("Kathrin",)))
    made.status = status
    return made


def test_actions_on_both_sides_of_each_clock_change_keep_their_local_time() -> None:
    days = [datetime(2026, 3, 28, 9), datetime(2026, 3, 30, 9), datetime(2026, 10, 24, 9), datetime(2026, 10, 26, 9)]
    actions = [action(f"a{i}", d.replace(tzinfo=BERLIN)) for i, d in enumerate(days)]
    actions.append(action("cancelled", datetime(2026, 11, 3, 9, tzinfo=BERLIN), status="abgesagt"))
    ics = calendar_of(actions, {"g-v": "Vogtland"}, datetime(2026, 1, 1, tzinfo=UTC), "Aktionen – Vogtland")
    cal = icalendar.Calendar.from_ical(ics)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    starts = [e["DTSTART"].dt for e in cal.walk("VEVENT")]
    assert [s.hour for s in starts] == [9, 9, 9, 9, 9]
    assert [s.astimezone(UTC).hour for s in starts[:4]] == [8, 7, 7, 8]  # CET, CEST, CEST, CET
    assert "TZID=Europe/Berlin" in ics.decode()
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in cal.walk("VEVENT")}
    assert statuses["cancelled"] == "CANCELLED" and statuses["a0"] == "TENTATIVE"
    assert "Regionalgruppen: Vogtland" in str(cal.walk("VEVENT")[0]["DESCRIPTION"])
