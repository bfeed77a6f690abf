"""Survey campaigns (Erhebungen): who is asked, the personal link, when invitations and reminders go out, the
answers and what they would change in the register.

Pure Python: the service layer loads offices, districts, groups and recipients and hands them in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from services.registry.domain import validation
from services.registry.domain.areas import area_key, area_label
from services.registry.domain.errors import Conflict, DomainError, InvalidInput
from services.registry.domain.hours import Hours, parse_hours
from services.registry.domain.offices import Counsellor, Office, OfficeDetails, OfficeStatus, OperatorKind
from services.registry.domain.regions import District, GroupStatus, RegionalGroup
from shared.clock import BERLIN, german_date

ASKER = "die Landesgeschäftsstelle"
SURVEY_OFFICE_KINDS = (OperatorKind.PARTY_OFFICE, OperatorKind.MP_OFFICE)


class CampaignKind(StrEnum):
    OFFICES = "bueros"
    MEMBERS = "mitglieder"
    DISTRICTS = "kreisverbaende"


class AnswerStatus(StrEnum):
    OPEN = "offen"
    DRAFT = "entwurf"
    SUBMITTED = "abgegeben"


class ReviewStatus(StrEnum):
    OPEN = "offen"
    ACCEPTED = "uebernommen"
    REJECTED = "abgelehnt"
    NOTHING = "nichts_zu_tun"


class LinkInvalid(DomainError):
    code = "link_ungueltig"


class CampaignOver(DomainError):
    code = "erhebung_beendet"


LINK_INVALID = "Dieser Link ist ungültig."


# --- the personal link ----------------------------------------------------------------------------------------


class SurveyLinks:
    """`<recipient_id>.<HMAC-SHA256 over ("umfrage", campaign_id, recipient_id)>`: bound to both, valid for the
    campaign (the form refuses answers after its end). The key is derived from the service's secret key."""

    def __init__(self, secret: bytes, *previous: bytes) -> None:
        """`secret` signs; `previous` keys (a rotated secret's, shared/keys.py) only verify."""
        if len(secret) < 16:
            raise ValueError("Der Schlüssel für Links ist zu kurz")
        self._keys = [hashlib.sha256(b"beratungsnetz-umfrage\x00" + key).digest() for key in (secret, *previous)]

    def _mac(self, campaign_id: str, recipient_id: str, key: bytes | None = None) -> str:
        message = "\x00".join(("umfrage", campaign_id, recipient_id)).encode()
        return hmac.new(key or self._keys[0], message, hashlib.sha256).hexdigest()

    def token(self, campaign_id: str, recipient_id: str) -> str:
        return f"{recipient_id}.{self._mac(campaign_id, recipient_id)}"

    @staticmethod
    def recipient_id(token: str) -> str:
        """The recipient a token names (not yet checked): the store is asked for it, then `check` decides."""
        recipient_id, dot, signature = (token or "").rpartition(".")
        if not dot or not recipient_id or not signature or len(recipient_id) > 64:
            raise LinkInvalid(LINK_INVALID)
        return recipient_id

    def check(self, token: str, campaign_id: str, recipient_id: str) -> None:
        expected = (f"{recipient_id}.{self._mac(campaign_id, recipient_id, key)}" for key in self._keys)
        if not any(hmac.compare_digest(token.encode(), e.encode()) for e in expected):
            raise LinkInvalid(LINK_INVALID)

    @staticmethod
    def path(token: str) -> str:
        return f"/umfrage/{token}"


# --- campaigns, recipients, answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    counselling: str | None = None
    frequency: str = ""
    counsellors: tuple[str, ...] = ()
    hours: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    contact_phone: str = ""
    contact_email: str = ""
    publish: bool | None = None
    interest: str | None = None
    availability: str = ""
    region: str = ""
    contact_ok: bool = False
    planned: str | None = None
    help_needed: str = ""
    remarks: str = ""

    PERSONAL = ("counsellors", "contact_phone", "contact_email", "availability", "region", "help_needed", "remarks")

    def without_personal_data(self) -> Answer:
        blank = {f.name: type(getattr(self, f.name))() for f in fields(self) if f.name in self.PERSONAL}
        return replace(self, **blank)


