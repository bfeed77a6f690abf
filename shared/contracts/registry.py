"""Wire contracts produced by the registry service.

Events carry a full snapshot of the group or office they concern (event-carried state
transfer): a consumer builds its replica from the latest snapshot per id, and a replay of
the stream from the start rebuilds exactly what the registry holds.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from shared.contracts.catalogue import command, dead_letters, event, query
from shared.contracts.envelope import Contract, EventPayload
from shared.contracts.mail import MailRequested
from shared.contracts.people import PersonQuery, PersonRecords
from shared.contracts.system import HealthReply, HealthRequest
from shared.contracts.text import Count, Email, Flag, Id, MultiLine, Name, NonBlankText, Postcode, SingleLine

HEALTH = query("registry", "health", HealthRequest, HealthReply)
DEAD_LETTERS = dead_letters("registry")

StateCode = Literal["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"]
State = Annotated[StateCode, BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v)]  # "sn " is SN
OperatorKind = Annotated[
    Literal["kreisverband", "abgeordnetenbuero", "parteibuero", "partnerorganisation"],
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
]
# The words of the register's states and kinds as they travel; the registry's domain enums hold exactly these.
# Snapshot fields stay `str`, so a reader built before a word was added still reads the snapshot (tolerant reader).
OfficeStatus = Literal["geplant", "aktiv", "pausiert", "geschlossen"]
GroupStatus = Literal["aktiv", "zusammengelegt", "aufgeloest"]
DistrictKind = Literal["kreisverband", "bezirk"]
# German words for pages (the registry's domain holds the same in domain/offices.py and domain/areas.py; a unit test
# keeps them equal). An area key not listed here is a term the register learned later: shown as written.
OPERATOR_KIND_WORDS = {
    "kreisverband": "Kreisverband / Bezirk",
    "abgeordnetenbuero": "Büro einer/eines Abgeordneten",
    "parteibuero": "Parteibüro",
    "partnerorganisation": "Partnerorganisation",
}
AREA_WORDS = {
    "sgb2": "SGB II / Bürgergeld",
    "sgb12": "SGB XII / Sozialhilfe",
    "kdu": "Kosten der Unterkunft",
    "rente": "Rente / Senior:innen",
    "familie": "Familie",
    "aufenthalt": "Aufenthaltsrecht",
    "energie": "Energiearmut",
    "schwerbehinderung": "Schwerbehinderung",
    "gericht": "Begleitung zu Gericht",
}
FindingKind = Literal[
    "kreis_ohne_stelle",
    "ohne_rdg_aufsicht",
    "ohne_schulung",
    "schulung_veraltet",
    "ohne_sprechzeiten",
    # issue 17: offices at risk (their last valid qualification ends within the warning period, or has ended)
    "qualifikation_laeuft_ab",
    "ohne_gueltige_qualifikation",
]

# --- snapshots -------------------------------------------------------------------------


class Coordinator(Contract):
    name: str
    email: str | None = None


class DistrictSnapshot(Contract):
    district_id: str
    name: str
    state: str
    kind: str = "kreisverband"


class GroupSnapshot(Contract):
    group_id: str
    name: str
    state: str
    status: str = "aktiv"
    coordinator: Coordinator | None = None
    district_ids: list[str] = []
    merged_into: str | None = None
    # Added later (compatible: optional). The readable name in URLs and command lines ("vogtland"),
    # and the group's earlier slugs, which keep working. Events from before carry neither.
    slug: str = ""
    aliases: list[str] = []


class HoursV1(Contract):
    kind: Literal["woechentlich", "monatlich", "nach_vereinbarung"]
    weekday: int | None = Field(default=None, ge=0, le=6)  # 0 = Montag
    nth: int | None = None  # 1..4, -1 = letzter
    start: str | None = None  # "14:00"
    end: str | None = None
    text: str = ""


class TrainingV1(Contract):
    on: date
    title: str


def _checked_again(value: object) -> object:
    """A snapshot handed in where its stricter input type is expected is checked as input."""
    return value.model_dump() if isinstance(value, Contract) else value


class TrainingInput(TrainingV1):
    title: Name


Training = Annotated[TrainingInput, BeforeValidator(_checked_again)]


class CounsellorV1(Contract):
    counsellor_id: str
    name: str
    email: str | None = None
    publish_name: bool = False
    trainings: list[TrainingV1] = []
    # Added later (issue 17, tolerant): what attended trainings qualify this counsellor for, and until when.
    qualifies_for: str = ""  # a Qualification key ("erstberatung"); empty: no qualification recorded
    qualified_until: date | None = None  # last day of the qualification (readers compare with their own today)


class SupervisionV1(Contract):
    lawyer_name: str
    qualification_confirmed: bool
    since: date


class SupervisionInput(SupervisionV1):
    lawyer_name: Name
    qualification_confirmed: Flag


Supervision = Annotated[SupervisionInput, BeforeValidator(_checked_again)]


class OfficeSnapshot(Contract):
    office_id: str
    name: str
    operator_kind: str
    operator_name: str
    street: str
    postcode: str
    city: str
    access_notes: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    hours: list[HoursV1] = []
    areas: list[str] = []
    languages: list[str] = []
    district_id: str | None = None
    status: str
    counsellors: list[CounsellorV1] = []
    supervision: SupervisionV1 | None = None
    opened_on: date | None = None  # first day active (None: not yet, or before these days were recorded)
    closed_on: date | None = None
    # Added later (issue 17): the latest qualified_until among its counsellors (None: nobody qualified)
    qualified_until: date | None = None


# --- events ------------------------------------------------------------------------------


@event("registry", "district", "added", 1)
class DistrictAddedV1(DistrictSnapshot, EventPayload):
    pass


@event("registry", "group", "formed", 1)
class GroupFormedV1(GroupSnapshot, EventPayload):
    """A regional group was formed; its coordinator becomes its list's moderator elsewhere."""


