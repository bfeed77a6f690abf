"""Import a plain-text work plan (seed 004's V:/T: style). Re-importing the same text adds nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from services.events.domain import commands
from services.events.domain.errors import InvalidInput
from services.events.domain.plan_text import parse_plan
from services.events.domain.workplan import WorkItem
from services.events.service_layer.handlers import work_item
from services.events.service_layer.unit_of_work import UnitOfWork

_NS = uuid.UUID("1c1f3a4e-7a55-4f0e-8a0c-2d7b9e6f5a31")


@dataclass
class ImportedPlan:
    plan: str
    year: int | None
    items: list[WorkItem] = field(default_factory=list)
    unchanged: int = 0
    not_imported: list[str] = field(default_factory=list)


def item_id(plan: str, text: str, responsible: str, timing: str | None) -> str:
    """Stable per (plan, text, V, T): the same plan imported twice yields the same ids."""
    return str(uuid.uuid5(_NS, "\x1f".join((plan, text, responsible, timing or ""))))


@dataclass
class PreviewedItem:
    line: int
    text: str
    responsible_text: str
    item: WorkItem  # as it would be saved (not saved)
    known: bool  # the same item is saved already: saving skips it


@dataclass
class Preview:
    plan: str
    year: int | None
    items: list[PreviewedItem] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)


async def preview_plan(
    text: str, uow: UnitOfWork, today: date, plan: str | None = None, year: int | None = None
) -> Preview:
    """What `import_plan` would take from `text`, item by item, without saving anything or sending an event."""
    raw = parse_plan(text or "")
    name = _name(plan, raw.title, today)
    result = Preview(name, year or raw.year, not_imported=[f"Zeile {line}: {p}" for line, p in raw.leftover])
    async with uow:
        for entry in raw.items:
            identity = item_id(name, entry.text, entry.responsible, entry.timing)
            item = work_item(
                commands.AddWorkItem(
                    name, entry.text, entry.responsible, entry.timing, today, result.year, item_id=identity
                )
            )
            known = await uow.items.get(identity) is not None
            result.items.append(PreviewedItem(entry.line, entry.text, entry.responsible, item, known))
    return result


def _name(plan: str | None, title: str, today: date) -> str:
    return (plan or title or f"Arbeitsplan {today:%d.%m.%Y}").strip()[:300]


async def import_plan(
    text: str, uow: UnitOfWork, today: date, plan: str | None = None, year: int | None = None
) -> ImportedPlan:
    if not (text or "").strip():
        raise InvalidInput("Der Arbeitsplan ist leer: bitte den Text des Plans mitschicken.", fields={"text": "leer"})
    raw = parse_plan(text)
    if not raw.items:  # taking nothing is no success: say why instead of "0 Punkte neu"
        raise InvalidInput(
            "Kein Punkt übernommen: Zu keinem Absatz wurde eine Zeile „V: …“ (verantwortlich) gefunden.",
            fields={"nicht_uebernommen": str(len(raw.leftover))},
        )
    name = _name(plan, raw.title, today)
    result = ImportedPlan(name, year or raw.year)
    result.not_imported = [f"Zeile {line}: {paragraph}" for line, paragraph in raw.leftover]
    async with uow:
        for entry in raw.items:
            identity = item_id(name, entry.text, entry.responsible, entry.timing)
            if await uow.items.get(identity):
                result.unchanged += 1
                continue
            item = work_item(
                commands.AddWorkItem(
                    name, entry.text, entry.responsible, entry.timing, today, result.year, item_id=identity
                )
            )
            await uow.items.add(item)
            result.items.append(item)
        await uow.commit()
    return result
