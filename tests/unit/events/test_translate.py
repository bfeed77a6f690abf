"""Requests become commands by the subject they came on, never by their Python type alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from services.events.domain import commands
from services.events.domain import training_commands as tc
from services.events.domain.actions import Report, Schedule
from services.events.domain.trainings import Costs, Details, Kind, Person
from services.events.domain.workplan import Note
from services.events.entrypoints.training_translate import REGISTRATION_COMMANDS, TRAINING_COMMANDS
from services.events.entrypoints.translate import ACTION_COMMANDS, ITEM_COMMANDS, TRANSLATIONS, command
from shared.clock import BERLIN, Clock
from shared.contracts import CATALOGUE, RequestSpec
from shared.contracts import events as c

START = datetime(2026, 12, 1, 9)  # naive: taken as Berlin time
T_START, T_END = datetime(2026, 12, 3, 10, tzinfo=BERLIN), datetime(2026, 12, 3, 16, tzinfo=BERLIN)
TRAINING = {"kind": "multiplikator", "title": " ", "start": T_START, "end": T_END, "online": True, "capacity": 12}
SCHEDULE = {"kind": "zahltag", "title": " Zahltag ", "start": START, "responsible": ["Kathrin", " "]}
# Commands of the service that are not domain commands: they call a use case directly.
NOT_TRANSLATED = {c.IMPORT_WORK_PLAN, c.COMPILE_PROGRESS, c.REBUILD_GROUPS}
MULTI = Kind("multiplikator", "Multiplikator:innenschulung (online)", "erstberatung", 6)
DETAILS = Details(MULTI, "", T_START, T_END, True, "", 12, "", "", "")
ANNA = {"name": " Anna ", "email": "anna@example.org", "office_id": "o1", "office_name": "Treff"}
PERSON = Person("Anna", "anna@example.org", None, "o1", "Treff")


def expected(clock: Clock) -> dict[RequestSpec, tuple[object, object]]:
    """Each command subject of the events service: a request on the wire and the command it must become."""
    today, schedule = (
        clock.today(),
        Schedule("zahltag", "Zahltag", "", "", START.replace(tzinfo=BERLIN), None, ("Kathrin",)),
    )
    return {
        c.PLAN_ACTION: (
            c.PlanAction(organiser_group_id="g1", as_idea=True, action_id="a1", **SCHEDULE),
            commands.PlanAction("g1", schedule, True, "a1"),
        ),
        c.RESCHEDULE_ACTION: (
            c.RescheduleAction(action_id="a1", **SCHEDULE),
            commands.RescheduleAction("a1", schedule),
        ),
        c.INVITE_GROUPS: (
            c.InviteGroups(action_id="a1", group_ids=["g2", "g3"]),
            commands.InviteGroups("a1", ("g2", "g3")),
        ),
        c.RESPOND_TO_INVITATION: (
            c.RespondToInvitation(action_id="a1", group_id="g2", accept=False),
            commands.RespondToInvitation("a1", "g2", False),
        ),
        c.CONFIRM_ACTION: (c.ActionRef(action_id="a1"), commands.ConfirmAction("a1")),
        c.COMPLETE_ACTION: (
            c.CompleteAction(action_id="a1", participants=12, notes="gut", press="ja"),
            commands.CompleteAction("a1", Report(12, "gut", "ja"), clock.now()),
        ),
        c.EVALUATE_ACTION: (
            c.EvaluateAction(action_id="a1", evaluation="wiederholen"),
            commands.EvaluateAction("a1", "wiederholen"),
        ),
        c.CANCEL_ACTION: (c.CancelAction(action_id="a1", reason="Regen"), commands.CancelAction("a1", "Regen")),
        c.ADD_WORK_ITEM: (
            c.AddWorkItem(plan="Plan", text="V1 Flyer", responsible="Kathrin", timing="Mai", year=2027, group_id="g1"),
            commands.AddWorkItem("Plan", "V1 Flyer", "Kathrin", "Mai", today, 2027, "g1", None),
        ),
        c.SET_WORK_ITEM_STATUS: (
            c.WorkItemStatus(item_id="i1", status="in Arbeit"),
            commands.SetWorkItemStatus("i1", "in Arbeit"),
        ),
        c.NOTE_WORK_ITEM: (
            c.WorkItemNote(item_id="i1", text="gedruckt", author="Kathrin"),
            commands.AddProgressNote("i1", Note(today, "gedruckt", "Kathrin")),
        ),
        c.COMPLETE_WORK_ITEM: (c.ItemRef(item_id="i1"), commands.CompleteWorkItem("i1", today)),
        c.CHANGE_WORK_ITEM_RESPONSIBLE: (
            c.ChangeWorkItemResponsible(item_id="i1", responsible="Gudrun und Petra", author="a@example.org"),
            commands.ChangeWorkItemResponsible("i1", "Gudrun und Petra", today, "a@example.org"),
        ),
        c.RESCHEDULE_WORK_ITEM: (
            c.RescheduleWorkItem(item_id="i1", timing="III. Quartal", year=2017),
            commands.RescheduleWorkItem("i1", "III. Quartal", today, 2017, ""),
        ),
        **trainings(clock),
    }


def trainings(clock: Clock) -> dict[RequestSpec, tuple[object, object]]:
    now, due = clock.now(), datetime(2026, 11, 1).date()
    return {
        c.PLAN_TRAINING: (c.PlanTraining(**TRAINING), tc.PlanTraining(DETAILS, now)),
        c.CHANGE_TRAINING: (
            c.ChangeTraining(training_id="t1", expected_cents=5000, **TRAINING),
            tc.ChangeTraining("t1", DETAILS, now, Costs(5000, None)),
        ),
        c.CANCEL_TRAINING: (
            c.CancelTraining(training_id="t1", reason=" krank "),
            tc.CancelTraining("t1", "krank", now),
        ),
        c.REGISTER_PARTICIPANT: (
            c.RegisterParticipant(training_id="t1", **ANNA),
            tc.RegisterParticipant("t1", PERSON, now),
        ),
        c.CANCEL_PARTICIPANT: (
            c.CancelParticipant(training_id="t1", participant_id="p1"),
            tc.CancelParticipant("t1", "p1", now),
        ),
        c.RECORD_ATTENDANCE: (
            c.RecordAttendance(training_id="t1", attended=["p1", "p2"]),
            tc.RecordAttendance("t1", ("p1", "p2"), now),
        ),
        c.SET_COSTS: (
            c.SetCosts(training_id="t1", expected_cents=100, application_due=due, status="eingereicht"),
            tc.SetCosts("t1", Costs(100, due, "eingereicht", "")),
        ),
        c.INVITE_PERSON: (
            c.InvitePerson(kinds=["auffrischung"], **ANNA),
            tc.InvitePerson(Person("Anna", "anna@example.org", None, "o1", "Treff", ("auffrischung",)), now),
        ),
        c.REGISTER_BY_LINK: (
            c.LinkRegistration(token="abc.def", training_id="t1"),
            tc.RegisterByLink("abc.def", "t1", now),
        ),
        c.CANCEL_BY_LINK: (
            c.LinkRegistration(token="abc.def", training_id="t1"),
            tc.CancelByLink("abc.def", "t1", now),
        ),
    }


def test_every_command_subject_becomes_its_own_command(clock: Clock) -> None:
    cases = expected(clock)
    own = {s for s in CATALOGUE.specs() if isinstance(s, RequestSpec) and s.subject.startswith("events.cmd.")}
    assert set(cases) == own - NOT_TRANSLATED == set(TRANSLATIONS)
    answered = set(ACTION_COMMANDS) | set(ITEM_COMMANDS) | {c.PLAN_ACTION, c.RESCHEDULE_ACTION}
    answered |= set(TRAINING_COMMANDS) | set(REGISTRATION_COMMANDS) | {c.INVITE_PERSON}
    assert answered == set(TRANSLATIONS)
    for spec, (request, wanted) in cases.items():
        assert isinstance(request, spec.request)
        got = command(spec, request, clock)
        if hasattr(got, "now"):  # the clock runs on: the command is at the clock's now, not before
            assert wanted.now <= got.now <= clock.now()
            got = replace(got, now=wanted.now)
        assert got == wanted, spec.subject


def test_subjects_sharing_a_request_type_translate_differently(clock: Clock) -> None:
    """`ActionRef` confirms on the command subject; on the query subject it is no command at all."""
    ref = c.ActionRef(action_id="a1")
    assert c.ACTION.request is c.CONFIRM_ACTION.request is c.ActionRef
    assert command(c.CONFIRM_ACTION, ref, clock) == commands.ConfirmAction("a1")
    with pytest.raises(TypeError, match="events.query.action"):
        command(c.ACTION, ref, clock)
    # A later subject with the same request type (written without a literal: no contract catalogues it).
    unknown = replace(c.CONFIRM_ACTION, subject=c.CONFIRM_ACTION.subject.replace("confirm", "archive"))
    with pytest.raises(TypeError, match=unknown.subject):  # a new subject is not confirmed by default
        command(unknown, ref, clock)
