"""Use cases of survey campaigns: create, invite and remind, answer through the personal link, review.

Each use case owns its transaction. Mails and progress go out as events through the outbox; accepted answers
change the register through its aggregates in the same transaction, with their usual events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.registry.domain import commands
from services.registry.domain import coverage as cov
from services.registry.domain.campaigns import (
    LINK_INVALID,
    Campaign,
    CampaignProgressed,
    LinkInvalid,
    Progress,
    ProposedChange,
    Recipient,
    ReviewStatus,
    SurveyLinks,
    apply_changes,
    berlin_day,
    interested,
    mail_due,
    mark_sent,
    progress,
    proposed_changes,
    select_recipients,
    survey_mail,
    without_blocked,
)
from services.registry.domain.errors import DomainError, InvalidInput, NotFound
from services.registry.domain.offices import Office
from services.registry.service_layer.handlers import new_id
from services.registry.service_layer.unit_of_work import UnitOfWork
from shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Surveys:
    """What the survey use cases need besides the store: the link signer, the clock and the reminder rules."""

    links: SurveyLinks
    now: Callable[[], datetime]
    reminders_max: int = 2
    reminder_days: int = 7


@dataclass(frozen=True)
class Form:
    campaign: Campaign
    recipient: Recipient
    office: Office | None
    open: bool


@dataclass(frozen=True)
class Review:
    recipient: Recipient
    changes: list[ProposedChange]


@dataclass(frozen=True)
class Decision:
    review: Review
    office: Office | None
    message: str


async def _progress(
    uow: UnitOfWork, campaign: Campaign, today: Any, recipients: list[Recipient] | None = None
) -> Progress:
    if recipients is None:
        recipients = await uow.recipients.of_campaign(campaign.id)
    names = {d.id: d.name for d in await uow.districts.list()}
    return progress(campaign, recipients, today, names)


async def _send_due(uow: UnitOfWork, campaign: Campaign, recipients: list[Recipient], s: Surveys, now: datetime) -> int:
    """Emit the invitations and reminders due now; returns how many invitations went out. A blocked address (the
    person objected after the campaign began, or its event came late) gets nothing."""
    invited = 0
    blocked = await uow.blocked.among(r.email for r in recipients)
    for recipient in recipients:
        if recipient.email in blocked:
            continue
        what = mail_due(campaign, recipient, now, s.reminders_max, s.reminder_days)
        if what is None:
            continue
        uow.emit(survey_mail(campaign, recipient, what, s.links.token(campaign.id, recipient.id)))
        mark_sent(recipient, what, now)
        invited += what == "einladung"
    return invited


async def create_campaign(cmd: commands.CreateCampaign, uow: UnitOfWork, s: Surveys) -> Progress:
    now = s.now()
    today = berlin_day(now)
    async with uow:
        offices, districts, groups = await uow.offices.list(), await uow.districts.list(), await uow.groups.list()
        uncovered = [
            f.subject_id
            for f in cov.coverage(districts, offices, today)
            if f.kind == cov.FindingKind.UNCOVERED_DISTRICT
        ]
        found, skipped = select_recipients(
            cmd.kind, cmd.include_register, list(cmd.recipients), offices, districts, groups, uncovered, cmd.state
        )
        found, blocked_note = without_blocked(found, await uow.blocked.among(r.email for r in found))
        skipped += blocked_note
        if not found:
            raise InvalidInput(
                "Die Erhebung hätte keine Empfänger:innen." + (f" ({'; '.join(skipped)})" if skipped else "")
            )
        campaign = Campaign(
            new_id(), cmd.title, cmd.kind, cmd.starts_on, cmd.ends_on, cmd.intro, cmd.state, now, tuple(skipped)
        )
        await uow.campaigns.add(campaign)
        recipients = [
            Recipient(new_id(), campaign.id, r.name, r.email, r.office_id, r.office_name, r.place, r.district_id)
            for r in found
        ]
        for recipient in recipients:
            await uow.recipients.add(recipient)
        await _send_due(uow, campaign, recipients, s, now)
        result = await _progress(uow, campaign, today, recipients)
        uow.emit(CampaignProgressed(result))
        await uow.commit()
    return result


async def run_campaigns(uow: Callable[[], UnitOfWork], s: Surveys) -> int:
    """The periodic job: invitations on the first day, reminders, and the count once a campaign has ended.
    One transaction per campaign; a conflict with an answer being saved is retried on the next run."""
    async with uow() as first:
        ids = [c.id for c in await first.campaigns.list() if not c.end_reported]
    sent = 0
    for campaign_id in ids:
        try:
            sent += await _run_campaign(uow(), campaign_id, s)
        except DomainError as exc:  # ConcurrentChange (shared/db/snapshots.py), told apart by its code
            if exc.code != "gleichzeitig_geaendert":
                raise
            log.info("campaign.retry_later", campaign_id=campaign_id, error=exc.message)
    return sent


async def _run_campaign(uow: UnitOfWork, campaign_id: str, s: Surveys) -> int:
    now = s.now()
    today = berlin_day(now)
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None or campaign.end_reported:
            return 0
        recipients = await uow.recipients.of_campaign(campaign.id)
        before = sum(r.invited_at is not None for r in recipients) + sum(r.reminders for r in recipients)
        invited = await _send_due(uow, campaign, recipients, s, now)
        ended = today > campaign.ends_on
        if ended:
            campaign.end_reported = True
            await uow.campaigns.put(campaign)
        if invited or ended:
            uow.emit(CampaignProgressed(await _progress(uow, campaign, today, recipients)))
        await uow.commit()
        return sum(r.invited_at is not None for r in recipients) + sum(r.reminders for r in recipients) - before


async def _by_token(uow: UnitOfWork, token: str, s: Surveys) -> tuple[Campaign, Recipient]:
    recipient = await uow.recipients.get(SurveyLinks.recipient_id(token))
    if recipient is None or not recipient.email:  # unknown, or erased
        raise LinkInvalid(LINK_INVALID)
    s.links.check(token, recipient.campaign_id, recipient.id)
    campaign = await uow.campaigns.get(recipient.campaign_id)
    if campaign is None:
        raise LinkInvalid(LINK_INVALID)
    return campaign, recipient


async def _office(uow: UnitOfWork, recipient: Recipient) -> Office | None:
    return await uow.offices.get(recipient.office_id) if recipient.office_id else None


async def survey_form(token: str, uow: UnitOfWork, s: Surveys) -> Form:
    today = berlin_day(s.now())
    async with uow:
        campaign, recipient = await _by_token(uow, token, s)
        return Form(campaign, recipient, await _office(uow, recipient), campaign.is_open(today))


async def save_answer(cmd: commands.SaveAnswer, uow: UnitOfWork, s: Surveys) -> Form:
    now = s.now()
    today = berlin_day(now)
    async with uow:
        campaign, recipient = await _by_token(uow, cmd.token, s)
        campaign.ensure_open(today)
        office = await _office(uow, recipient)
        if recipient.save(cmd.answer, cmd.submit, now):
            recipient.mark_review(bool(proposed_changes(campaign, recipient, office)))
        await uow.recipients.put(recipient)
        if cmd.submit:
            uow.emit(CampaignProgressed(await _progress(uow, campaign, today)))
        await uow.commit()
        return Form(campaign, recipient, office, True)


async def _campaign(uow: UnitOfWork, campaign_id: str) -> Campaign:
    if campaign := await uow.campaigns.get(campaign_id):
        return campaign
    raise NotFound(f"Erhebung {campaign_id} nicht gefunden.")


async def campaigns(uow: UnitOfWork, today: Any, state: str | None = None) -> list[Progress]:
    async with uow:
        found = [c for c in await uow.campaigns.list() if state is None or c.state == state]
        found.sort(key=lambda c: c.created_at.isoformat() if c.created_at else "", reverse=True)
        return [await _progress(uow, c, today) for c in found]


async def campaign(uow: UnitOfWork, campaign_id: str, today: Any) -> tuple[Progress, list[Recipient]]:
    async with uow:
        found = await _campaign(uow, campaign_id)
        recipients = await uow.recipients.of_campaign(campaign_id)
        return await _progress(uow, found, today, recipients), recipients


async def answer_reviews(uow: UnitOfWork, campaign_id: str, today: Any) -> tuple[Progress, list[Review]]:
    async with uow:
        found = await _campaign(uow, campaign_id)
        recipients = await uow.recipients.of_campaign(campaign_id)
        reviews = []
        for r in recipients:
            if r.submitted_at is None or r.answer is None or r.answer_status != "abgegeben":
                continue
            changes = proposed_changes(found, r, await _office(uow, r)) if r.review_status == ReviewStatus.OPEN else []
            reviews.append(Review(r, changes))
        reviews.sort(key=lambda x: (x.recipient.review_status != ReviewStatus.OPEN, x.recipient.submitted_at))
        return await _progress(uow, found, today, recipients), reviews


async def decide_answer(cmd: commands.DecideAnswer, uow: UnitOfWork, s: Surveys) -> Decision:
    now = s.now()
    async with uow:
        found = await _campaign(uow, cmd.campaign_id)
        recipient = await uow.recipients.get(cmd.recipient_id)
        if recipient is None or recipient.campaign_id != found.id:
            raise NotFound(f"Empfänger:in {cmd.recipient_id} gehört nicht zur Erhebung „{found.title}“.")
        office = await _office(uow, recipient)
        changes = proposed_changes(found, recipient, office)
        if not cmd.accept:
            recipient.decide(ReviewStatus.REJECTED, cmd.reason, now)
            message = "Antwort abgelehnt; das Register bleibt, wie es ist."
        else:
            recipient.decide(ReviewStatus.ACCEPTED, cmd.reason, now)
            selected = None if cmd.change_ids is None else list(cmd.change_ids)
            office = apply_changes(found, recipient, office, selected, new_id, berlin_day(now))
            if office is not None and recipient.office_id is None:
                await uow.offices.add(office)
                recipient.office_id = office.id  # later answers compare with the new office
            taken = [c for c in changes if selected is None or c.change_id in selected]
            words = [f"{c.label} ({c.after})" if c.change_id.startswith("counsellor:") else c.label for c in taken]
            message = (
                f"Übernommen ins Register: {', '.join(words)}."
                if taken
                else "Angenommen; am Register war nichts zu ändern."
            )
            changes = taken
        await uow.recipients.put(recipient)
        uow.emit(CampaignProgressed(await _progress(uow, found, berlin_day(now))))
        await uow.commit()
        return Decision(Review(recipient, changes), office, message)


async def interested_people(uow: UnitOfWork, campaign_id: str | None = None) -> list[tuple[Campaign, Recipient]]:
    async with uow:
        found = [await _campaign(uow, campaign_id)] if campaign_id else await uow.campaigns.list()
        people = []
        for c in found:
            people += [(c, r) for r in await uow.recipients.of_campaign(c.id) if interested(r)]
        people.sort(key=lambda x: (x[1].submitted_at is None, x[1].submitted_at))
        return people


async def drop_expired_answers(uow: Callable[[], UnitOfWork], today: date, keep_days: int) -> int:
    """Retention: the answers (with names and addresses) of campaigns ended more than `keep_days` days ago go, the
    counts stay. One transaction per campaign; one changed meanwhile is done on the next run. How many recipients."""
    async with uow() as first:
        ids = [c.id for c in await first.campaigns.list() if c.answers_expired(today, keep_days)]
    dropped = 0
    for campaign_id in ids:
        try:
            async with uow() as unit:
                campaign = await unit.campaigns.get(campaign_id)
                if campaign is None or not campaign.answers_expired(today, keep_days):
                    continue
                recipients = await unit.recipients.of_campaign(campaign_id)
                changed = [r for r in recipients if r.drop_answer()]
                for recipient in changed:
                    await unit.recipients.put(recipient)
                campaign.answers_dropped = True
                await unit.campaigns.put(campaign)
                await unit.commit()
                dropped += len(changed)
        except DomainError as exc:  # ConcurrentChange (shared/db/snapshots.py), told apart by its code
            if exc.code != "gleichzeitig_geaendert":
                raise
            log.info("campaign.retry_later", campaign_id=campaign_id, error=exc.message)
    return dropped
