"""Every calendar the system writes, expanded by ical.js (the parser of Thunderbird and Nextcloud Calendar)
under Node for a whole year across both clock changes, and compared with Python's zoneinfo.

ical.js is installed with npm into a cache outside the tree (`$XDG_CACHE_HOME/beratungsnetz/npm`) and
reused; without Node and npm the test is skipped (and fails in CI)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from services.events.adapters.calendar import calendar_of
from services.events.adapters.training_calendar import training_ics
from services.events.domain.actions import Action, Schedule
from services.events.domain.trainings import Details, Kind, Training
from services.notifications.adapters import calendar as invitation_calendar
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.registry.adapters.calendar import consultation_calendar
from services.registry.domain.directory import directory
from services.registry.domain.offices import Counsellor, Office
from services.registry.domain.regions import District
from shared.clock import BERLIN
from shared.contracts.events import ActionSnapshot
from tests.support import missing
from tests.unit.registry.builders import details

ICALJS = "ical.js@^2.2.0"
SCRIPT = Path(__file__).resolve().parents[1] / "icaljs" / "expand.mjs"
ORGANIZER = "verteiler@beratungsnetz.example"
Occurrence = tuple[str, str, datetime, datetime]  # uid, summary, start and end in UTC


@pytest.fixture(scope="session")
def icaljs() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing("Node.js und npm fehlen – wie Thunderbird und Nextcloud (ical.js) die Kalender lesen, bleibt ungeprüft")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "beratungsnetz" / "npm"
    module = cache / "node_modules" / "ical.js"
    if not (module / "package.json").exists() or not json.loads((module / "package.json").read_text())[
        "version"
    ].startswith("2."):
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", ICALJS],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            missing(f"ical.js ließ sich nicht mit npm installieren: {done.stderr.strip()[-300:]}")
    return module / "dist" / "ical.js"


def by_icaljs(module: Path, ics: bytes, start: datetime, end: datetime) -> list[Occurrence]:
    done = subprocess.run(
        ["node", str(SCRIPT), str(module), start.isoformat(), end.isoformat()],
        input=ics,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    found = json.loads(done.stdout)
    return sorted(
        (o["uid"], o["summary"], datetime.fromisoformat(o["start"]), datetime.fromisoformat(o["end"])) for o in found
    )


def by_zoneinfo(ics: bytes, start: datetime, end: datetime) -> list[Occurrence]:
    """Python's expansion, each wall-clock time put into Europe/Berlin by zoneinfo itself."""

    def utc(moment: datetime) -> datetime:
        return moment.replace(tzinfo=None).replace(tzinfo=BERLIN).astimezone(UTC)

    events = recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).between(start, end)
    found = [(str(e["UID"]), str(e["SUMMARY"]), utc(e["DTSTART"].dt), utc(e["DTEND"].dt)) for e in events]
    return sorted(o for o in found if start <= o[2] < end)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def actions(year: int) -> list[Action]:
    """Two actions a month, and the nights of both clock changes themselves."""
    starts = [datetime(year, m, d, 9, tzinfo=BERLIN) for m in range(1, 13) for d in (5, 25)]
    for change in (last_sunday(year, 3), last_sunday(year, 10)):
        starts += [
            datetime.combine(change, time(10), BERLIN),
            datetime.combine(change - timedelta(days=1), time(22), BERLIN),
        ]
    found = []
    for index, start in enumerate(starts):
        end = start + timedelta(hours=6 if start.hour == 22 else 3)  # the night ones span the change
        schedule = Schedule("zahltag", f"Zahltag {index}", "", "Jobcenter Plauen", start, end, ("Kathrin",))
        found.append(Action.plan(f"a{index}", "g-v", schedule))
    return found