@event("registry", "group", "renamed", 1)
class GroupRenamedV1(GroupSnapshot, EventPayload):
    old_name: str = ""


@event("registry", "group", "coordinator_changed", 1)
class CoordinatorChangedV1(GroupSnapshot, EventPayload):
    pass


@event("registry", "group", "merged", 1)
class GroupsMergedV1(GroupSnapshot, EventPayload):
    """The snapshot is the surviving group; `merged_group_ids` no longer exist on their own."""

    merged_group_ids: list[str]


@event("registry", "group", "dissolved", 1)
class GroupDissolvedV1(GroupSnapshot, EventPayload):
    pass


class OfficeEvent(EventPayload):
    office: OfficeSnapshot


@event("registry", "office", "registered", 1)
class OfficeRegisteredV1(OfficeEvent):
    pass


@event("registry", "office", "updated", 1)
class OfficeUpdatedV1(OfficeEvent):
    changed: list[str] = []


@event("registry", "office", "paused", 1)
class OfficePausedV1(OfficeEvent):
    reason: str = ""  # added later (compatible): why, as the state office wrote it


@event("registry", "office", "reactivated", 1)
class OfficeReactivatedV1(OfficeEvent):
    reason: str = ""  # added later (compatible): why, as the state office wrote it


@event("registry", "office", "closed", 1)
class OfficeClosedV1(OfficeEvent):
    reason: str = ""  # added later (compatible): why, as the state office wrote it


@event("registry", "office", "supervision_changed", 1)
class SupervisionChangedV1(OfficeEvent):
    pass


@event("registry", "counsellor", "added", 1)
class CounsellorAddedV1(OfficeEvent):
    counsellor_id: str


@event("registry", "counsellor", "removed", 1)
class CounsellorRemovedV1(OfficeEvent):
    counsellor_id: str


@event("registry", "counsellor", "trained", 1)
class CounsellorTrainedV1(OfficeEvent):
    counsellor_id: str
    training: TrainingV1


# --- commands ----------------------------------------------------------------------------


