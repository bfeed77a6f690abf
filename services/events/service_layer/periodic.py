"""What runs without anyone pressing a button: reminders, overdue notices, the progress report.

Each happens once per key (item + due date, report period), whichever instance gets there first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services.events.domain import commands, events
from services.events.domain.progress import COMING_UP, ProgressReport, TrainingLine, compile_report, reminders_due
from services.events.domain.trainings import COUNTED, ParticipantStatus, TrainingStatus
from services.events.service_layer.unit_of_work import UnitOfWork


async def send_reminders(cmd: commands.SendReminders, uow: UnitOfWork) -> int:
    sent = 0
    async with uow:
        for item, kind, due in reminders_due(await uow.items.list(), cmd.today, cmd.days_before):
            if not await uow.once(f"{kind}:{item.id}:{due.isoformat()}"):
                continue
            if kind == "erinnerung":
                item.remind(due, cmd.today)
            else:
                item.announce_overdue(due)
            sent += 1
        await uow.commit()
    return sent


async def training_lines(uow: UnitOfWork, since: datetime, until: datetime) -> Iterable[TrainingLine]:
    """The training dates the report names: not cancelled, beginning in the period or the month after it
    (`COMING_UP`), with how many hold a place, wait, and (once recorded) attended. Read inside the caller's unit."""
    lines = []
    for training in await uow.trainings.list():
        start = training.details.start
        if training.status == TrainingStatus.CANCELLED or not since <= start < until + COMING_UP:
            continue
        attended = training.with_status(ParticipantStatus.ATTENDED)
        lines.append(
            TrainingLine(
                training_id=training.id,
                title=training.name,
                start=start,
                registered=len(training.with_status(*COUNTED)),
                waiting=len(training.waiting()),
                attended=len(attended) if training.status == TrainingStatus.HELD else None,
            )
        )
    return lines


async def compile_progress(cmd: commands.CompileProgressReport, uow: UnitOfWork) -> ProgressReport | None:
    """Compile and announce the report for `period_key`; None if that period was already reported."""
    async with uow:
        if not await uow.once(f"fortschritt:{cmd.period_key}"):
            return None
        report = compile_report(
            await uow.actions.list(),
            await uow.items.list(),
            await uow.groups.list(),
            cmd.since,
            cmd.now,
            await uow.campaigns.list(),
            await training_lines(uow, cmd.since, cmd.now),
        )
        uow.emit(events.ProgressCompiled(report, cmd.period_key))
        await uow.commit()
    return report


def period_key(now: datetime, interval_seconds: int) -> tuple[str, datetime]:
    """The report period containing `now`, and when it began; weekly periods start on Monday 00:00 UTC."""
    epoch = 4 * 86400  # 1970-01-05 was a Monday
    index = int((now.timestamp() - epoch) // interval_seconds)
    start = datetime.fromtimestamp(epoch + index * interval_seconds, tz=now.tzinfo)
    return f"{interval_seconds}:{index}", start
