"""Work items: due and overdue from T, reminders once, the progress report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.events.domain import commands, events
from services.events.domain.actions import Action, Report
from services.events.domain.groups import GroupReplica
from services.events.domain.progress import compile_report
from services.events.domain.responsibility import parse_responsible
from services.events.domain.timing import parse_timing
from services.events.domain.workplan import WorkItem
from services.events.service_layer import periodic
from tests.unit.events.fakes import FakeUnitOfWork
from tests.unit.events.test_actions import zahltag


def item(t: str | None, created: date = date(2026, 1, 10), item_id: str = "i") -> WorkItem:
    timing = parse_timing(t, 2026) if t is not None else None
    made = WorkItem.add(item_id, "Plan", f"Punkt {t}", parse_responsible("Kathrin"), timing, t or "", created)
    made.events.clear()
    return made


def test_due_and_overdue_follow_the_timing() -> None:
    today = date(2026, 5, 10)
    assert item("II. Quartal 2026").due(today) == date(2026, 6, 30) and not item("II. Quartal 2026").overdue(today)
    assert item("I. Quartal 2026").overdue_since(today) == date(2026, 3, 31)
    assert item("I. und III. Quartal").due(today) == date(2026, 9, 30)
    assert item("15.05.2026").due(today) == date(2026, 5, 15)
    for open_ended in ("stetig", "zeitnah", "nach der Wahl", None):
        assert item(open_ended).due(today) is None and not item(open_ended).overdue(today)


def test_recurring_items_are_overdue_only_when_a_whole_period_passed_without_them() -> None:
    monthly = item("monatlich", created=date(2026, 1, 10))
    assert monthly.due(date(2026, 1, 20)) == date(2026, 1, 31) and not monthly.overdue(date(2026, 1, 20))
    assert monthly.overdue_since(date(2026, 2, 3)) == date(2026, 1, 31)
    monthly.complete(date(2026, 2, 5))
    assert monthly.status == "offen" and not monthly.overdue(date(2026, 3, 2))
    assert monthly.overdue_since(date(2026, 4, 2)) == date(2026, 3, 31)


async def test_reminders_and_overdue_notices_go_out_once_per_due_date() -> None:
    uow = FakeUnitOfWork()
    for i, t in enumerate(("20.11.2026", "25.11.2026", "30.12.2026", "stetig")):
        await uow.items.add(item(t, created=date(2026, 1, 1), item_id=f"i{i}"))
    today = date(2026, 11, 21)
    assert await periodic.send_reminders(commands.SendReminders(today, days_before=7), uow) == 2
    kinds = sorted((type(e).__name__, e.item.id) for e in uow.published)
    assert kinds == [("ReminderDue", "i1"), ("WorkItemOverdue", "i0")]
    reminder = next(e for e in uow.published if isinstance(e, events.ReminderDue))
    assert (reminder.due, reminder.days_left) == (date(2026, 11, 25), 4)
    assert await periodic.send_reminders(commands.SendReminders(today, days_before=7), uow) == 0  # nothing twice


async def test_progress_report_counts_per_group_and_overall_once_per_period() -> None:
    uow = FakeUnitOfWork()
    for gid, name in (("g-v", "Vogtland"), ("g-e", "Erzgebirge")):
        await uow.groups.add(GroupReplica(gid, name, "SN"))
    planned = Action.plan("a-1", "g-v", zahltag(day=1))
    planned.invite(("g-e",))
    held = Action.plan("a-2", "g-e", zahltag(day=2))
    held.confirm()
    held.complete(Report(12, "ok"), datetime(2026, 12, 2, 13, tzinfo=UTC))
    for a in (planned, held):
        a.events.clear()  # fixtures, not changes under test
        await uow.actions.add(a)
    await uow.items.add(item("I. Quartal 2026", item_id="late"))
    await uow.items.add(item("30.11.2026", item_id="soon"))
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    report = await periodic.compile_progress(
        commands.CompileProgressReport(now, "woche-49", datetime(2026, 11, 28, tzinfo=UTC)), uow
    )
    assert (report.overall.actions_planned, report.overall.actions_done, report.overall.invitations_open) == (1, 1, 1)
    assert (report.overall.items_overdue, [i.id for i in report.overdue]) == (2, ["late", "soon"])
    vogtland, erzgebirge = report.groups["g-v"][1], report.groups["g-e"][1]
    assert (vogtland.actions_planned, vogtland.invitations_open) == (1, 0)
    assert (erzgebirge.actions_planned, erzgebirge.actions_done, erzgebirge.invitations_open) == (1, 1, 1)
    again = await periodic.compile_progress(commands.CompileProgressReport(now, "woche-49", now), uow)
    assert again is None and [type(e).__name__ for e in uow.published] == ["ProgressCompiled"]


def test_report_periods_are_weeks_starting_monday() -> None:
    key, start = periodic.period_key(datetime(2026, 11, 21, 15, tzinfo=UTC), 7 * 86400)
    assert (
        start == datetime(2026, 11, 16, tzinfo=UTC)
        and key == periodic.period_key(datetime(2026, 11, 22, 23, tzinfo=UTC), 7 * 86400)[0]
    )
    assert compile_report([], [], [], start, start).overall.items_due == 0
