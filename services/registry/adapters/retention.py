"""What the registry deletes once it is past its limit (shared/retention.py runs the rules).

- The offices' history (`office_history`: who changed what of an office, when): kept for the audit limit.
- Survey answers: `service_layer/campaigns.drop_expired_answers`, some days after the campaign's end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from services.registry.adapters import orm
from services.registry.domain.campaigns import berlin_day
from services.registry.service_layer.campaigns import drop_expired_answers
from shared.db import Database
from shared.retention import Rule, cutoff


async def drop_office_history(database: Database, before: datetime) -> int:
    t = orm.office_history
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.at < before))).rowcount or 0


def rules(database: Database, uow: Callable[[], Any], *, survey_answer_days: int, audit_days: float) -> list[Rule]:
    return [
        Rule("umfrageantworten", lambda now: drop_expired_answers(uow, berlin_day(now), survey_answer_days)),
        Rule("aenderungsverlauf", lambda now: drop_office_history(database, cutoff(now, audit_days))),
    ]
