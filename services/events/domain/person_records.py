"""Art. 15 GDPR: what action planning holds about one address, as records a person can read.

By address: a regional group's coordinator in the replica of the register, a training's participant or trainer.
By name: the responsible people of actions and of the work plan's items are written as names ("V: Kathrin"), and
found as the reminders find people — a name means the person whose display name is the whole name or starts with
it (`shared.names.names_person`). Such a record says which name it was found by: it may mean someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.events.domain.actions import Action
from services.events.domain.groups import GroupReplica
from services.events.domain.trainings import Training
from services.events.domain.workplan import WorkItem
from shared.names import fold, names_person
from shared.privacy import UNTIL_ERASED, Record

AS_REGISTER = "Solange das Register Sie als Koordination der Gruppe führt (die Kopie folgt dem Register)."


@dataclass(frozen=True)
class Found:
    groups: list[GroupReplica]
    actions: list[Action]
    items: list[WorkItem]
    trainings: list[Training]


def _is(address: str, other: str | None) -> bool:
    return bool(other) and other.strip().casefold() == address.strip().casefold()


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _named(text: str, names: list[str]) -> str:
    """The name (of `names`) that `text` means, or ""."""
    return next((n for n in names if names_person(text, n)), "")


def _group(group: GroupReplica) -> Record:
    return Record(
        "Koordination einer Regionalgruppe (Kopie aus dem Register)",
        {"regionalgruppe": group.name, "name": group.coordinator_name, "adresse": group.coordinator_email},
        "Einladungen und Mitteilungen zu Aktionen an die Koordination der Gruppe schicken.",
        AS_REGISTER,
    )


def _action(action: Action, groups: dict[str, str], found_by: str, as_text: str) -> Record:
    s = action.schedule
    return Record(
        "Verantwortlich für eine Aktion",
        {
            "aktion": s.title,
            "ausrichtende_gruppe": groups.get(action.organiser_group_id, action.organiser_group_id),
            "ort": s.place,
            "beginn": _when(s.start),
            "stand": str(action.status),
            "verantwortlich": list(s.responsible),
            "gefunden_ueber_namen": found_by,
            "genannt_als": as_text,
        },
        "Festhalten, wer eine gemeinsame Aktion vorbereitet (Planung zwischen den Regionalgruppen).",
        UNTIL_ERASED,
    )


def _item(item: WorkItem, found_by: str, as_text: str) -> Record:
    return Record(
        "Verantwortlich für einen Punkt des Arbeitsplans",
        {
            "arbeitsplan": item.plan,
            "punkt": item.text,
            "termin": item.timing_text,
            "stand": str(item.status),
            "verantwortlich": [r.describe() for r in item.responsible],
            "gefunden_ueber_namen": found_by,
            "genannt_als": as_text,
        },
        "Den Arbeitsplan führen und die Verantwortlichen vor einem Termin erinnern.",
        UNTIL_ERASED,
    )


def _note(item: WorkItem, note: Any, found_by: str) -> Record:
    return Record(
        "Vermerk zu einem Punkt des Arbeitsplans",
        {
            "arbeitsplan": item.plan,
            "punkt": item.text,
            "datum": _when(note.on),
            "verfasst_von": note.author,
            "vermerk": note.text,
            "gefunden_ueber": found_by,
        },
        "Den Fortschritt eines Arbeitsplanpunkts festhalten.",
        UNTIL_ERASED,
    )


def _participant(training: Training, participant: Any) -> Record:
    return Record(
        "Anmeldung zu einer Schulung",
        {
            "schulung": training.name,
            "beginn": _when(training.details.start),
            "name": participant.name,
            "adresse": participant.email,
            "stand": str(participant.status),
            "angemeldet": _when(participant.registered_at),
            "beratungsstelle": participant.office_name,
        },
        "Die Schulung organisieren, Sie einladen und erinnern und Ihre Teilnahme an das Register melden.",
        UNTIL_ERASED,
    )


def _trainer(training: Training) -> Record:
    d = training.details
    return Record(
        "Leitung einer Schulung",
        {"schulung": training.name, "beginn": _when(d.start), "name": d.trainer_name, "adresse": d.trainer_email},
        "Die Schulung organisieren und die Teilnehmenden wissen lassen, wer sie leitet.",
        UNTIL_ERASED,
    )


def records(address: str, names: list[str], found: Found) -> list[Record]:
    """Every record about `address` (or, for the V of actions and items, about a person of these `names`)."""
    names = [n for n in dict.fromkeys(n.strip() for n in names) if n]
    group_names = {g.id: g.name for g in found.groups}
    shown = [_group(g) for g in found.groups if _is(address, g.coordinator_email)]
    for action in found.actions:
        for text in action.schedule.responsible:
            if by := _named(text, names):
                shown.append(_action(action, group_names, by, text))
    for item in found.items:
        for r in item.responsible:
            if by := _named(r.name, names):
                shown.append(_item(item, by, r.describe()))
        for note in item.notes:
            if _is(address, note.author) or any(fold(note.author) == fold(n) for n in names if note.author):
                shown.append(_note(item, note, note.author))
    for training in found.trainings:
        if _is(address, training.details.trainer_email):
            shown.append(_trainer(training))
        shown += [_participant(training, p) for p in training.participants if _is(address, p.email)]
    return shown
