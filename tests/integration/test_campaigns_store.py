"""Survey campaigns on a real database (SQLite and PostgreSQL): stored recipients and answers, the outbox events of
invitations, progress and accepted register changes, the erasure."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.registry.adapters import orm
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.domain import commands
from services.registry.domain.campaigns import Answer, CampaignKind, LinkInvalid, NewRecipient, SurveyLinks
from services.registry.domain.offices import Counsellor
from services.registry.service_layer import campaigns, handlers, views
from services.registry.service_layer.campaigns import Surveys
from shared import privacy
from shared.contracts import Envelope
from shared.contracts.notifications import PersonErasedV1
from shared.db import upgrade
from shared.db.blocked import DEV_KEY
from shared.db.snapshots import ConcurrentChange
from tests.unit.registry.builders import details

LINKS = SurveyLinks(b"ein-schluessel-nur-fuer-tests")


class Now:
    def __init__(self) -> None:
        self.at = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
async def registry(database):
    await upgrade(database, "registry")
    return lambda: RegistryUnitOfWork(database, orm.messaging)


async def outbox(database) -> list[tuple[str, dict]]:
    t = orm.messaging.outbox
    async with database.sessions() as session:
        rows = await session.execute(select(t).order_by(t.c.position))
        return [(row.subject, row) for row in rows]


async def subjects(database) -> list[str]:
    return [s for s, _ in await outbox(database)]


async def test_campaign_answers_and_review_on_the_database(registry, database) -> None:
    now = Now()
    surveys = Surveys(LINKS, now)
    await handlers.add_district(commands.AddDistrict("Vogtlandkreis", "SN", district_id="d-1"), registry())
    office = details(email="mdl@example.org", district_id="d-1")
    await handlers.register_office(
        commands.RegisterOffice(office, "aktiv", (Counsellor("c-1", "Anna Beispiel"),), None, "o-1"), registry()
    )
    extra = (NewRecipient("Büro Aue", "aue@example.org", office_name="Büro Aue", place="Aue"),)
    create = commands.CreateCampaign("Erhebung 2026", CampaignKind.OFFICES, date(2026, 10, 5), date(2026, 11, 30))
    result = await campaigns.create_campaign(
        commands.CreateCampaign(**{**vars(create), "recipients": extra}), registry(), surveys
    )
    assert (result.recipients, result.invited) == (2, 2)
    assert (await subjects(database)).count("registry.mail.requested.v1") == 2
    assert (await subjects(database))[-1] == "registry.campaign.progressed.v1"

    progress, recipients = await campaigns.campaign(registry(), result.campaign.id, date(2026, 10, 5))
    mdl = next(r for r in recipients if r.office_id == "o-1")
    assert (progress.campaign.title, mdl.email, mdl.invited_at) == ("Erhebung 2026", "mdl@example.org", now.at)
    token = LINKS.token(result.campaign.id, mdl.id)
    form = await campaigns.survey_form(token, registry(), surveys)
    assert form.office.id == "o-1" and form.open
    with pytest.raises(LinkInvalid):
        await campaigns.survey_form(token[:-2] + "00", registry(), surveys)

    answer = Answer(counselling="ja", counsellors=("Anna Beispiel", "Bernd Neu"), hours=("donnerstags 10-12 Uhr",))
    await campaigns.save_answer(commands.SaveAnswer(token, answer), registry(), surveys)
    stored = (await campaigns.survey_form(token, registry(), surveys)).recipient
    assert stored.answer == answer and stored.answer_status == "entwurf"
    await campaigns.save_answer(commands.SaveAnswer(token, answer, submit=True), registry(), surveys)
    progress, reviews = await campaigns.answer_reviews(registry(), result.campaign.id, date(2026, 10, 5))
    assert progress.to_review == 1 and [c.change_id for c in reviews[0].changes] == ["hours", "counsellor:Bernd Neu"]

    before = len(await subjects(database))
    decision = await campaigns.decide_answer(
        commands.DecideAnswer(result.campaign.id, mdl.id, True), registry(), surveys
    )
    assert decision.review.recipient.review_status == "uebernommen"
    new = (await subjects(database))[before:]
    assert {"registry.office.updated.v1", "registry.counsellor.added.v1", "registry.campaign.progressed.v1"} <= set(new)
    changed = await views.office(registry(), "o-1")
    assert [c.name for c in changed.counsellors] == ["Anna Beispiel", "Bernd Neu"]
    assert [h.describe() for h in changed.details.hours] == ["donnerstags 10:00–12:00 Uhr"]
    assert (await views.office_history(registry(), "o-1"))[0].what.startswith("Berater:in hinzugefügt")

    # a week later the imported office, which has not answered, is reminded; the office that submitted is not
    now.at += timedelta(days=7)
    assert await campaigns.run_campaigns(registry, surveys) == 1
    rows = await outbox(database)
    mails = [json.loads(r.body)["payload"] for s, r in rows if s == "registry.mail.requested.v1"]
    assert [m["to"] for m in mails if m["kind"] == "umfrage_erinnerung"] == ["aue@example.org"]

    # the erasure blanks the recipient and the answer's personal fields
    envelope = Envelope.wrap(PersonErasedV1(fingerprint=privacy.fingerprint("MDL@example.org", DEV_KEY)))
    found = await handlers.erase_person(envelope, registry())  # found by the fingerprint over the stored addresses
    assert (found.address, found.names) == ("mdl@example.org", ())  # the office's recipient: its name is no person's
    async with registry() as uow:
        erased = await uow.recipients.get(mdl.id)
        assert (erased.email, erased.name, erased.answer.counsellors) == ("", "", ())
        assert await uow.recipients.with_address("mdl@example.org") == []


async def test_two_saves_of_one_answer_at_once_conflict_instead_of_overwriting(registry) -> None:
    surveys = Surveys(LINKS, Now())
    people = (NewRecipient("Mia", "mia@example.org"),)
    create = commands.CreateCampaign(
        "Mitmachen", CampaignKind.MEMBERS, date(2026, 10, 5), date(2026, 11, 30), recipients=people
    )
    result = await campaigns.create_campaign(create, registry(), surveys)
    async with registry() as uow:
        mia = (await uow.recipients.of_campaign(result.campaign.id))[0]
    first, second = registry(), registry()
    async with first, second:
        a, b = await first.recipients.get(mia.id), await second.recipients.get(mia.id)
        a.save(Answer(interest="ja"), True, Now()())
        b.save(Answer(interest="nein"), True, Now()())
        await first.commit()
        with pytest.raises(ConcurrentChange):
            await second.commit()
