"""Training dates in the pages' words: short German dates in Berlin time, seats, participants in order, euros typed
as people type them, the form of a new date, and who counts as the trainer of a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.gateway.domain import trainings as t
from shared.clock import BERLIN
from shared.contracts import events as e
from shared.contracts import registry as r

START = datetime(2026, 12, 1, 18, tzinfo=BERLIN)


def training(**values: object) -> e.TrainingSnapshot:
    base = {
        "training_id": "t1", "kind": "multiplikator", "kind_label": "Multiplikator:innenschulung (online)",
        "title": "Schulung", "start": START, "end": START + timedelta(hours=2), "online": True, "capacity": 12,
    }  # fmt: skip
    return e.TrainingSnapshot(**(base | values))


def participant(name: str, status: str, minute: int, position: int | None = None) -> e.ParticipantV1:
    return e.ParticipantV1(
        participant_id=name, name=name, email=f"{name.lower()}@example.org", status=status,
        registered_at=datetime(2026, 11, 1, 10, minute, tzinfo=UTC), waiting_position=position,
    )  # fmt: skip


def test_a_date_is_said_in_short_german_in_berlin_time() -> None:
    assert t.when(START, START + timedelta(hours=2)) == "Di., 1. Dez. 2026, 18:00–20:00 Uhr"
    in_utc = datetime(2027, 3, 1, 8, 30, tzinfo=UTC)  # winter time: 9:30 in Berlin
    assert t.when(in_utc) == "Mo., 1. März 2027, 09:30 Uhr"
    assert t.when(START, START + timedelta(days=1)) == "Di., 1. Dez. 2026, 18:00 Uhr – Mi., 2. Dez. 2026, 18:00 Uhr"


def test_seats_name_the_waiting_list_only_when_there_is_one() -> None:
    assert t.seats(training(registered=8, waiting=2)) == "8 von 12 Plätzen belegt, 2 auf der Warteliste"
    assert t.seats(training(registered=1, capacity=1)) == "1 von 1 Platz belegt"


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("120", 12000), ("120,00 €", 12000), ("120,5", 12050), ("1.200,00", 120000), ("120.50", 12050), ("", None),
     ("1.200 EUR", 120000), (" 0 ", 0)],
)  # fmt: skip
def test_euros_as_people_type_them(typed: str, cents: int | None) -> None:
    assert t.parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["zwölf", "-5", "12,345", "1.20.0"])
def test_what_is_no_amount_is_said_so(typed: str) -> None:
    with pytest.raises(ValueError, match="kein Betrag"):
        t.parse_euros(typed)


def test_euros_are_shown_with_comma_and_thousands() -> None:
    assert t.euros(12000) == "120,00 €"
    assert t.euros(123456) == "1.234,56 €"
    assert t.euros(None) == ""


def test_participants_registered_first_then_the_waiting_list_in_order() -> None:
    rows = t.participant_rows(
        [
            participant("Dora", "abgemeldet", 1),
            participant("Carl", "warteliste", 2, position=2),
            participant("Berta", "warteliste", 3, position=1),
            participant("Anna", "angemeldet", 4),
        ]
    )
    assert [p.name for p in rows] == ["Anna", "Berta", "Carl", "Dora"]
    assert t.participant_status(rows[1]) == "Warteliste (Platz 1)"


def test_a_new_date_is_read_in_berlin_time_with_its_costs() -> None:
    form = t.read_training(
        {
            "art": "seminartag", "titel": "Seminartag Frühjahr", "datum": "01.12.2026", "beginn": "18:00",
            "ende": "20 Uhr", "form": "vor_ort", "ort": "Leipzig", "plaetze": "12", "kosten": "1.200,50",
            "antrag_bis": "2026-11-01",
        },
        e.TRAINING_KINDS,
    )  # fmt: skip
    assert form.ok, form.errors
    plan = e.PlanTraining(**form.plan())
    assert plan.start == START and plan.end == START + timedelta(hours=2)
    assert (plan.expected_cents, plan.application_due, plan.online) == (120050, date(2026, 11, 1), False)


def test_a_wrong_form_says_every_problem_in_german() -> None:
    form = t.read_training(
        {"art": "kaffee", "datum": "31.02.2026", "beginn": "20:00", "ende": "18:00", "form": "vor_ort", "plaetze": "0",
         "kosten": "viel"},
        e.TRAINING_KINDS,
    )  # fmt: skip
    assert set(form.errors) == {"art", "datum", "ort", "plaetze", "kosten"}
    assert "kein Datum" in form.errors["datum"]


def test_the_end_must_follow_the_start() -> None:
    form = t.read_training(
        {"art": "auffrischung", "datum": "01.12.2026", "beginn": "20:00", "ende": "18:00", "form": "online",
         "plaetze": "3"},
        e.TRAINING_KINDS,
    )  # fmt: skip
    assert form.errors == {"ende": "Das Ende muss nach dem Beginn liegen."}


def test_attendance_opens_at_the_start_and_never_for_a_cancelled_date() -> None:
    assert not t.attendance_open(training(), START - timedelta(minutes=1))
    assert t.attendance_open(training(), START)
    assert not t.attendance_open(training(status="abgesagt"), START + timedelta(days=1))


def test_a_trainer_holds_their_dates_until_a_while_after_the_end() -> None:
    dates = [
        training(training_id="mine", trainer_email="Trainer@Example.org"),
        training(training_id="cancelled", trainer_email="trainer@example.org", status="abgesagt"),
        training(training_id="other", trainer_email="someone@example.org"),
    ]
    assert t.trainer_dates(dates, "trainer@example.org", START) == {"mine": "Schulung"}
    assert t.trainer_dates(dates, "trainer@example.org", START + t.TRAINER_GRACE + timedelta(days=1)) == {}


def test_counsellors_are_picked_by_name_and_office_not_by_id() -> None:
    office = SimpleNamespace(
        office_id="o1", name="Sozialberatung Plauen", status="aktiv",
        counsellors=[SimpleNamespace(counsellor_id="c1", name="Anna Beispiel")],
    )  # fmt: skip
    closed = SimpleNamespace(office_id="o2", name="Zu", status="geschlossen", counsellors=office.counsellors)
    assert t.counsellor_options([office, closed]) == [
        ("", "niemand aus dem Register"),
        ("o1/c1", "Anna Beispiel — Sozialberatung Plauen"),
    ]


def test_the_office_tag_follows_the_registrys_findings() -> None:
    office = SimpleNamespace(office_id="o1", qualified_until=date(2027, 6, 1))

    def finding(kind: str) -> r.CoverageFinding:
        return r.CoverageFinding(kind=kind, subject_id="o1", name="Plauen", detail="")

    assert t.office_tag(office, [finding("qualifikation_laeuft_ab")]) == (
        "Qualifikation läuft am 1. Juni 2027 ab",
        "bn-tag--yellow",
    )
    assert t.office_tag(office, [finding("ohne_gueltige_qualifikation")])[0] == "keine gültige Qualifikation"
    assert t.office_tag(office, [finding("ohne_schulung")]) is None