class CoordinatorInput(Coordinator):
    name: Annotated[Name, Field(max_length=100)]  # also the list moderator's name in mail headers
    email: Email | None = None


CoordinatorField = Annotated[CoordinatorInput, BeforeValidator(_checked_again)]


class AddDistrict(Contract):
    name: Name
    state: State
    kind: DistrictKind = "kreisverband"
    district_id: Id | None = None


class FormGroup(Contract):
    name: Name
    state: State
    district_ids: list[Id] = []
    coordinator: CoordinatorField | None = None
    group_id: Id | None = None


class RenameGroup(Contract):
    group_id: Id
    name: Name


class ChangeCoordinator(Contract):
    group_id: Id
    coordinator: CoordinatorField


class MergeGroups(Contract):
    into_group_id: Id
    group_ids: list[Id]


class DissolveGroup(Contract):
    group_id: Id


class GroupRef(Contract):
    """A group named by its id, its slug, an earlier slug or its name; a merged group's slug leads to the survivor."""

    group: Id


class CounsellorInput(Contract):
    name: Name
    email: Email | None = None
    publish_name: Flag = False
    trainings: list[Training] = []
    counsellor_id: Id | None = None


class OfficeDetails(Contract):
    """Everything about an office that `update_office` may change."""

    name: Name
    operator_kind: OperatorKind
    operator_name: Name
    street: Name
    postcode: Postcode
    city: Name
    access_notes: MultiLine = ""
    phone: SingleLine = ""
    email: Email | Literal[""] = ""
    web: SingleLine = ""
    hours: list[SingleLine] = []  # German text: "dienstags 14–17 Uhr", "nach Vereinbarung"
    areas: list[SingleLine] = []
    languages: list[SingleLine] = []
    district_id: Id | None = None


class RegisterOffice(OfficeDetails):
    status: Literal["geplant", "aktiv"] = "aktiv"
    counsellors: list[CounsellorInput] = []
    supervision: Supervision | None = None
    office_id: Id | None = None


class UpdateOffice(OfficeDetails):
    office_id: Id


class OfficeRef(Contract):
    office_id: Id


class StatusChange(OfficeRef):
    """Pause, reactivate or close an office; the reason (added later, optional) goes into its history."""

    reason: SingleLine = ""


class AddCounsellor(CounsellorInput):
    office_id: Id


class RemoveCounsellor(Contract):
    office_id: Id
    counsellor_id: Id


class RecordTraining(Contract):
    office_id: Id
    counsellor_id: Id
    training: Training


class ChangeSupervision(Contract):
    office_id: Id
    supervision: Supervision | None


class ImportOffices(Contract):
    """The office list as CSV text, or as a table of cells (e.g. read from an .xlsx sheet: `table[0]` is the
    header row, `table[i]` the sheet's row i + 1, so errors name the row number the person sees)."""

    csv: NonBlankText | None = None
    table: list[list[MultiLine]] | None = None  # cells as text; line breaks allowed as in a CSV cell
    dry_run: Flag = False
    progress_subject: SingleLine | None = None  # an _INBOX subject for progress messages

    @model_validator(mode="after")
    def _one_source(self) -> ImportOffices:
        if (self.csv is None) == (self.table is None):
            raise ValueError("Bitte entweder den CSV-Text oder die Tabelle angeben.")
        return self


class ImportRowError(Contract):
    line: int
    reason: str


ImportOutcome = Literal["neu", "geaendert", "unveraendert"]


class ImportRowOutcome(Contract):
    """What became of one row: a new office, a changed one (with the fields changed) or one left alone."""

    line: int
    outcome: str  # an ImportOutcome
    name: str
    office_id: str | None = None  # None for a new office in a dry run (it has no id yet)
    changes: list[str] = []  # the office's fields that change: "name", "hours", "supervision", "status", …


class ImportReport(Contract):
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowError]
    warnings: list[str] = []
    outcomes: list[ImportRowOutcome] = []  # added later (compatible): every row that is not an error, by line


