"""NATS request handlers of survey campaigns, and their periodic job (invitations, reminders, the end count)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from services.registry.adapters import campaign_mapping as m
from services.registry.adapters import mapping
from services.registry.entrypoints.translate import command
from services.registry.service_layer import campaigns
from services.registry.service_layer.campaigns import Surveys
from shared.clock import Clock
from shared.contracts import registry as c
from shared.logging import get_logger
from shared.messaging.rpc import respond

log = get_logger(__name__)


def register(broker: Any, uow: Callable[[], Any], clock: Clock, surveys: Surveys) -> None:
    today = clock.today

    async def create_campaign(r: c.CreateCampaign) -> c.CampaignSnapshot:
        return m.campaign_snapshot(await campaigns.create_campaign(command(c.CREATE_CAMPAIGN, r), uow(), surveys))

    async def save_answer(r: c.SaveAnswer) -> c.SurveyFormV1:
        form = await campaigns.save_answer(command(c.SAVE_ANSWER, r), uow(), surveys)
        return m.survey_form(form.campaign, form.recipient, form.office, form.open)

    async def decide_answer(r: c.DecideAnswer) -> c.Decided:
        decision = await campaigns.decide_answer(command(c.DECIDE_ANSWER, r), uow(), surveys)
        return c.Decided(
            review=m.review_contract(decision.review.recipient, decision.review.changes),
            office=mapping.office_snapshot(decision.office) if decision.office else None,
            message=decision.message,
        )

    async def campaign_list(q: c.ListQuery) -> c.Campaigns:
        found = await campaigns.campaigns(uow(), today(), q.state)
        return c.Campaigns(campaigns=[m.campaign_snapshot(p) for p in found])

    async def campaign(q: c.CampaignRef) -> c.CampaignRecipients:
        progress, recipients = await campaigns.campaign(uow(), q.campaign_id, today())
        return c.CampaignRecipients(
            campaign=m.campaign_snapshot(progress), recipients=[m.recipient_contract(x) for x in recipients]
        )

    async def survey_form(q: c.SurveyToken) -> c.SurveyFormV1:
        form = await campaigns.survey_form(q.token, uow(), surveys)
        return m.survey_form(form.campaign, form.recipient, form.office, form.open)

    async def answer_reviews(q: c.CampaignRef) -> c.AnswerReviews:
        progress, reviews = await campaigns.answer_reviews(uow(), q.campaign_id, today())
        return c.AnswerReviews(
            campaign=m.campaign_snapshot(progress),
            answers=[m.review_contract(x.recipient, x.changes) for x in reviews],
        )

    async def interested(q: c.InterestedQuery) -> c.Interested:
        people = [
            c.InterestedPersonV1(
                name=r.name,
                email=r.email,
                region=r.answer.region,
                availability=r.answer.availability,
                areas=list(r.answer.areas),
                interest=r.answer.interest,
                campaign_id=x.id,
                campaign_title=x.title,
                answered_at=r.submitted_at,
            )
            for x, r in await campaigns.interested_people(uow(), q.campaign_id)
        ]
        return c.Interested(people=people)

    for spec, handler in (
        (c.CREATE_CAMPAIGN, create_campaign),
        (c.SAVE_ANSWER, save_answer),
        (c.DECIDE_ANSWER, decide_answer),
        (c.CAMPAIGNS, campaign_list),
        (c.CAMPAIGN, campaign),
        (c.SURVEY_FORM, survey_form),
        (c.ANSWER_REVIEWS, answer_reviews),
        (c.INTERESTED, interested),
    ):
        respond(broker, spec, handler)


def job(uow: Callable[[], Any], surveys: Surveys, every_seconds: float) -> Callable:
    """The periodic job: invitations on a campaign's first day, reminders, and the count once it has ended."""

    async def run() -> None:
        while True:
            try:
                sent = await campaigns.run_campaigns(uow, surveys)
                if sent:
                    log.info("campaigns.mails", sent=sent)
            except Exception as exc:  # noqa: BLE001 - the next run tries again; every mail is marked with its send
                log.warning("campaigns.failed", error=repr(exc))
            await asyncio.sleep(every_seconds)

    return run