def feeds(year: int) -> dict[str, bytes]:
    stamp = datetime(year - 1, 12, 1, tzinfo=UTC)
    offices = directory(
        [
            Office(
                "o-1",
                details(
                    hours=[
                        "dienstags 14–17 Uhr",
                        "jeden 1. Montag im Monat 16–18 Uhr",
                        "jeden letzten Freitag im Monat 10–12 Uhr",
                    ]
                ),
                counsellors=(Counsellor("c1", "Bernd Privat"),),
            )
        ],
        {"kv-p": District("kv-p", "Vogtland", "SN")},
    )
    planned = actions(year)
    names = {"g-v": "Vogtland"}
    snapshot = ActionSnapshot(
        action_id="a-x",
        kind="zahltag",
        kind_label="Zahltag",
        title="Zahltag Plauen",
        status="geplant",
        start=datetime(year, 7, 1, 9, tzinfo=BERLIN),
        end=datetime(year, 7, 1, 11, tzinfo=BERLIN),
        organiser_group_id="g-v",
        organiser_group_name="Vogtland",
        responsible=["Kathrin"],
    )
    composer = MailComposer(Sender(ORGANIZER), "https://beratungsnetz.example", lambda: stamp)
    context = {
        "organiser": "Vogtland",
        "group_name": "Erzgebirge",
        "kind_label": "Zahltag",
        "title": "Zahltag Plauen",
        "heading": "Zahltag Plauen (Zahltag)",
        "link": "https://beratungsnetz.example/gruppen/erzgebirge/einladungen#aktion-a-x",
        "when": "01.07.",
        "where": "Jobcenter Plauen",
        "responsible": "Kathrin",
        "guideline": "",
        "date": "01.07.",
    }
    ics = invitation_calendar.invitation(snapshot, stamp, organizer=ORGANIZER)
    _, mail = composer.message(
        "einladung",
        to_address="e@example.org",
        to_name="",
        event_id="e-1",
        context=context,
        list_id="erzgebirge",
        list_name="Erzgebirge",
        unsubscribe_token="T",
        attachments=(("einladung.ics", "text/calendar", ics),),
    )
    (attachment,) = message_from_bytes(mail, policy=policy.default).iter_attachments()
    spring = datetime.combine(last_sunday(year, 3), time(10), BERLIN)  # the morning the clocks went forward
    kind = Kind("multiplikator", "Multiplikator:innenschulung (online)", "erstberatung", 6)
    training = Training.plan("t-1", Details(kind, "", spring, spring + timedelta(hours=6), online=True), stamp)
    return {
        "Sprechzeiten (/verzeichnis.ics)": consultation_calendar(offices, date(year, 1, 1), stamp, "Sprechzeiten"),
        "alle Aktionen (/kalender.ics)": calendar_of(planned, names, stamp, "Aktionen", organizer=ORGANIZER),
        "Gruppe (/kalender/<gruppe>.ics)": calendar_of(
            planned[:8], names, stamp, "Aktionen – Vogtland", organizer=ORGANIZER
        ),
        "eine Aktion (/aktion/<id>.ics)": calendar_of(
            planned[-1:], names, stamp, "Zahltag", organizer=ORGANIZER, method="PUBLISH"
        ),
        "Einladung (Anhang der Mail)": attachment.get_payload(decode=True),
        "Schulungstermin (Anhang der Bestätigung)": training_ics(training, stamp).encode(),
        "leere Aktionen": calendar_of([], names, stamp, "Aktionen – leer", organizer=ORGANIZER),
        "leere Sprechzeiten": consultation_calendar([], date(year, 1, 1), stamp, "Sprechzeiten"),
    }


def test_icaljs_expands_every_feed_to_the_same_utc_times_as_zoneinfo(icaljs: Path, clock) -> None:
    year = clock.today().year + 1  # a whole year ahead of the test day: both clock changes, every month
    start, end = datetime(year, 1, 1, tzinfo=BERLIN), datetime(year + 1, 1, 1, tzinfo=BERLIN)
    compared = {}
    for label, ics in feeds(year).items():
        theirs, ours = by_icaljs(icaljs, ics, start, end), by_zoneinfo(ics, start, end)
        wrong = sorted(set(theirs) ^ set(ours))
        assert not wrong, f"{label}: {len(wrong)} abweichende Termine, z. B. {wrong[:4]}"
        assert len(theirs) == len(ours)
        compared[label] = len(ours)
    assert compared["Sprechzeiten (/verzeichnis.ics)"] >= 52 + 12 + 12
    assert compared["alle Aktionen (/kalender.ics)"] == 28 and compared["Gruppe (/kalender/<gruppe>.ics)"] == 8
    assert compared["eine Aktion (/aktion/<id>.ics)"] == compared["Einladung (Anhang der Mail)"] == 1
    assert compared["Schulungstermin (Anhang der Bestätigung)"] == 1
    assert compared["leere Aktionen"] == compared["leere Sprechzeiten"] == 0