class ImportProgress(Contract):
    done: int
    total: int


# --- queries -----------------------------------------------------------------------------


class ListQuery(Contract):
    state: State | None = None


class Districts(Contract):
    districts: list[DistrictSnapshot]


class Groups(Contract):
    groups: list[GroupSnapshot]


class Offices(Contract):
    offices: list[OfficeSnapshot]


DIRECTORY_PAGE, DIRECTORY_PAGE_MAX = 100, 500


class DirectoryQuery(Contract):
    # "index": every published office at once with its hours as rules and its areas' keys (JSON, the gateway's
    # search pages read it; not a public format, its shape may change with the gateway)
    format: Literal["json", "csv", "html", "hsds", "ics", "index"] = "json"
    state: str | None = None
    page: int = Field(1, ge=1)  # JSON and HSDS come in pages; CSV, HTML and iCalendar whole
    per_page: int = Field(DIRECTORY_PAGE, ge=1, le=DIRECTORY_PAGE_MAX)
    hsds: Literal["services", "organizations", "service_at_locations"] = "services"  # the HSDS 3.1 API collection
    # HSDS: this one record of the collection instead of a page; iCalendar: this one office's hours (unknown:
    # nicht_gefunden)
    record_id: str | None = None
    known_version: str | None = None  # the asker still holds this version: if current, no content comes back


class DirectoryDocument(Contract):
    media_type: str
    content: str
    version: str = ""  # changes whenever the content does (an ETag)
    unchanged: bool = False  # the asker's known_version is current; content is left empty


class CoverageQuery(Contract):
    state: State | None = None
    format: Literal["json", "text"] = "json"


class ReadHours(Contract):
    """Consultation hours as people write them, one per entry; read without storing anything."""

    texts: Annotated[list[SingleLine], Field(max_length=50)]


class HoursReading(Contract):
    text: str
    understood: str = ""  # how the registry reads it, in German ("dienstags 14:00–17:00 Uhr"); empty if not
    error: str = ""  # why it was not understood, in German
    hours: HoursV1 | None = None


class HoursRead(Contract):
    readings: list[HoursReading]


class OfficeHistoryEntry(Contract):
    at: datetime
    actor: str = ""  # who asked for the change, as the gateway named them (an address, a token's name)
    what: str  # German: "Angaben geändert", "pausiert", "Berater:in hinzugefügt: Anna Beispiel"
    details: list[str] = []  # German: "Sprechzeiten: dienstags 14:00–17:00 Uhr → …"
    reason: str = ""


class OfficeHistory(Contract):
    office_id: str
    entries: list[OfficeHistoryEntry]  # newest first


class CoverageFinding(Contract):
    kind: str  # a FindingKind
    subject_id: str
    name: str
    detail: str


class CoverageReport(Contract):
    findings: list[CoverageFinding]
    text: str


class OfficeChangesQuery(Contract):
    """Offices opened and closed per month, from `since`'s month to `until`'s (both days included)."""

    since: date
    until: date


class OfficeMonth(Contract):
    month: str  # "2026-03"
    opened: int  # offices that became active for the first time that month
    closed: int


class OfficeChanges(Contract):
    months: list[OfficeMonth]


