"""What the work-plan pages need of the domain: T in plain German, a new V or T with its history, a preview
of an import that saves nothing."""

from __future__ import annotations

from datetime import date

import pytest

from services.events.domain import commands
from services.events.domain.errors import InvalidInput
from services.events.domain.responsibility import parse_responsible
from services.events.domain.timing import parse_timing, reading
from services.events.domain.workplan import WorkItem, WorkItemUpdated
from services.events.service_layer import handlers, plan_import
from tests.unit.events.fakes import FakeUnitOfWork

TODAY = date(2017, 5, 10)  # a Wednesday


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("II. Quartal 2017", "1. April bis 30. Juni 2017"),
        ("Oktober 2017", "1. Oktober bis 31. Oktober 2017"),
        ("I. und III. Quartal", "1. Januar bis 31. März 2017 und 1. Juli bis 30. September 2017"),
        ("monatlich", "jeden Monat, nächster Termin bis 31. Mai 2017"),
        ("mindestens einmal im Quartal", "mindestens einmal im Quartal, nächster Termin bis 30. Juni 2017"),
        ("insgesamt einmal pro Monat", "insgesamt einmal im Monat, nächster Termin bis 31. Mai 2017"),
        ("zweimal pro Quartal", "zweimal im Quartal, nächster Termin bis 30. Juni 2017"),
        ("alle zwei Wochen", "alle 2 Wochen, nächster Termin bis 21. Mai 2017"),
        ("jeden ersten Montag im Monat", "jeden 1. Montag im Monat, nächster Termin am Montag, 5. Juni 2017"),
        ("15.06.2017", "am Donnerstag, 15. Juni 2017"),
        ("bis Ende Juni", "bis 30. Juni 2017"),
        ("KW 20", "15. Mai bis 21. Mai 2017"),
        ("Dezember 2017 bis Januar 2018", "nicht erkannt – bitte prüfen; der Text bleibt unverändert stehen"),
        ("stetig", "laufend, ohne festen Termin"),
        ("ab März", "laufend ab 1. März 2017, ohne Enddatum"),
        ("zeitnah", "möglichst bald („zeitnah“), ohne festen Termin"),
        ("demnächst", "möglichst bald („demnächst“), ohne festen Termin"),
        ("irgendwann nach der Wahl", "nicht erkannt – bitte prüfen; der Text bleibt unverändert stehen"),
    ],
)
def test_a_t_reads_in_plain_german(written: str, read: str) -> None:
    assert reading(parse_timing(written, 2017), TODAY) == read


def test_no_t_reads_as_without_date_and_a_span_over_new_year_names_both_years() -> None:
    assert reading(None, TODAY) == "ohne Termin"
    assert reading(parse_timing("Winter 2017", 2017), TODAY) == "1. Dezember 2017 bis 28. Februar 2018"


def item(v: str = "Gudrun", t: str = "II. Quartal 2017") -> WorkItem:
    made = WorkItem.add("i", "Plan", "Kontakt aufnehmen", parse_responsible(v), parse_timing(t, 2017), t, TODAY)
    made.events.clear()
    return made


def test_a_new_v_is_kept_in_the_history_and_recorded_once() -> None:
    found = item()
    found.reassign(parse_responsible("Wolfgang und Kathrin"), TODAY, "landesbuero@example.org")
    assert [r.name for r in found.responsible] == ["Wolfgang", "Kathrin"]
    assert found.notes[-1].text == "V geändert: Gudrun → Wolfgang, Kathrin"
    assert found.notes[-1].author == "landesbuero@example.org"
    assert [type(e) for e in found.events] == [WorkItemUpdated]
    found.reassign(parse_responsible("Wolfgang und Kathrin"), TODAY)  # the same again: nothing happens
    assert len(found.events) == 1 and len(found.notes) == 1


def test_an_empty_v_or_t_is_refused() -> None:
    found = item()
    with pytest.raises(InvalidInput):
        found.reassign(parse_responsible("  "), TODAY)
    with pytest.raises(InvalidInput):
        found.reschedule(parse_timing("", 2017), "  ", TODAY)
    assert found.events == [] and found.notes == ()


async def test_a_new_t_without_a_year_stays_in_the_year_of_the_old_t() -> None:
    uow = FakeUnitOfWork()
    await uow.items.add(item(t="II. Quartal 2017"))
    changed = await handlers.handle(
        commands.RescheduleWorkItem("i", "III. Quartal", date(2026, 1, 5), author="a@example.org"), uow
    )
    assert changed.timing_text == "III. Quartal"
    assert (changed.timing.start, changed.timing.end) == (date(2017, 7, 1), date(2017, 9, 30))
    assert changed.notes[-1].text == "T geändert: „II. Quartal 2017“ → „III. Quartal“"
    assert changed.due(date(2017, 8, 1)) == date(2017, 9, 30)


async def test_an_unknown_item_is_not_found() -> None:
    from services.events.domain.errors import NotFound

    with pytest.raises(NotFound):
        await handlers.handle(commands.ChangeWorkItemResponsible("nope", "Gudrun", TODAY), FakeUnitOfWork())


PLAN = """Arbeitsplan der LAG Hartz IV für 2017

Eine Mitgliederversammlung findet statt.
V: Sprecherrat
T: Oktober 2017

Ein Absatz ohne Verantwortliche.

Die Liste der Beratungsstellen ist fertigzustellen.
V: Steffen
T: nach der Wahl
"""


async def test_the_preview_reads_every_item_and_saves_nothing() -> None:
    uow = FakeUnitOfWork()
    preview = await plan_import.preview_plan(PLAN, uow, TODAY)
    assert preview.plan == "Arbeitsplan der LAG Hartz IV für 2017" and preview.year == 2017
    assert [(p.line, p.responsible_text, p.item.timing_text) for p in preview.items] == [
        (4, "Sprecherrat", "Oktober 2017"),
        (10, "Steffen", "nach der Wahl"),
    ]
    assert preview.not_imported == ["Zeile 7: Ein Absatz ohne Verantwortliche."]
    assert not any(p.known for p in preview.items)
    assert await uow.items.list() == [] and uow.published == []
    saved = await plan_import.import_plan(PLAN, uow, TODAY)
    again = await plan_import.preview_plan(PLAN, uow, TODAY)
    assert [p.item.id for p in again.items] == [i.id for i in saved.items]  # the preview names the ids saving uses
    assert all(p.known for p in again.items)
