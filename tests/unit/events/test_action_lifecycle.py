"""The action lifecycle is enforced by the Action aggregate, and the progress report's numbers agree."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.events.adapters import mapping
from services.events.domain.actions import NO_ANSWER, Action, Report, Schedule
from services.events.domain.errors import DomainError
from services.events.domain.groups import GroupReplica
from services.events.domain.progress import compile_report
from tests import support

GROUPS = ("g-v", "g-e", "g-c")


def info(start: datetime) -> Schedule:
    return Schedule("info", "Infoabend", "Auerbach", "", start, start + timedelta(hours=2), ("Wolfgang",))


def test_a_planned_action_cannot_be_completed_and_says_why_in_german(clock) -> None:
    action = Action.plan("a", "g-v", info(clock.now() - timedelta(days=1)))
    with pytest.raises(
        DomainError, match="erst geplant; abschließen lässt sie sich, wenn sie bestätigt ist"
    ) as refused:
        action.complete(Report(5, ""), clock.now())
    assert refused.value.code == "konflikt" and action.status == "geplant"


def test_a_confirmed_action_cannot_be_completed_before_it_begins(clock) -> None:
    start = clock.now() + timedelta(days=2)
    action = Action.plan("a", "g-v", info(start))
    action.confirm()
    with pytest.raises(DomainError, match="noch nicht begonnen") as refused:
        action.complete(Report(5, ""), clock.now())
    assert refused.value.code == "konflikt" and action.status == "bestätigt"
    action.complete(Report(5, ""), start + timedelta(minutes=1))
    assert action.status == "durchgeführt"


def test_invitations_still_open_at_completion_close_without_answer_and_travel_tolerantly(clock) -> None:
    action = Action.plan("a", "g-v", info(clock.now() - timedelta(hours=1)))
    action.invite(("g-e", "g-c"))
    action.respond("g-e", True)
    action.status = "bestätigt"  # as stored before confirmation required every answer
    action.complete(Report(9, ""), clock.now())
    assert action.invitations == (("g-e", "zugesagt"), ("g-c", NO_ANSWER)) and action.open_invitations() == []
    wire = mapping.action_snapshot(action)
    assert [(i.status, i.no_answer) for i in wire.invitations] == [("zugesagt", False), ("abgesagt", True)]
    assert mapping.action_domain(wire).invitations == action.invitations


step = st.one_of(
    st.tuples(st.just("plan"), st.integers(-20, 20), st.booleans()),  # start in days from now, as an idea
    st.tuples(st.just("invite"), st.sampled_from(GROUPS), st.none()),
    st.tuples(st.just("respond"), st.sampled_from(GROUPS), st.booleans()),
    st.tuples(st.just("confirm"), st.none(), st.none()),
    st.tuples(st.just("complete"), st.integers(-3, 3), st.none()),  # when, in days from now
    st.tuples(st.just("cancel"), st.none(), st.none()),
    st.tuples(st.just("reschedule"), st.integers(-20, 20), st.none()),
)


def run(steps: list, now: datetime) -> tuple[list[Action], dict[str, datetime]]:
    actions: list[Action] = []
    completed: dict[str, datetime] = {}
    for n, (what, x, y) in enumerate(steps):
        try:
            if what == "plan":
                actions.append(
                    Action.plan(
                        f"a{n}",
                        GROUPS[n % 3],
                        info(now + timedelta(days=x)) if not y else Schedule("info", "Idee", "", "", None, None),
                        as_idea=y,
                    )
                )
            elif not actions:
                continue
            elif what == "invite":
                actions[-1].invite((x,))
            elif what == "respond":
                actions[-1].respond(x, y)
            elif what == "confirm":
                actions[-1].confirm()
            elif what == "complete":
                actions[-1].complete(Report(3, ""), now + timedelta(days=x))
                completed[actions[-1].id] = now + timedelta(days=x)
            elif what == "cancel":
                actions[-1].cancel("")
            else:
                actions[-1].reschedule(info(now + timedelta(days=x)))
        except DomainError:
            pass  # refused: nothing changed
    return actions, completed


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(st.lists(step, max_size=40))
def test_whatever_people_do_the_lifecycle_holds_and_the_report_adds_up(steps: list) -> None:
    now = support.test_clock().now()
    actions, completed = run(steps, now)
    for action in actions:
        kinds = [type(e).__name__ for e in action.events]
        if action.id in completed:  # held only after confirmation, and not before its start
            assert kinds.index("ActionConfirmed") < kinds.index("ActionCompleted")
            assert action.schedule.start <= completed[action.id]
        if action.status in ("durchgeführt", "ausgewertet"):  # done actions have no open invitations
            assert action.open_invitations() == []
    groups = [GroupReplica(g, g, "SN") for g in GROUPS]
    report = compile_report(actions, [], groups, now - timedelta(days=7), now + timedelta(days=4))
    for tally in [report.overall] + [t for _, t in report.groups.values()]:
        assert (
            tally.actions_ideas + tally.actions_planned + tally.actions_held + tally.actions_cancelled
            == tally.actions_total
        )
        assert tally.actions_confirmed <= tally.actions_planned and tally.actions_done <= tally.actions_held
    o = report.overall
    assert o.actions_total == len(actions) and o.actions_held == len(completed)
    live = [a for a in actions if a.status in ("idee", "geplant", "bestätigt")]
    assert o.invitations_open == sum(len(a.open_invitations()) for a in live)
    assert o.invitations_open == sum(t.invitations_open for _, t in report.groups.values())  # each open invitation once
    assert o.actions_done == sum(1 for a in actions if a.id in completed and a.schedule.end >= now - timedelta(days=7))
