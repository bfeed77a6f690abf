"""The periodic job: reminders and overdue notices, and the progress report once per period."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from services.events.adapters import mapping
from services.events.domain import commands, events
from services.events.entrypoints.training_scheduler import training_reminders
from services.events.service_layer import periodic
from shared.clock import Clock
from shared.contracts import events as c
from shared.logging import get_logger

log = get_logger(__name__)


def jobs(uow: Callable[[], Any], clock: Clock, settings: Any) -> tuple[Callable, Callable]:
    async def compile_now(key: str | None = None) -> c.ProgressCompiledV1:
        now = clock.now()
        period, since = periodic.period_key(now, settings.progress_interval_seconds)
        report = await periodic.compile_progress(commands.CompileProgressReport(now, key or period, since), uow())
        if report is None:
            return None
        return mapping.progress_contract(events.ProgressCompiled(report, key or period))

    trainings_tick = training_reminders(uow, clock, settings)

    async def run() -> None:
        while True:
            try:
                sent = await periodic.send_reminders(
                    commands.SendReminders(clock.today(), settings.reminder_days_before), uow()
                )
                sent += await trainings_tick()  # issue 17: the day before a training, applications' deadlines
                compiled = await compile_now() if settings.progress_reports else None
                if sent or compiled:
                    log.info("scheduler.tick", reminders=sent, report=bool(compiled))
            except Exception as exc:  # the next tick tries again; nothing is lost, all is once-per-key  # noqa: BLE001 - any failure here is logged and retried, never lost
                log.warning("scheduler.failed", error=repr(exc))
            await asyncio.sleep(settings.scheduler_seconds)

    async def manual() -> c.ProgressCompiledV1:
        """A report asked for by a person: its own period key, so it never blocks the periodic one."""
        return await compile_now(f"manuell:{clock.now().isoformat()}")

    return run, manual
