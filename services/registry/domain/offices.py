"""The counselling office (Beratungsstelle) and what belongs to it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from enum import StrEnum

from services.registry.domain.errors import Conflict, NotFound
from services.registry.domain.hours import Hours
from shared.aggregate import Recording


class OfficeStatus(StrEnum):
    """An office's state; the values are the words on the wire and in the database."""

    PLANNED = "geplant"
    ACTIVE = "aktiv"
    PAUSED = "pausiert"
    CLOSED = "geschlossen"


class OperatorKind(StrEnum):
    """Who runs an office; the values are the words on the wire and in the database."""

    DISTRICT_ASSOCIATION = "kreisverband"
    MP_OFFICE = "abgeordnetenbuero"
    PARTY_OFFICE = "parteibuero"
    PARTNER = "partnerorganisation"


STATUSES = tuple(OfficeStatus)
NEW_STATUSES = (OfficeStatus.PLANNED, OfficeStatus.ACTIVE)  # what a newly registered office may be
OPERATOR_KINDS = {
    OperatorKind.DISTRICT_ASSOCIATION: "Kreisverband / Bezirk",
    OperatorKind.MP_OFFICE: "Büro einer/eines Abgeordneten",
    OperatorKind.PARTY_OFFICE: "Parteibüro",
    OperatorKind.PARTNER: "Partnerorganisation",
}
REFRESHER_AFTER = timedelta(days=183)  # the seeds ask for semi-annual refreshers


@dataclass(frozen=True)
class Training:
    on: date
    title: str


@dataclass(frozen=True)
class Counsellor:
    id: str
    name: str
    email: str = ""
    publish_name: bool = False  # a name appears in the public directory only with consent
    trainings: tuple[Training, ...] = ()
    qualifies_for: str = ""  # what attended trainings qualify for ("erstberatung"); empty: nothing recorded
    qualified_until: date | None = None  # the qualification's last day

    @property
    def last_trained(self) -> date | None:
        return max((t.on for t in self.trainings), default=None)

    def trained(self, training: Training, qualifies_for: str = "", until: date | None = None) -> Counsellor:
        """With `training` attended; a qualification it grants only ever moves the end forward."""
        trainings = self.trainings if training in self.trainings else self.trainings + (training,)
        if not qualifies_for or until is None or (self.qualified_until and until <= self.qualified_until):
            return replace(self, trainings=trainings)
        return replace(self, trainings=trainings, qualifies_for=qualifies_for, qualified_until=until)

    def refresher_due(self, today: date) -> bool:
        return self.last_trained is None or today - self.last_trained > REFRESHER_AFTER


@dataclass(frozen=True)
class Supervision:
    """The lawyer who supervises the offer, as RDG §6 requires."""

    lawyer_name: str
    qualification_confirmed: bool
    since: date


@dataclass(frozen=True)
class OfficeDetails:
    name: str
    operator_kind: OperatorKind
    operator_name: str
    street: str
    postcode: str
    city: str
    access_notes: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    hours: tuple[Hours, ...] = ()
    areas: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    district_id: str | None = None

    def changes_to(self, other: OfficeDetails) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name))


def import_key(name: str, postcode: str) -> str:
    return f"{' '.join(name.casefold().split())}|{postcode.strip()}"


