"""Joint actions on a fake unit of work: lifecycle, invitations, warnings, one event per change."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.events.domain import commands, events
from services.events.domain.actions import JOB_CENTRE_GUIDELINE, Report, Schedule
from services.events.domain.errors import Conflict, InvalidInput, NotFound
from services.events.domain.groups import GroupReplica
from services.events.service_layer import handlers
from shared.clock import BERLIN
from tests.unit.events.fakes import FakeUnitOfWork

HELD = datetime(2026, 12, 1, 10, tzinfo=BERLIN)  # an hour into zahltag(day=1)


def zahltag(
    day: int = 1, responsible: tuple[str, ...] = ("Kathrin",), job_centre: str = "Jobcenter Plauen"
) -> Schedule:
    return Schedule(
        "zahltag",
        "Zahltag-Aktion",
        "Vor dem Eingang",
        job_centre,
        datetime(2026, 12, day, 9, tzinfo=BERLIN),
        datetime(2026, 12, day, 12, tzinfo=BERLIN),
        responsible,
    )


@pytest.fixture
async def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for gid, name, status in (
        ("g-v", "Vogtland", "aktiv"),
        ("g-e", "Erzgebirge", "aktiv"),
        ("g-c", "Chemnitz", "aktiv"),
        ("g-alt", "Alt", "zusammengelegt"),
    ):
        await uow.groups.add(GroupReplica(gid, name, "SN", status, sequence=1, seen=1))
    return uow


async def test_journey_of_a_joint_action_records_one_event_per_change(uow) -> None:
    planned = await handlers.handle(commands.PlanAction("g-v", zahltag(), action_id="a-1"), uow)
    assert planned.guideline == JOB_CENTRE_GUIDELINE and planned.warnings == ()
    steps = [
        (commands.InviteGroups("a-1", ("g-e", "g-c")), events.GroupsInvited),
        (commands.InviteGroups("a-1", ("g-e",)), None),  # already invited
        (commands.RespondToInvitation("a-1", "g-e", True), events.InvitationAccepted),
        (commands.RespondToInvitation("a-1", "g-c", True), events.InvitationAccepted),
        (commands.RespondToInvitation("a-1", "g-c", True), None),
        (commands.ConfirmAction("a-1"), events.ActionConfirmed),
        (
            commands.CompleteAction("a-1", Report(23, "Gute Gespräche, 150 Flyer", "Freie Presse"), HELD),
            events.ActionCompleted,
        ),
        (commands.EvaluateAction("a-1", "Wiederholen im März"), events.ActionEvaluated),
    ]
    for command, expected in steps:
        before = len(uow.published)
        await handlers.handle(command, uow)
        assert [type(e) for e in uow.published[before:]] == ([expected] if expected else []), command
    action = uow.actions.rows["a-1"]
    assert action.status == "ausgewertet" and action.report.participants == 23
    assert action.takes_part("g-e") and action.takes_part("g-c") and not action.takes_part("g-alt")


async def test_confirmation_needs_a_responsible_person_and_every_answer(uow) -> None:
    await handlers.handle(commands.PlanAction("g-v", zahltag(responsible=()), action_id="a-1"), uow)
    with pytest.raises(Conflict, match="verantwortliche Person"):
        await handlers.handle(commands.ConfirmAction("a-1"), uow)
    await handlers.handle(commands.RescheduleAction("a-1", zahltag()), uow)
    await handlers.handle(commands.InviteGroups("a-1", ("g-e", "g-c")), uow)
    await handlers.handle(commands.RespondToInvitation("a-1", "g-e", False), uow)
    with pytest.raises(Conflict, match="Noch keine Antwort von 1"):
        await handlers.handle(commands.ConfirmAction("a-1"), uow)


async def test_same_job_centre_same_day_is_a_warning_and_other_days_are_not(uow) -> None:
    await handlers.handle(commands.PlanAction("g-v", zahltag(day=1), action_id="a-1"), uow)
    clash = await handlers.handle(
        commands.PlanAction("g-e", zahltag(day=1, job_centre=" jobcenter  plauen"), action_id="a-2"), uow
    )
    assert len(clash.warnings) == 1 and "Zahltag-Aktion" in clash.warnings[0] and "09:00" in clash.warnings[0]
    other_day = await handlers.handle(commands.PlanAction("g-e", zahltag(day=2), action_id="a-3"), uow)
    assert other_day.warnings == ()
    await handlers.handle(commands.CancelAction("a-1", "Wetter"), uow)
    moved = await handlers.handle(commands.RescheduleAction("a-3", zahltag(day=1)), uow)
    assert len(moved.warnings) == 1  # a-2 still stands; the cancelled a-1 no longer counts


async def test_only_known_active_groups_can_organise_or_be_invited(uow) -> None:
    with pytest.raises(NotFound, match="nicht bekannt"):
        await handlers.handle(commands.PlanAction("g-unbekannt", zahltag()), uow)
    await handlers.handle(commands.PlanAction("g-v", zahltag(), action_id="a-1"), uow)
    with pytest.raises(Conflict, match="zusammengelegt"):
        await handlers.handle(commands.InviteGroups("a-1", ("g-alt",)), uow)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (Schedule("demo", "X", "", "", None, None), "Art „demo“ unbekannt"),
        (Schedule("info", " ", "", "", None, None), "Titel"),
        (
            Schedule(
                "zahltag",
                "X",
                "",
                "",
                datetime(2026, 12, 1, 9, tzinfo=BERLIN),
                datetime(2026, 12, 1, 12, tzinfo=BERLIN),
            ),
            "Jobcenter",
        ),
        (
            Schedule(
                "info", "X", "", "", datetime(2026, 12, 1, 12, tzinfo=BERLIN), datetime(2026, 12, 1, 9, tzinfo=BERLIN)
            ),
            "Ende",
        ),
        (Schedule("info", "X", "", "", None, None), "Beginn und Ende"),
    ],
)
async def test_bad_schedules_are_refused_in_german(uow, schedule: Schedule, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        await handlers.handle(commands.PlanAction("g-v", schedule), uow)
    assert uow.published == []


async def test_an_idea_needs_no_date_and_becomes_planned_when_it_gets_one(uow) -> None:
    await handlers.handle(
        commands.PlanAction(
            "g-v", Schedule("info", "Infoabend Auerbach", "", "", None, None), as_idea=True, action_id="a-1"
        ),
        uow,
    )
    assert uow.actions.rows["a-1"].status == "idee"
    await handlers.handle(
        commands.RescheduleAction(
            "a-1",
            Schedule(
                "info",
                "Infoabend Auerbach",
                "Auerbach",
                "",
                datetime(2026, 12, 3, 18, tzinfo=BERLIN),
                datetime(2026, 12, 3, 20, tzinfo=BERLIN),
                ("Wolfgang",),
            ),
        ),
        uow,
    )
    assert uow.actions.rows["a-1"].status == "geplant"


async def test_the_check_before_saving_names_clashes_and_the_guideline_and_stores_nothing(uow) -> None:
    from services.events.service_layer import views

    planned = await handlers.handle(commands.PlanAction("g-v", zahltag()), uow)
    await handlers.handle(commands.InviteGroups(planned.action.id, ("g-e",)), uow)
    same_place = Schedule("info", "Infostand", "", "Jobcenter  plauen", HELD, HELD.replace(hour=11))
    warnings, guideline = await views.check_action(uow, "g-c", same_place, None, ())
    assert warnings == ["Am selben Tag ist am Jobcenter  plauen schon „Zahltag-Aktion“ geplant (09:00 Uhr)."]
    assert guideline == JOB_CENTRE_GUIDELINE  # a job centre is named
    elsewhere = Schedule("treffen", "Treffen", "Büro", "", HELD, HELD.replace(hour=11))
    warnings, guideline = await views.check_action(uow, "g-c", elsewhere, None, ("g-e",))
    assert warnings == ["Am selben Tag ist Erzgebirge schon bei „Zahltag-Aktion“ dabei (09:00 Uhr)."] and not guideline
    assert (await views.check_action(uow, "g-c", elsewhere, None, ()))[0] == []  # Chemnitz is free that day
    # the action itself does not clash with itself when it is changed
    assert (await views.check_action(uow, "g-v", zahltag(), planned.action.id, ("g-e",)))[0] == []
    with pytest.raises(InvalidInput):
        await views.check_action(uow, "g-v", Schedule("zahltag", "Z", "", "", HELD, HELD.replace(hour=11)), None, ())
    assert len(await uow.actions.list()) == 1
