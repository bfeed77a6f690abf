"""Import an office list: dry run, per-row errors with line and reason, idempotent re-import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.registry.domain.errors import DomainError, InvalidInput
from services.registry.domain.input import office_details
from services.registry.domain.offices import NEW_STATUSES, STATUSES, Office, OfficeStatus, Supervision, import_key
from services.registry.domain.regions import District
from services.registry.service_layer.handlers import new_id
from services.registry.service_layer.office_csv import Row, read_rows, read_table
from services.registry.service_layer.unit_of_work import UnitOfWork

Progress = Callable[[int, int], Awaitable[object]]
STATUS_CHANGES = {  # (office, today)
    OfficeStatus.PAUSED: lambda office, _today: office.pause(),
    OfficeStatus.ACTIVE: lambda office, today: office.reactivate(on=today),
    OfficeStatus.CLOSED: lambda office, today: office.close(on=today),
}


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)  # every row that is not an error


@dataclass(frozen=True)
class Outcome:
    line: int
    outcome: str  # created | updated | unchanged
    name: str
    office_id: str | None  # None for a new office in a dry run
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Planned:
    line: int
    office_id: str | None
    details: object
    status: OfficeStatus
    supervision: Supervision | None


def _district_id(row: Row, districts: list[District]) -> str | None:
    wanted = row.get("Kreisverband")
    if not wanted:
        return None
    for d in districts:
        if wanted in (d.id,) or wanted.casefold() == d.name.casefold():
            return d.id
    raise InvalidInput(f"Kreisverband/Bezirk „{wanted}“ ist nicht eingetragen.")


def _supervision(row: Row) -> Supervision | None:
    lawyer = row.get("RDG-Anleitung")
    if not lawyer:
        return None
    return Supervision(
        lawyer, row.get("RDG-bestätigt").lower() in ("ja", "j", "x", "1"), german_date(row.get("RDG-seit"))
    )


def german_date(text: str) -> date:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise InvalidInput(f"„{text}“ ist kein Datum (TT.MM.JJJJ).")


def plan_row(row: Row, districts: list[District]) -> Planned:
    if "__zu_viele__" in row.values:
        raise InvalidInput(f"Zeile hat {row.values['__zu_viele__']} Felder, mehr als die Kopfzeile.")
    details = office_details(
        name=row.get("Name"),
        operator_kind=row.get("Trägerart"),
        operator_name=row.get("Träger"),
        street=row.get("Straße"),
        postcode=row.get("PLZ"),
        city=row.get("Ort"),
        access_notes=row.get("Zugang"),
        phone=row.get("Telefon"),
        email=row.get("E-Mail"),
        web=row.get("Web"),
        hours=row.items("Sprechzeiten"),
        areas=row.items("Beratungsfelder"),
        languages=row.items("Sprachen"),
        district_id=_district_id(row, districts),
    )
    status = (row.get("Status") or OfficeStatus.ACTIVE).lower()
    if status not in STATUSES:
        raise InvalidInput(f"Status „{status}“ unbekannt ({', '.join(STATUSES)}).")
    return Planned(row.line, row.get("Kennung") or None, details, OfficeStatus(status), _supervision(row))


async def import_offices(
    source: str | list[list[str]],
    uow: UnitOfWork,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = 100,
) -> ImportResult:
    """`source` is CSV text or a table of cells (a spreadsheet's sheet, header first): both read the same way."""
    rows, warnings = read_rows(source) if isinstance(source, str) else read_table(source)
    result = ImportResult(dry_run, rows=len(rows), warnings=warnings)
    async with uow:
        districts = await uow.districts.list()
    planned, seen_keys = [], {}
    for row in rows:
        try:
            plan = plan_row(row, districts)
        except DomainError as exc:
            result.errors.append((row.line, exc.message))
            continue
        key = plan.office_id or import_key(plan.details.name, plan.details.postcode)
        if key in seen_keys:
            result.errors.append((row.line, f"Doppelt: dieselbe Beratungsstelle wie in Zeile {seen_keys[key]}."))
            continue
        seen_keys[key] = row.line
        planned.append(plan)
    for start in range(0, len(planned), batch_size):
        await _apply_batch(planned[start : start + batch_size], uow, result)
        if progress:
            await progress(min(start + batch_size, len(planned)), len(planned))
    result.errors.sort()
    result.outcomes.sort(key=lambda o: o.line)
    return result


async def _apply_batch(batch: list[Planned], uow: UnitOfWork, result: ImportResult) -> None:
    async with uow:
        for plan in batch:
            try:
                outcome = await _apply(plan, uow, result.dry_run)
            except DomainError as exc:
                result.errors.append((plan.line, exc.message))
                continue
            _count(result, outcome.outcome)
            result.outcomes.append(outcome)
        if not result.dry_run:
            await uow.commit()


async def _apply(plan: Planned, uow: UnitOfWork, dry_run: bool) -> Outcome:
    existing = await (
        uow.offices.get(plan.office_id)
        if plan.office_id
        else uow.offices.by_import_key(import_key(plan.details.name, plan.details.postcode))
    )
    if existing is None:
        status = plan.status if plan.status in NEW_STATUSES else OfficeStatus.ACTIVE
        office = Office.register(plan.office_id or new_id(), plan.details, status, (), plan.supervision, uow.today())
        if plan.status != status:
            STATUS_CHANGES[plan.status](office, uow.today())
        await uow.offices.add(office)
        return Outcome(plan.line, "created", plan.details.name, None if dry_run else office.id)
    changed = existing.update(plan.details)
    if plan.supervision and plan.supervision != existing.supervision:
        existing.change_supervision(plan.supervision)
        changed += ("supervision",)
    if plan.status != existing.status and plan.status in STATUS_CHANGES:
        STATUS_CHANGES[plan.status](existing, uow.today())
        changed += ("status",)
    outcome = "updated" if changed else "unchanged"
    return Outcome(plan.line, outcome, plan.details.name, existing.id, tuple(changed))


def _count(result: ImportResult, outcome: str) -> None:
    setattr(result, outcome, getattr(result, outcome) + 1)