ADD_DISTRICT = command("registry", "add_district", AddDistrict, DistrictSnapshot)
FORM_GROUP = command("registry", "form_group", FormGroup, GroupSnapshot)
RENAME_GROUP = command("registry", "rename_group", RenameGroup, GroupSnapshot)
CHANGE_COORDINATOR = command("registry", "change_coordinator", ChangeCoordinator, GroupSnapshot)
MERGE_GROUPS = command("registry", "merge_groups", MergeGroups, GroupSnapshot)
DISSOLVE_GROUP = command("registry", "dissolve_group", DissolveGroup, GroupSnapshot)
REGISTER_OFFICE = command("registry", "register_office", RegisterOffice, OfficeSnapshot)
UPDATE_OFFICE = command("registry", "update_office", UpdateOffice, OfficeSnapshot)
PAUSE_OFFICE = command("registry", "pause_office", StatusChange, OfficeSnapshot)
REACTIVATE_OFFICE = command("registry", "reactivate_office", StatusChange, OfficeSnapshot)
CLOSE_OFFICE = command("registry", "close_office", StatusChange, OfficeSnapshot)
ADD_COUNSELLOR = command("registry", "add_counsellor", AddCounsellor, OfficeSnapshot)
REMOVE_COUNSELLOR = command("registry", "remove_counsellor", RemoveCounsellor, OfficeSnapshot)
RECORD_TRAINING = command("registry", "record_training", RecordTraining, OfficeSnapshot)
CHANGE_SUPERVISION = command("registry", "change_supervision", ChangeSupervision, OfficeSnapshot)
IMPORT_OFFICES = command("registry", "import_offices", ImportOffices, ImportReport)

DISTRICTS = query("registry", "districts", ListQuery, Districts)
GROUPS = query("registry", "groups", ListQuery, Groups)
OFFICES = query("registry", "offices", ListQuery, Offices)
OFFICE = query("registry", "office", OfficeRef, OfficeSnapshot)
GROUP = query("registry", "group", GroupRef, GroupSnapshot)
DIRECTORY = query("registry", "directory", DirectoryQuery, DirectoryDocument)
COVERAGE = query("registry", "coverage", CoverageQuery, CoverageReport)
READ_HOURS = query("registry", "read_hours", ReadHours, HoursRead)  # side-effect free: the form's check step
OFFICE_HISTORY = query("registry", "office_history", OfficeRef, OfficeHistory)
OFFICE_CHANGES = query("registry", "office_changes", OfficeChangesQuery, OfficeChanges)


# --- surveys and qualifications (issue 17, journey 7) -------------------------------------------------
# A campaign (Erhebung) goes to offices, members or districts; each recipient answers through a personal link
# `/umfrage/<token>` (signed by the registry, bound to campaign and recipient, usable until the campaign ends).
# Answers become register changes only through the state office's review. Qualifications come from attended
# trainings (`events.training.attended.v1`); the registry knows per counsellor what for and until when.

CampaignKind = Literal["bueros", "mitglieder", "kreisverbaende"]
CAMPAIGN_KIND_WORDS = {
    "bueros": "Partei- und Abgeordnetenbüros",
    "mitglieder": "Mitglieder",
    "kreisverbaende": "Kreisverbände ohne Angebot",
}
AnswerStatus = Literal["offen", "entwurf", "abgegeben"]
ReviewStatus = Literal["offen", "uebernommen", "abgelehnt", "nichts_zu_tun"]
Counselling = Literal["ja", "geplant", "nein"]
Interest = Literal["ja", "vielleicht", "nein"]
Planned = Literal["ja", "nein", "unklar"]
QUALIFICATION_WORDS = {"erstberatung": "Erstberatung (Multiplikator:in)"}


class RecipientInput(Contract):
    """A recipient beyond those the registry finds itself (an imported file's office, a list member)."""

    name: Name
    email: Email
    office_name: SingleLine = ""  # an office not (yet) in the register: its name
    place: SingleLine = ""  # its town
    office_id: Id | None = None  # an office of the register
    district_id: Id | None = None  # for response rates per district


class CreateCampaign(Contract):
    title: Name  # "Erhebung Sozialberatung in Partei- und Abgeordnetenbüros 2026"
    kind: CampaignKind
    starts_on: date  # invitations go out on this day (at once if it is today or past)
    ends_on: date  # last day answers are taken; no reminder after it
    intro: MultiLine = ""  # shown above the form and in the invitation
    # bueros: every party and MP office of the register with an e-mail address (plus `recipients`);
    # kreisverbaende: the coordinators of the groups covering each district the coverage report lists without an
    # office (plus `recipients`); mitglieder: exactly `recipients` (the gateway reads them from the members' list).
    include_register: Flag = True
    recipients: Annotated[list[RecipientInput], Field(max_length=20_000)] = []
    state: State | None = None  # only this state's offices/districts

    @model_validator(mode="after")
    def _period(self) -> CreateCampaign:
        if self.ends_on < self.starts_on:
            raise ValueError("Das Ende der Erhebung liegt vor ihrem Beginn.")
        return self


