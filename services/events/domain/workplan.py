"""Work-plan items: what is to be done, by whom (V) and when (T), and how far it got."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from services.events.domain.errors import Conflict, InvalidInput
from services.events.domain.responsibility import Responsible
from services.events.domain.timing import Recurring, Timing, due_on, unit_period
from shared.aggregate import Recording


class ItemStatus(StrEnum):
    """A work-plan item's state; the values are the words on the wire and in the database."""

    OPEN = "offen"
    IN_PROGRESS = "in Arbeit"
    DONE = "erledigt"


STATUSES = tuple(ItemStatus)


@dataclass(frozen=True)
class Note:
    on: date
    text: str
    author: str = ""


@dataclass(eq=False)
class WorkItem(Recording):
    id: str
    plan: str
    text: str
    responsible: tuple[Responsible, ...]
    timing: Timing | None
    timing_text: str
    created_on: date
    status: ItemStatus = ItemStatus.OPEN
    notes: tuple[Note, ...] = ()
    last_done: date | None = None
    group_id: str | None = None
    events: list[object] = field(default_factory=list, repr=False)

    @classmethod
    def add(cls, id: str, plan: str, text: str, responsible, timing, timing_text: str, today: date, group_id=None):  # noqa: ANN001, ANN206
        if not text.strip():
            raise InvalidInput("Der Arbeitsplanpunkt braucht einen Text.")
        item = cls(id, plan, text.strip(), tuple(responsible), timing, timing_text, today, group_id=group_id)
        item._record(WorkItemAdded)
        return item

    @property
    def name(self) -> str:
        return self.text[:60]

    @property
    def recurring(self) -> bool:
        return isinstance(self.timing, Recurring)

    def due(self, today: date) -> date | None:
        return None if self.status == ItemStatus.DONE else due_on(self.timing, today)

    def overdue_since(self, today: date) -> date | None:
        """The due date that passed unmet: a deadline, or for recurring items the end of the missed period."""
        if self.status == ItemStatus.DONE:
            return None
        if isinstance(self.timing, Recurring):
            unit, every = self.timing.unit, self.timing.every
            current_start = unit_period(unit, today, every)[0]
            previous_start, previous_end = unit_period(unit, current_start - timedelta(days=1), every)
            missed = self.created_on <= previous_end and (self.last_done is None or self.last_done < previous_start)
            return previous_end if missed else None
        due = due_on(self.timing, today)
        return due if due is not None and due < today else None

    def overdue(self, today: date) -> bool:
        return self.overdue_since(today) is not None

    def set_status(self, status: str) -> None:
        if status not in STATUSES:
            raise InvalidInput(f"Status „{status}“ unbekannt (möglich: {', '.join(STATUSES)}).")
        if status != self.status:
            self.status = ItemStatus(status)
            self._record(WorkItemUpdated, changed=("status",))

    def add_note(self, note: Note) -> None:
        if not note.text.strip():
            raise InvalidInput("Ein Fortschrittsvermerk braucht Text.")
        self.notes += (note,)
        self._record(WorkItemUpdated, changed=("notes",))

    def reassign(self, responsible: tuple[Responsible, ...], on: date, author: str = "") -> None:
        """A new V. The change is kept in the item's history as a note naming the old and the new V."""
        responsible = tuple(responsible)
        if not responsible:
            raise InvalidInput("Bitte nennen Sie, wer verantwortlich ist (V).", fields={"responsible": "leer"})
        if responsible == self.responsible:
            return
        before = ", ".join(r.describe() for r in self.responsible) or "niemand"
        after = ", ".join(r.describe() for r in responsible)
        self.responsible = responsible
        self.notes += (Note(on, f"V geändert: {before} → {after}", author),)
        self._record(WorkItemUpdated, changed=("responsible", "notes"))

    def reschedule(self, timing: Timing, timing_text: str, on: date, author: str = "") -> None:
        """A new T (read like an imported one). Kept in the history as a note with the old and the new T."""
        timing_text = " ".join(timing_text.split())
        if not timing_text:
            raise InvalidInput("Bitte geben Sie einen Termin (T) an.", fields={"timing": "leer"})
        if timing_text == self.timing_text and timing == self.timing:
            return
        before = f"„{self.timing_text}“" if self.timing_text else "ohne Termin"
        self.timing, self.timing_text = timing, timing_text
        self.notes += (Note(on, f"T geändert: {before} → „{timing_text}“", author),)
        self._record(WorkItemUpdated, changed=("timing", "notes"))

    def complete(self, on: date) -> None:
        """One-off items are done; recurring ones are done for the current period and stay open."""
        if self.status == ItemStatus.DONE:
            raise Conflict("Dieser Punkt ist bereits erledigt.")
        self.last_done = on
        if not self.recurring:
            self.status = ItemStatus.DONE
        self._record(WorkItemDone, on=on)

    def remind(self, due: date, today: date) -> None:
        """Ask for the responsible people to be reminded of `due` (no change to the item)."""
        self._record(ReminderDue, due=due, days_left=(due - today).days)

    def announce_overdue(self, due: date) -> None:
        self._record(WorkItemOverdue, due=due)


# --- what happened to it: each event carries a snapshot of the aggregate right after the change ---


@dataclass(frozen=True)
class WorkItemAdded:
    item: WorkItem


@dataclass(frozen=True)
class WorkItemUpdated:
    item: WorkItem
    changed: tuple[str, ...]


@dataclass(frozen=True)
class WorkItemDone:
    item: WorkItem
    on: date


@dataclass(frozen=True)
class ReminderDue:
    item: WorkItem
    due: date
    days_left: int


@dataclass(frozen=True)
class WorkItemOverdue:
    item: WorkItem
    due: date