@dataclass(eq=False)
class Office(Recording):
    id: str
    details: OfficeDetails
    status: OfficeStatus = OfficeStatus.ACTIVE
    counsellors: tuple[Counsellor, ...] = ()
    supervision: Supervision | None = None
    opened_on: date | None = None  # the day it became active for the first time (None: not yet, or not known)
    closed_on: date | None = None  # the day it was closed
    events: list[object] = field(default_factory=list, repr=False)

    @classmethod
    def register(
        cls,
        id: str,
        details: OfficeDetails,
        status: str,
        counsellors,  # noqa: ANN001
        supervision,  # noqa: ANN001
        on: date | None = None,
    ) -> Office:
        """`on`: today (the injected clock's date); an office registered as active opens that day."""
        if status not in NEW_STATUSES:
            raise Conflict(f"Eine neue Beratungsstelle ist „geplant“ oder „aktiv“, nicht „{status}“.")
        office = cls(id, details, OfficeStatus(status), tuple(counsellors), supervision)
        if office.status == OfficeStatus.ACTIVE:
            office.opened_on = on
        office._record(OfficeRegistered)
        return office

    @property
    def name(self) -> str:
        return self.details.name

    @property
    def qualified_until(self) -> date | None:
        """The latest end of a qualification among its counsellors (None: nobody qualified)."""
        return max((c.qualified_until for c in self.counsellors if c.qualified_until), default=None)

    @property
    def import_key(self) -> str:
        """How an import recognises an office it already knows when the file has no Kennung."""
        return import_key(self.details.name, self.details.postcode)

    def _ensure_open(self) -> None:
        if self.status == OfficeStatus.CLOSED:
            raise Conflict(f"Die Beratungsstelle „{self.name}“ ist geschlossen.")

    def update(self, details: OfficeDetails) -> tuple[str, ...]:
        """Apply new details; an update that changes nothing records nothing."""
        self._ensure_open()
        changed = self.details.changes_to(details)
        if changed:
            self.details = details
            self._record(OfficeUpdated, changed=changed)
        return changed

    def pause(self, reason: str = "") -> None:
        self._ensure_open()
        if self.status != OfficeStatus.PAUSED:
            self.status = OfficeStatus.PAUSED
            self._record(OfficePaused, reason=reason)

    def reactivate(self, reason: str = "", on: date | None = None) -> None:
        """Active (again); a planned office opens on day `on` (a paused one had opened before)."""
        self._ensure_open()
        if self.status != OfficeStatus.ACTIVE:
            if self.status == OfficeStatus.PLANNED and self.opened_on is None:
                self.opened_on = on
            self.status = OfficeStatus.ACTIVE
            self._record(OfficeReactivated, reason=reason)

    def close(self, reason: str = "", on: date | None = None) -> None:
        if self.status != OfficeStatus.CLOSED:
            self.status = OfficeStatus.CLOSED
            self.closed_on = on
            self._record(OfficeClosed, reason=reason)

    def counsellor(self, counsellor_id: str) -> Counsellor:
        for c in self.counsellors:
            if c.id == counsellor_id:
                return c
        raise NotFound(f"Berater:in {counsellor_id} gehört nicht zur Beratungsstelle „{self.name}“.")

    def add_counsellor(self, counsellor: Counsellor) -> None:
        self._ensure_open()
        if any(c.id == counsellor.id for c in self.counsellors):
            raise Conflict(f"{counsellor.name} berät bereits in „{self.name}“.")
        self.counsellors += (counsellor,)
        self._record(CounsellorAdded, counsellor_id=counsellor.id)

    def remove_counsellor(self, counsellor_id: str) -> None:
        self.counsellor(counsellor_id)
        self.counsellors = tuple(c for c in self.counsellors if c.id != counsellor_id)
        self._record(CounsellorRemoved, counsellor_id=counsellor_id)

    def record_training(self, counsellor_id: str, training: Training) -> None:
        counsellor = self.counsellor(counsellor_id)
        if training in counsellor.trainings:
            return
        updated = replace(counsellor, trainings=counsellor.trainings + (training,))
        self.counsellors = tuple(updated if c.id == counsellor_id else c for c in self.counsellors)
        self._record(CounsellorTrained, counsellor_id=counsellor_id, training=training)

    def qualify(
        self, counsellor_id: str, training: Training, qualifies_for: str = "", until: date | None = None
    ) -> None:
        """An attended training: added to the counsellor's trainings, granting or renewing a qualification."""
        counsellor = self.counsellor(counsellor_id)
        updated = counsellor.trained(training, qualifies_for, until)
        if updated == counsellor:
            return
        self.counsellors = tuple(updated if c.id == counsellor_id else c for c in self.counsellors)
        self._record(CounsellorTrained, counsellor_id=counsellor_id, training=training)

    def change_supervision(self, supervision: Supervision | None) -> None:
        self._ensure_open()
        if supervision != self.supervision:
            self.supervision = supervision
            self._record(SupervisionChanged)

    def forget(self, address: str) -> bool:
        """Erasure (Art. 17 GDPR): remove counsellors with this address and the address from the contact.

        Every change is made before any is recorded: each event carries the office as it is afterwards, so none of
        them (in the outbox, in the stream) still names the person."""
        gone = [c.id for c in self.counsellors if c.email.casefold() == address.casefold()]
        contact = self.details.email.casefold() == address.casefold()
        self.counsellors = tuple(c for c in self.counsellors if c.id not in gone)
        if contact:
            self.details = replace(self.details, email="")
        for counsellor_id in gone:
            self._record(CounsellorRemoved, counsellor_id=counsellor_id)
        if contact:
            self._record(OfficeUpdated, changed=("email",))
        return bool(gone) or contact


def openings_and_closings(offices: list[Office], since: date, until: date) -> list[tuple[str, int, int]]:
    """Per month from `since`'s to `until`'s (both included): ("2026-03", offices opened, offices closed).
    An office without a recorded day (registered before the days were recorded) counts nowhere."""
    first, last = since.year * 12 + since.month - 1, until.year * 12 + until.month - 1
    months = {f"{i // 12}-{i % 12 + 1:02d}": [0, 0] for i in range(first, last + 1)}
    for office in offices:
        for index, day in ((0, office.opened_on), (1, office.closed_on)):
            if day is not None and since <= day <= until:
                months[f"{day.year}-{day.month:02d}"][index] += 1
    return [(month, opened, closed) for month, (opened, closed) in months.items()]


# --- what happened to it: each event carries a snapshot of the aggregate right after the change ---


@dataclass(frozen=True)
class OfficeRegistered:
    office: Office


@dataclass(frozen=True)
class OfficeUpdated:
    office: Office
    changed: tuple[str, ...]


@dataclass(frozen=True)
class OfficePaused:
    office: Office
    reason: str = ""


@dataclass(frozen=True)
class OfficeReactivated:
    office: Office
    reason: str = ""


@dataclass(frozen=True)
class OfficeClosed:
    office: Office
    reason: str = ""


@dataclass(frozen=True)
class SupervisionChanged:
    office: Office


@dataclass(frozen=True)
class CounsellorAdded:
    office: Office
    counsellor_id: str


@dataclass(frozen=True)
class CounsellorRemoved:
    office: Office
    counsellor_id: str


@dataclass(frozen=True)
class CounsellorTrained:
    office: Office
    counsellor_id: str
    training: Training