class DistrictRateV1(Contract):
    district_id: str | None = None  # None: recipients without a district
    district_name: str = "ohne Kreisverband"
    recipients: int
    answered: int  # submitted answers


class CampaignSnapshot(Contract):
    campaign_id: str
    title: str
    kind: str  # a CampaignKind
    starts_on: date
    ends_on: date
    intro: str = ""
    status: str  # "geplant" (not started) | "laufend" | "beendet" (after ends_on)
    recipients: int
    invited: int  # invitations sent
    answered: int  # submitted answers
    drafts: int = 0  # saved but not submitted
    to_review: int = 0  # submitted answers whose review is open
    by_district: list[DistrictRateV1] = []
    skipped: list[str] = []  # German: why someone could not be invited ("Kreisverband Zwickau: keine Adresse")


class RecipientV1(Contract):
    recipient_id: str
    name: str
    email: str
    office_id: str | None = None
    office_name: str = ""
    district_id: str | None = None
    invited_at: datetime | None = None
    reminders: int = 0
    last_reminded_at: datetime | None = None
    answer_status: str = "offen"  # an AnswerStatus
    review_status: str = "offen"  # a ReviewStatus


class SurveyAnswerV1(Contract):
    """One answer; which fields apply depends on the campaign's kind. Every field may stay empty in a draft."""

    # bueros
    counselling: Counselling | None = None  # is counselling held here
    frequency: SingleLine = ""  # "wöchentlich", "zweimal im Monat"
    counsellors: Annotated[list[Name], Field(max_length=20)] = []  # by whom (names)
    hours: Annotated[list[SingleLine], Field(max_length=20)] = []  # German text, read like the register's hours
    areas: Annotated[list[SingleLine], Field(max_length=20)] = []  # AREA_WORDS keys
    contact_phone: SingleLine = ""
    contact_email: Email | Literal[""] = ""
    publish: Flag | None = None  # may it be published in the directory
    # mitglieder
    interest: Interest | None = None  # would like to help in counselling
    availability: SingleLine = ""  # "abends", "zwei Stunden pro Woche"
    region: SingleLine = ""
    contact_ok: Flag = False  # consents to be contacted for trainings
    # kreisverbaende
    planned: Planned | None = None  # is something planned
    help_needed: MultiLine = ""
    # all
    remarks: MultiLine = ""


class SurveyToken(Contract):
    token: Annotated[str, Field(min_length=1, max_length=400, pattern=r"^[A-Za-z0-9_\-\.]+$")]


class SurveyFormV1(Contract):
    """What the personal survey page shows (nothing about other recipients)."""

    campaign_id: str
    title: str
    kind: str
    intro: str = ""
    ends_on: date
    open: bool  # answers still taken (today within the period)
    recipient_name: str
    office_name: str = ""  # the office the question is about (prefilled from the register)
    current: SurveyAnswerV1 | None = None  # what the register holds now, as an answer (offices only)
    answer: SurveyAnswerV1 | None = None  # the saved answer or draft
    answer_status: str = "offen"
    saved_at: datetime | None = None


class SaveAnswer(SurveyToken):
    answer: SurveyAnswerV1
    submit: Flag = False  # False: a draft, to finish later; True: submitted (still changeable until the end)


class CampaignRef(Contract):
    campaign_id: Id


class Campaigns(Contract):
    campaigns: list[CampaignSnapshot]  # newest first


class CampaignRecipients(Contract):
    campaign: CampaignSnapshot
    recipients: list[RecipientV1]