@dataclass(eq=False)
class Campaign:
    id: str
    title: str
    kind: CampaignKind
    starts_on: date
    ends_on: date
    intro: str = ""
    state: str | None = None
    created_at: datetime | None = None
    skipped: tuple[str, ...] = ()
    end_reported: bool = False  # CampaignProgressed was sent once after its end
    answers_dropped: bool = False  # the retention emptied its answers (see `answers_expired`)

    @property
    def name(self) -> str:
        return self.title

    def status(self, today: date) -> str:
        if today < self.starts_on:
            return "geplant"
        return "laufend" if today <= self.ends_on else "beendet"

    def is_open(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on

    def answers_expired(self, today: date, keep_days: int) -> bool:
        """Its answers are kept `keep_days` days after its last day (that day included), then dropped once."""
        return not self.answers_dropped and today > self.ends_on + timedelta(days=keep_days)

    def ensure_open(self, today: date) -> None:
        if today > self.ends_on:
            raise CampaignOver(f"Die Erhebung „{self.title}“ ist am {german_date(self.ends_on)} zu Ende gegangen.")
        if today < self.starts_on:
            raise CampaignOver(f"Die Erhebung „{self.title}“ beginnt erst am {german_date(self.starts_on)}.")


@dataclass(eq=False)
class Recipient:
    id: str
    campaign_id: str
    name: str
    email: str
    office_id: str | None = None
    office_name: str = ""
    place: str = ""
    district_id: str | None = None
    invited_at: datetime | None = None
    reminders: int = 0
    last_reminded_at: datetime | None = None
    answer: Answer | None = None
    answer_status: AnswerStatus = AnswerStatus.OPEN
    saved_at: datetime | None = None
    submitted_at: datetime | None = None
    review_status: ReviewStatus = ReviewStatus.OPEN
    review_reason: str = ""
    reviewed_at: datetime | None = None

    def save(self, answer: Answer, submit: bool, now: datetime) -> bool:
        """Keep the answer; returns True when it counts as submitted (first time or changed after)."""
        self.answer, self.saved_at = answer, now
        if submit:
            self.answer_status, self.submitted_at = AnswerStatus.SUBMITTED, now
            return True
        if self.answer_status != AnswerStatus.SUBMITTED:
            self.answer_status = AnswerStatus.DRAFT
        return False

    def mark_review(self, needed: bool) -> None:
        """After a submission: open for the state office's review, or nothing for the register."""
        self.review_status = ReviewStatus.OPEN if needed else ReviewStatus.NOTHING
        self.review_reason, self.reviewed_at = "", None

    def decide(self, status: ReviewStatus, reason: str, now: datetime) -> None:
        if self.answer_status != AnswerStatus.SUBMITTED:
            raise Conflict(f"Von {self.name or 'dieser Person'} liegt noch keine abgegebene Antwort vor.")
        if self.review_status in (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED):
            word = "übernommen" if self.review_status == ReviewStatus.ACCEPTED else "abgelehnt"
            raise Conflict(f"Über diese Antwort wurde schon entschieden ({word}).")
        self.review_status, self.review_reason, self.reviewed_at = status, reason, now

    def drop_answer(self) -> bool:
        """Retention after the campaign: the answer, the review's reason, the name and the address go; whether and
        when it was answered, the office and the district stay (the campaign's counts). False if nothing was left."""
        if not (self.answer or self.name or self.email or self.review_reason):
            return False
        self.answer, self.name, self.email, self.review_reason = None, "", "", ""
        return True

    def forget(self) -> None:
        """Erasure: the address, the name and the answer's personal fields go; the counts stay."""
        self.name, self.email = "", ""
        if self.answer is not None:
            self.answer = self.answer.without_personal_data()


@dataclass(frozen=True)
class NewRecipient:
    name: str
    email: str
    office_id: str | None = None
    office_name: str = ""
    place: str = ""
    district_id: str | None = None


# --- who is asked -----------------------------------------------------------------------------------------------


def select_recipients(
    kind: CampaignKind,
    include_register: bool,
    extra: list[NewRecipient],
    offices: list[Office],
    districts: list[District],
    groups: list[RegionalGroup],
    uncovered_district_ids: list[str],
    state: str | None = None,
) -> tuple[list[NewRecipient], list[str]]:
    """The recipients of a new campaign (each address once) and, in German, who could not be asked and why."""
    found: list[NewRecipient] = []
    skipped: list[str] = []
    in_state = {d.id for d in districts if state is None or d.state == state}
    names = {d.id: d.name for d in districts}
    if include_register and kind == CampaignKind.OFFICES:
        for office in sorted(offices, key=lambda o: (o.details.city, o.name)):
            if office.details.operator_kind not in SURVEY_OFFICE_KINDS or office.status == OfficeStatus.CLOSED:
                continue
            if state is not None and office.details.district_id not in in_state:
                continue
            if not office.details.email:
                skipped.append(f"{office.name}: keine E-Mail-Adresse")
                continue
            found.append(
                NewRecipient(
                    office.name,
                    office.details.email,
                    office.id,
                    office.name,
                    office.details.city,
                    office.details.district_id,
                )
            )
    if include_register and kind == CampaignKind.DISTRICTS:
        for district_id in uncovered_district_ids:
            if district_id not in in_state:
                continue
            covering = [
                g
                for g in sorted(groups, key=lambda g: g.name)
                if g.status == GroupStatus.ACTIVE and district_id in g.district_ids
            ]
            addressed = [g for g in covering if g.coordinator and g.coordinator.email]
            if not addressed:
                why = "keine Regionalgruppe mit Adresse der Koordination" if covering else "keine Regionalgruppe"
                skipped.append(f"{names.get(district_id, district_id)}: {why}")
            for group in addressed:
                found.append(
                    NewRecipient(
                        group.coordinator.name,
                        group.coordinator.email,
                        office_name=f"{names.get(district_id, district_id)} ({group.name})",
                        district_id=district_id,
                    )
                )
    found.extend(extra)
    unique: dict[str, NewRecipient] = {}
    for recipient in found:
        unique.setdefault(recipient.email.strip().casefold(), recipient)
    return list(unique.values()), skipped


def without_blocked(found: list[NewRecipient], blocked: set[str]) -> tuple[list[NewRecipient], list[str]]:
    """Leave out the addresses whose people objected (Art. 21 GDPR); the note counts them and names nobody."""
    kept = [r for r in found if r.email not in blocked]
    left_out = len(found) - len(kept)
    if not left_out:
        return kept, []
    which = "1 Adresse ist" if left_out == 1 else f"{left_out} Adressen sind"
    return kept, [f"{which} gesperrt (Widerspruch nach Art. 21 DSGVO) und wird nicht angeschrieben"]


# --- invitations and reminders ------------------------------------------------------------------------------------


def berlin_day(moment: datetime) -> date:
    return moment.astimezone(BERLIN).date()


def mail_due(
    campaign: Campaign, recipient: Recipient, now: datetime, reminders_max: int, reminder_days: int
) -> str | None:
    """ "einladung", "erinnerung" or None: what `recipient` is to be sent now."""
    today = berlin_day(now)
    if not campaign.is_open(today) or not recipient.email:
        return None
    if recipient.invited_at is None:
        return "einladung"
    if recipient.answer_status == AnswerStatus.SUBMITTED or recipient.reminders >= reminders_max:
        return None
    last = recipient.last_reminded_at or recipient.invited_at
    return "erinnerung" if (today - berlin_day(last)).days >= reminder_days else None


@dataclass(frozen=True)
class SurveyMail:
    """A personal survey mail (RegistryMailRequestedV1 on the wire)."""

    to: str
    to_name: str
    kind: str  # umfrage_einladung | umfrage_erinnerung
    subject: str
    text: str
    link_path: str
    link_label: str
    reference: str


def survey_mail(campaign: Campaign, recipient: Recipient, what: str, token: str) -> SurveyMail:
    about = f" für „{recipient.office_name}“" if recipient.office_name else ""
    personal = recipient.name and not recipient.office_id and recipient.name != recipient.office_name
    lines = [f"Guten Tag {recipient.name}," if personal else "Guten Tag,", ""]
    if what == "einladung":
        subject = f"Umfrage: {campaign.title}"
        lines.append(f"{ASKER} bittet Sie um Ihre Antworten zur Erhebung „{campaign.title}“{about}.")
    else:
        subject = f"Erinnerung: {campaign.title}"
        lines.append(
            f"wir erinnern freundlich an die Erhebung „{campaign.title}“{about}: {ASKER} hat von Ihnen noch keine "
            "abgegebene Antwort."
        )
    if campaign.intro:
        lines += ["", campaign.intro]
    lines += [
        "",
        f"Die Umfrage läuft bis zum {german_date(campaign.ends_on)}. Über Ihren persönlichen Link können Sie "
        "Ihre Antworten zwischenspeichern, später fertigstellen und bis zum Ende noch ändern.",
        "",
        "Bitte geben Sie den Link nicht weiter: er gilt nur für Sie.",
    ]
    return SurveyMail(
        recipient.email,
        recipient.name,
        f"umfrage_{what}",
        subject,
        "\n".join(lines),
        SurveyLinks.path(token),
        "Zur Umfrage",
        campaign.id,
    )


def mark_sent(recipient: Recipient, what: str, now: datetime) -> None:
    if what == "einladung":
        recipient.invited_at = now
    else:
        recipient.reminders += 1
        recipient.last_reminded_at = now


# --- counts --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictRate:
    district_id: str | None
    district_name: str
    recipients: int
    answered: int


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    status: str
    recipients: int
    invited: int
    answered: int
    drafts: int
    to_review: int
    by_district: tuple[DistrictRate, ...] = field(default=())


def progress(campaign: Campaign, recipients: list[Recipient], today: date, district_names: dict[str, str]) -> Progress:
    submitted = [r for r in recipients if r.answer_status == AnswerStatus.SUBMITTED]
    per: dict[str | None, list[int]] = {}
    for r in recipients:
        counts = per.setdefault(r.district_id, [0, 0])
        counts[0] += 1
        counts[1] += r.answer_status == AnswerStatus.SUBMITTED
    rates = sorted(
        (DistrictRate(d, district_names.get(d, d) if d else "ohne Kreisverband", n, a) for d, (n, a) in per.items()),
        key=lambda x: (x.district_id is None, x.district_name),
    )
    return Progress(
        campaign,
        campaign.status(today),
        len(recipients),
        sum(r.invited_at is not None for r in recipients),
        len(submitted),
        sum(r.answer_status == AnswerStatus.DRAFT for r in recipients),
        sum(r.review_status == ReviewStatus.OPEN for r in submitted),
        tuple(rates),
    )


@dataclass(frozen=True)
class CampaignProgressed:
    """A campaign was created, started, answered or ended (CampaignProgressedV1)."""

    progress: Progress


# --- what an answer would change in the register --------------------------------------------------------------


@dataclass(frozen=True)
class ProposedChange:
    change_id: str
    label: str
    after: str
    before: str = ""


def _hours(texts: tuple[str, ...]) -> tuple[tuple[Hours, ...], list[str]]:
    understood, not_understood = [], []
    for text in texts:
        if not text.strip():
            continue
        try:
            understood.append(parse_hours(text))
        except InvalidInput:
            not_understood.append(text)
    return tuple(understood), not_understood


def _describe_hours(hours: tuple[Hours, ...]) -> str:
    return "; ".join(h.describe() for h in hours) or "keine"


def _areas(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(area_key(a) for a in texts if a.strip()))


def _describe_areas(keys: tuple[str, ...]) -> str:
    return ", ".join(area_label(k) for k in keys) or "keine"


def proposed_changes(campaign: Campaign, recipient: Recipient, office: Office | None) -> list[ProposedChange]:
    """The register changes a submitted answer proposes (empty: nothing to do)."""
    answer = recipient.answer
    if campaign.kind != CampaignKind.OFFICES or answer is None or recipient.answer_status != AnswerStatus.SUBMITTED:
        return []
    hours, unread = _hours(answer.hours)
    areas = _areas(answer.areas)
    if office is None:
        if recipient.office_id is not None or answer.counselling not in ("ja", "geplant"):
            return []
        parts = [recipient.office_name or recipient.name, recipient.place]
        parts += [f"Sprechzeiten: {_describe_hours(hours)}"] if hours else []
        parts += [f"Beratungsbereiche: {_describe_areas(areas)}"] if areas else []
        parts += [f"Telefon: {answer.contact_phone}"] if answer.contact_phone else []
        parts += [f"E-Mail: {answer.contact_email}"] if answer.contact_email else []
        parts += [f"Berater:innen: {', '.join(answer.counsellors)}"] if answer.counsellors else []
        return [ProposedChange("new_office", "Neue Beratungsstelle (geplant)", ", ".join(p for p in parts if p))]
    changes = []
    details = office.details
    if hours and hours != details.hours:
        after = _describe_hours(hours) + (f" (nicht verstanden: {'; '.join(unread)})" if unread else "")
        changes.append(ProposedChange("hours", "Sprechzeiten", after, _describe_hours(details.hours)))
    if areas and areas != details.areas:
        changes.append(
            ProposedChange("areas", "Beratungsbereiche", _describe_areas(areas), _describe_areas(details.areas))
        )
    if (phone := _phone(answer.contact_phone)) and phone != details.phone:
        changes.append(ProposedChange("phone", "Telefon", phone, details.phone))
    if answer.contact_email.strip() and answer.contact_email.strip().casefold() != details.email.casefold():
        changes.append(ProposedChange("email", "E-Mail", answer.contact_email.strip(), details.email))
    known = {c.name.casefold() for c in office.counsellors}
    for name in dict.fromkeys(n.strip() for n in answer.counsellors if n.strip()):
        if name.casefold() not in known:
            changes.append(ProposedChange(f"counsellor:{name}", "Neue Berater:in", name))
    return changes


def _phone(text: str) -> str:
    try:
        return validation.phone(text)
    except InvalidInput:
        return text.strip()


def answer_hours(answer: Answer) -> tuple[Hours, ...]:
    return _hours(answer.hours)[0]


def answer_areas(answer: Answer) -> tuple[str, ...]:
    return _areas(answer.areas)


def interested(recipient: Recipient) -> bool:
    a = recipient.answer
    return (
        recipient.answer_status == AnswerStatus.SUBMITTED
        and a is not None
        and a.interest in ("ja", "vielleicht")
        and a.contact_ok
        and bool(recipient.email)
    )


# --- the state office's decision ------------------------------------------------------------------------------------


def apply_changes(
    campaign: Campaign,
    recipient: Recipient,
    office: Office | None,
    selected: list[str] | None,
    new_id: Callable[[], str],
    today: date | None,
) -> Office | None:
    """Apply the proposed changes (all, or the `selected` ones) as ordinary register changes: a new planned office
    is registered, an existing one updated and given its new counsellors; each records its usual events."""
    proposed = proposed_changes(campaign, recipient, office)
    known = {p.change_id for p in proposed}
    wanted = known if selected is None else set(selected)
    if unknown := sorted(wanted - known):
        raise InvalidInput(f"Diese Änderungen schlägt die Antwort nicht vor: {', '.join(unknown)}.")
    answer = recipient.answer
    if not wanted or answer is None:
        return office
    phone = validation.phone(answer.contact_phone) if wanted & {"new_office", "phone"} else ""
    if "new_office" in wanted:
        details = OfficeDetails(
            name=recipient.office_name or recipient.name,
            operator_kind=OperatorKind.PARTY_OFFICE,
            operator_name=recipient.office_name or recipient.name,
            street="",
            postcode="",
            city=recipient.place,
            phone=phone,
            email=answer.contact_email.strip(),
            hours=answer_hours(answer),
            areas=answer_areas(answer),
            district_id=recipient.district_id,
        )
        counsellors = tuple(Counsellor(new_id(), n.strip()) for n in dict.fromkeys(answer.counsellors) if n.strip())
        return Office.register(new_id(), details, OfficeStatus.PLANNED, counsellors, None, today)
    if office is None:
        return None
    details = office.details
    if "hours" in wanted:
        details = replace(details, hours=answer_hours(answer))
    if "areas" in wanted:
        details = replace(details, areas=answer_areas(answer))
    if "phone" in wanted:
        details = replace(details, phone=phone)
    if "email" in wanted:
        details = replace(details, email=answer.contact_email.strip())
    office.update(details)
    for change_id in (p.change_id for p in proposed if p.change_id in wanted):
        if change_id.startswith("counsellor:"):
            office.add_counsellor(Counsellor(new_id(), change_id.removeprefix("counsellor:")))
    return office
