"""Art. 15 across services, the pure parts: each service's records (what matches the address, German keys and
words) and the gateway's export as JSON and text (German keys, Berlin times, the missing service named)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.events.domain import person_records as events
from services.events.domain.actions import Action, Schedule
from services.events.domain.groups import GroupReplica
from services.events.domain.responsibility import parse_responsible
from services.events.domain.workplan import WorkItem
from services.gateway.domain import person_records as gateway
from services.notifications.domain import person_records as mailing
from services.registry.domain import person_records as registry
from services.registry.domain.offices import Counsellor, Office, OfficeDetails, OperatorKind, Training
from services.registry.domain.regions import Coordinator, RegionalGroup

PETRA = "petra@example.org"


def test_mailing_rows_get_german_keys_words_and_list_names_and_nothing_is_dropped() -> None:
    found = {
        "memberships": [
            {
                "list_id": "lag",
                "address": PETRA,
                "display_name": "Petra",
                "role": "mitglied",
                "delivery": "taeglich",
                "status": "aktiv",
                "since": "2026-11-01T10:00:00",
            }
        ],
        "deliveries": [{"recipient": PETRA, "status": "sent", "subject": "Willkommen", "message": None}],
        "neu": [{"spalte": "wert"}],
    }
    shown = mailing.records(found, {"lag": "LAG Hartz IV Sachsen"})
    member, delivery, other = shown
    assert member.data == {
        "verteiler": "LAG Hartz IV Sachsen",
        "adresse": PETRA,
        "name": "Petra",
        "rolle": "Mitglied",
        "zustellung": "täglich gesammelt",
        "stand": "eingetragen",
        "seit": "2026-11-01T10:00:00",
    }
    assert delivery.data["stand"] == "verschickt" and "message" not in delivery.data
    assert other.data == {"spalte": "wert"} and all(r.purpose and r.retention for r in shown)
    assert mailing.names(found) == ["Petra"]


def office(email: str = "", counsellors: tuple[Counsellor, ...] = ()) -> Office:
    details = OfficeDetails(
        "Beratung Plauen", OperatorKind("kreisverband"), "KV", "Str. 1", "08523", "Plauen", email=email
    )
    return Office("o1", details, counsellors=counsellors)


def test_the_register_finds_the_address_in_any_case_and_only_the_persons_own_entries() -> None:
    petra = Counsellor("c1", "Petra Beispiel", "Petra@Example.org", trainings=(Training(date(2026, 3, 1), "Basis"),))
    otto = Counsellor("c2", "Otto Muster", "otto@example.org")
    found = registry.Found(
        groups=[
            RegionalGroup("g1", "Vogtland", "SN", Coordinator("Petra Beispiel", PETRA.upper())),
            RegionalGroup("g2", "Erzgebirge", "SN", Coordinator("Otto", "otto@example.org")),
        ],
        offices=[office(PETRA, (petra, otto))],
        qualifications=[],
        recipients=[],
        changes=[],
    )
    shown = registry.records(PETRA, found)
    assert [r.kind for r in shown] == [
        "Koordination einer Regionalgruppe",
        "Kontaktadresse einer Beratungsstelle",
        "Berater:in einer Beratungsstelle",
    ]
    assert shown[2].data["schulungen"] == [{"datum": "2026-03-01", "titel": "Basis"}]
    assert "Otto" not in str([r.data for r in shown])
    assert registry.names(PETRA, found) == ["Petra Beispiel"]


def test_action_planning_finds_responsible_people_by_their_names_as_the_reminders_do() -> None:
    start = datetime(2026, 12, 3, 9, tzinfo=UTC)
    action = Action("a1", "g1", Schedule("zahltag", "Zahltag", "Plauen", "Jobcenter", start, start, ("Petra", "Peter")))
    item = WorkItem(
        "i1", "Plan", "Flyer drucken", parse_responsible("Petra und Otto"), None, "zeitnah", date(2026, 1, 1)
    )
    someone_else = WorkItem("i2", "Plan", "Presse", parse_responsible("Peter"), None, "", date(2026, 1, 1))
    found = events.Found(
        [GroupReplica("g1", "Vogtland", "SN", coordinator_email=PETRA)], [action], [item, someone_else], []
    )
    shown = events.records(PETRA, ["Petra Beispiel"], found)
    assert [r.kind for r in shown] == [
        "Koordination einer Regionalgruppe (Kopie aus dem Register)",
        "Verantwortlich für eine Aktion",
        "Verantwortlich für einen Punkt des Arbeitsplans",
    ]
    assert shown[1].data["genannt_als"] == "Petra" and shown[1].data["ausrichtende_gruppe"] == "Vogtland"
    assert events.records(PETRA, [], found)[1:] == []  # without a name, no V means her


def export(problem: str = "") -> gateway.PersonExport:
    record = gateway.Record(
        "Anmeldelink",
        {"angefordert": "2026-11-30T09:15:00+00:00", "benutzt": None, "qualifiziert_fuer": "erstberatung", "neu": True},
        "Anmelden.",
        "Ein Tag.",
    )
    parts = [gateway.Part("Verteilerdienst", [record]), gateway.Part("Aktionsplanung", problem=problem)]
    return gateway.PersonExport(PETRA, datetime(2026, 11, 30, 10, tzinfo=UTC), parts)


def test_the_export_as_json_has_german_keys_and_says_whether_it_is_complete() -> None:
    data = gateway.as_json(export())
    assert set(data) == {"adresse", "erstellt", "vollstaendig", "hinweise", "dienste"}
    assert data["vollstaendig"] is True and data["hinweise"] == []
    assert set(data["dienste"][0]) == {"dienst", "antwortet", "eintraege"}
    assert set(data["dienste"][0]["eintraege"][0]) == {"art", "daten", "zweck", "aufbewahrung"}
    missing = gateway.not_answering("Aktionsplanung")
    incomplete = gateway.as_json(export(missing))
    assert incomplete["vollstaendig"] is False and incomplete["hinweise"] == [missing]
    assert missing == "Der Dienst „Aktionsplanung“ antwortet gerade nicht; die Auskunft ist unvollständig."


def test_values_read_as_german_text() -> None:
    assert gateway.shown("2026-11-30T09:15:00+00:00") == "30.11.2026, 10:15"  # Berlin time
    assert gateway.shown("2026-11-30T09:15:00") == "30.11.2026, 10:15"  # stored times are UTC
    assert gateway.shown("2026-03-01") == "1. März 2026"
    assert gateway.shown(None) == "–" and gateway.shown(True) == "ja" and gateway.shown(["a", "b"]) == "a; b"
    assert gateway.shown({"datum": "2026-03-01", "titel": "Basis"}) == "Datum: 1. März 2026, Titel: Basis"
    assert gateway.shown("2026 ist ein Jahr") == "2026 ist ein Jahr"
    assert gateway.label("ip_adresse") == "IP-Adresse" and gateway.label("qualifiziert_bis") == "Qualifiziert bis"


def test_the_text_names_the_missing_service_first() -> None:
    text = gateway.as_text(export(gateway.not_answering("Aktionsplanung")))
    lines = text.splitlines()
    assert lines[0] == f"Auskunft nach Art. 15 DSGVO über {PETRA}"
    assert lines[3].startswith("ACHTUNG: Der Dienst „Aktionsplanung“ antwortet gerade nicht")
    assert "   Angefordert: 30.11.2026, 10:15" in lines and "   Qualifiziert für: erstberatung" in lines
    assert "   Zweck: Anmelden." in lines and "   Aufbewahrung: Ein Tag." in lines


def test_identifiers_stay_as_stored_even_when_they_look_like_dates() -> None:
    record = gateway.Record(
        "Einwilligung", {"fassung_einwilligungstext": "2026-11-01", "angefragt": "2026-11-01"}, "", ""
    )
    assert gateway.rows(record) == [
        ("Fassung des Einwilligungstextes", "2026-11-01"),
        ("Angefragt", "1. November 2026"),
    ]
