"""What other services' events tell the mailing-list service, as typed commands built at the entrypoint.

`Received` names the incoming event (for the inbox that makes handling it idempotent); the rest is only
what the rules and the mails here need of the event's payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Received:
    event_id: str
    subject: str


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""


@dataclass(frozen=True)
class FollowGroup:
    """A registry group event: each carries the whole group, so the newest (by `sequence`) counts."""

    event: Received
    sequence: int
    group_id: str
    name: str
    slug: str = ""
    coordinator: Person | None = None
    formed: bool = False
    dissolved: bool = False
    merged_group_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnounceOffice:
    event: Received
    name: str
    street: str
    postcode: str
    city: str
    operator_name: str


@dataclass(frozen=True)
class Invitation:
    group_id: str
    group_name: str
    accepted: bool
    answer: str = ""  # offen | zugesagt | abgesagt | keine_antwort


@dataclass(frozen=True)
class ActionNews:
    """The action as the mails and its calendar attachment show it."""

    action_id: str
    kind_label: str
    title: str
    organiser_group_id: str
    organiser_group_name: str = ""
    start: datetime | None = None
    end: datetime | None = None
    job_centre: str = ""
    place: str = ""
    responsible: tuple[str, ...] = ()
    invitations: tuple[Invitation, ...] = ()
    cancel_reason: str = ""
    participants_count: int | None = None  # the report after the action was held
    notes: str = ""
    press: str = ""

    @property
    def participants(self) -> list[str]:
        return [self.organiser_group_id] + [i.group_id for i in self.invitations if i.accepted]

    @property
    def heading(self) -> str:
        """The title, with the kind only where the title does not already say it: "Zahltag-Aktion vor dem Jobcenter
        Plauen", not "Zahltag-Aktion vor dem Jobcenter: Zahltag-Aktion vor dem Jobcenter Plauen"."""
        if not self.kind_label or self.kind_label.casefold() in self.title.casefold():
            return self.title
        return f"{self.title} ({self.kind_label})"

    def group_name(self, group_id: str) -> str:
        if group_id == self.organiser_group_id:
            return self.organiser_group_name
        return next((i.group_name for i in self.invitations if i.group_id == group_id), "")


@dataclass(frozen=True)
class AnnounceAction:
    event: Received
    what: str  # eingeladen | geantwortet | geaendert | bestaetigt | abgesagt | durchgefuehrt
    action: ActionNews
    group_ids: tuple[str, ...] = ()  # the groups invited; with "geantwortet" the group that answered
    accepted: bool = False  # with "geantwortet": yes or no
    changed: tuple[str, ...] = ()  # with "geaendert": which parts of the schedule


@dataclass(frozen=True)
class RemindOfWorkItem:
    """A reminder (`days_left` before `due`) or, with `overdue`, an overdue notice."""

    event: Received
    text: str
    timing: str
    responsible: tuple[str, ...]
    due: date
    days_left: int = 0
    overdue: bool = False
    item_id: str = ""  # the item's page: {public_url}/arbeitsplan/{item_id}


@dataclass(frozen=True)
class ReportProgress:
    event: Received
    since: datetime
    until: datetime
    overall: Mapping[str, int]  # the figures as the progress mail shows them: plain data, no rules
    groups: tuple[Mapping[str, Any], ...] = ()
    overdue: tuple[Mapping[str, Any], ...] = ()  # work-plan lines: text, responsible, due
    due: tuple[Mapping[str, Any], ...] = ()
    # the actions held in the period and the next ones: title, kind_label, start, place, groups, participants, …
    held: tuple[Mapping[str, Any], ...] = ()
    upcoming: tuple[Mapping[str, Any], ...] = ()
    period_key: str = ""
    # survey campaigns of the period (issue 17): title, recipients, answered, rate_percent, ends_on
    campaigns: tuple[Mapping[str, Any], ...] = ()
    # training dates of the period and the month after it: title, start, registered, waiting, attended
    trainings: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class SendPersonalMail:
    """A mail another service wrote for one person (survey link, training confirmation, …): sent as it is,
    with the link made absolute here. `kind` and `reference` are for the audit line only, never for text."""

    event: Received
    producer: str
    to: str
    to_name: str
    kind: str
    subject: str
    text: str
    link_path: str = ""
    link_label: str = ""
    ics: str = ""
    reference: str = ""