class ProposedChangeV1(Contract):
    change_id: str  # stable within the answer ("hours", "counsellor:Anna Beispiel", "new_office")
    label: str  # German: "Sprechzeiten", "Neue Berater:in", "Neue Beratungsstelle (geplant)"
    before: str = ""  # German, as the register has it now
    after: str  # German, as it would be


class AnswerReviewV1(Contract):
    recipient: RecipientV1
    submitted_at: datetime | None = None
    answer: SurveyAnswerV1
    changes: list[ProposedChangeV1]  # empty: nothing for the register (review_status nichts_zu_tun)


class AnswerReviews(Contract):
    campaign: CampaignSnapshot
    answers: list[AnswerReviewV1]  # submitted answers, open reviews first


class DecideAnswer(Contract):
    campaign_id: Id
    recipient_id: Id
    accept: Flag
    change_ids: list[SingleLine] | None = None  # accept only these (None: all proposed changes)
    reason: SingleLine = ""


class Decided(Contract):
    review: AnswerReviewV1
    office: OfficeSnapshot | None = None  # the office as the accepted changes left it
    message: str  # German


class InterestedQuery(Contract):
    campaign_id: Id | None = None  # None: every campaign


class InterestedPersonV1(Contract):
    name: str
    email: str
    region: str = ""
    availability: str = ""
    areas: list[str] = []
    interest: str  # "ja" | "vielleicht"
    campaign_id: str
    campaign_title: str
    answered_at: datetime | None = None


class Interested(Contract):
    people: list[InterestedPersonV1]


class QualificationsQuery(Contract):
    within_days: Count | None = None  # only those ending within this many days (or already ended)


class QualificationV1(Contract):
    name: str
    email: str = ""
    qualifies_for: str  # "erstberatung"
    until: date
    status: str  # "gueltig" | "laeuft_ab" (within the warning period) | "abgelaufen"
    office_id: str | None = None  # None: a trained person not (yet) counselling at an office
    office_name: str = ""
    counsellor_id: str | None = None
    last_training: str = ""  # German title of the training that granted or renewed it
    last_training_on: date | None = None


class Qualifications(Contract):
    qualifications: list[QualificationV1]
    offices_at_risk: list[CoverageFinding] = []  # qualifikation_laeuft_ab / ohne_gueltige_qualifikation


@event("registry", "campaign", "progressed", 1)
class CampaignProgressedV1(CampaignSnapshot, EventPayload):
    """A campaign was created, started, answered or ended: its counts now (the progress report reads these)."""


@event("registry", "qualification", "expiring", 1)
class QualificationExpiringV1(EventPayload):
    """A person's qualification ends within the warning period: they should register for a refresher
    (action planning knows the dates and mails them). Sent once per person and `until`."""

    name: str
    email: str
    qualifies_for: str
    until: date
    counsellor_id: str | None = None
    office_id: str | None = None
    office_name: str = ""


@event("registry", "mail", "requested", 1)
class RegistryMailRequestedV1(MailRequested):
    """Survey invitations and reminders, and the warning to an office whose last qualification lapsed."""


CREATE_CAMPAIGN = command("registry", "create_campaign", CreateCampaign, CampaignSnapshot)
SAVE_ANSWER = command("registry", "save_answer", SaveAnswer, SurveyFormV1)
DECIDE_ANSWER = command("registry", "decide_answer", DecideAnswer, Decided)
CAMPAIGNS = query("registry", "campaigns", ListQuery, Campaigns)
CAMPAIGN = query("registry", "campaign", CampaignRef, CampaignRecipients)
SURVEY_FORM = query("registry", "survey_form", SurveyToken, SurveyFormV1)
ANSWER_REVIEWS = query("registry", "answer_reviews", CampaignRef, AnswerReviews)
INTERESTED = query("registry", "interested", InterestedQuery, Interested)
QUALIFICATIONS = query("registry", "qualifications", QualificationsQuery, Qualifications)


# Art. 15 across all services (issue 18)
PERSON_RECORDS = query("registry", "person_records", PersonQuery, PersonRecords)
