"""Survey campaigns over a real nats-server: the registry started in-process answers the campaign's requests, and
its invitations reach the REGISTRY stream through the outbox."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.registry.bootstrap import bootstrap
from services.registry.config import RegistrySettings
from shared.contracts import registry as c
from shared.messaging.rpc import request
from tests.support import eventually, test_clock, test_start_text

OFFICE = {
    "name": "Bürgerbüro Plauen",
    "operator_kind": "abgeordnetenbuero",
    "operator_name": "MdL Vogtland",
    "street": "Bahnhofstraße 12",
    "postcode": "08523",
    "city": "Plauen",
    "email": "buero-plauen@example.org",
    "hours": ["dienstags 14–17 Uhr"],
    "counsellors": [{"name": "Anna Beispiel"}],
}


@pytest.fixture
async def registry(nats_server, broker, tmp_path: Path):
    settings = RegistrySettings(
        nats_url=nats_server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}",
        environment="test",
        clock_start=test_start_text(),
        secret_key="ein-schluessel-nur-fuer-diesen-test",
        scheduler_seconds=0.2,
    )
    service = bootstrap(settings)
    await service.start()
    await broker.connect()
    try:
        yield service
    finally:
        await service.stop()


async def ask(broker, spec, payload):
    reply = await request(broker, spec, payload, timeout=10, actor="landesbuero@beratungsnetz.example")
    assert reply.ok, reply.error
    return reply.data


async def refused(broker, spec, payload) -> str:
    reply = await request(broker, spec, payload, timeout=10)
    assert not reply.ok
    return reply.error.code


async def stream_payloads(broker, subject: str) -> list[dict]:
    js = broker.connection.jetstream()
    total = (await js.stream_info("REGISTRY")).state.messages
    sub = await js.pull_subscribe(
        "registry.>", stream="REGISTRY", config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    )
    found = []
    while len(found) < total:
        found += await sub.fetch(min(100, total - len(found)), timeout=5)
    await sub.unsubscribe()
    return [json.loads(m.data)["payload"] for m in found if m.subject == subject]


async def test_a_campaign_from_invitation_to_accepted_answer(registry, broker) -> None:
    today = test_clock().today()
    office = await ask(broker, c.REGISTER_OFFICE, c.RegisterOffice(**OFFICE))
    created = await ask(
        broker,
        c.CREATE_CAMPAIGN,
        c.CreateCampaign(
            title="Erhebung Sozialberatung 2026",
            kind="bueros",
            starts_on=today,
            ends_on=today + timedelta(days=30),
            recipients=[{"name": "Büro Aue", "email": "aue@example.org", "office_name": "Büro Aue", "place": "Aue"}],
        ),
    )
    assert (created.recipients, created.invited, created.status) == (2, 2, "laufend")

    invitations: list[dict] = []

    async def invited() -> bool:
        invitations[:] = await stream_payloads(broker, "registry.mail.requested.v1")
        return len(invitations) == 2

    await eventually(invited)
    mine = next(m for m in invitations if m["to"] == "buero-plauen@example.org")
    assert mine["kind"] == "umfrage_einladung" and mine["link_path"].startswith("/umfrage/")
    token = mine["link_path"].removeprefix("/umfrage/")

    form = await ask(broker, c.SURVEY_FORM, c.SurveyToken(token=token))
    assert form.office_name == "Bürgerbüro Plauen" and form.open and form.answer_status == "offen"
    assert form.current.hours == ["dienstags 14:00–17:00 Uhr"] and form.current.counsellors == ["Anna Beispiel"]
    other = next(m for m in invitations if m["to"] == "aue@example.org")["link_path"].removeprefix("/umfrage/")
    forged = other.partition(".")[0] + "." + token.partition(".")[2]
    assert await refused(broker, c.SURVEY_FORM, c.SurveyToken(token=forged)) == "link_ungueltig"

    answer = c.SurveyAnswerV1(
        counselling="ja", hours=["donnerstags 10-12 Uhr"], counsellors=["Anna Beispiel", "Bernd Neu"]
    )
    draft = await ask(broker, c.SAVE_ANSWER, c.SaveAnswer(token=token, answer=answer))
    assert draft.answer_status == "entwurf"
    done = await ask(broker, c.SAVE_ANSWER, c.SaveAnswer(token=token, answer=answer, submit=True))
    assert done.answer_status == "abgegeben" and done.answer.counsellors == ["Anna Beispiel", "Bernd Neu"]

    reviews = await ask(broker, c.ANSWER_REVIEWS, c.CampaignRef(campaign_id=created.campaign_id))
    assert reviews.campaign.answered == 1 and reviews.campaign.to_review == 1
    review = reviews.answers[0]
    assert [x.change_id for x in review.changes] == ["hours", "counsellor:Bernd Neu"]
    decided = await ask(
        broker,
        c.DECIDE_ANSWER,
        c.DecideAnswer(campaign_id=created.campaign_id, recipient_id=review.recipient.recipient_id, accept=True),
    )
    assert decided.review.recipient.review_status == "uebernommen"
    assert [x.name for x in decided.office.counsellors] == ["Anna Beispiel", "Bernd Neu"]
    again = c.DecideAnswer(campaign_id=created.campaign_id, recipient_id=review.recipient.recipient_id, accept=False)
    assert await refused(broker, c.DECIDE_ANSWER, again) == "konflikt"
    stored = await ask(broker, c.OFFICE, c.OfficeRef(office_id=office.office_id))
    assert [h.text for h in stored.hours] == ["donnerstags 10:00–12:00 Uhr"]

    listed = await ask(broker, c.CAMPAIGNS, c.ListQuery())
    assert [(x.campaign_id, x.answered, x.to_review) for x in listed.campaigns] == [(created.campaign_id, 1, 0)]
    recipients = await ask(broker, c.CAMPAIGN, c.CampaignRef(campaign_id=created.campaign_id))
    assert {r.email: r.answer_status for r in recipients.recipients} == {
        "buero-plauen@example.org": "abgegeben",
        "aue@example.org": "offen",
    }

    async def progressed() -> bool:
        found = await stream_payloads(broker, "registry.campaign.progressed.v1")
        return bool(found) and found[-1]["answered"] == 1

    await eventually(progressed)

    # after the end the form is closed; the periodic job announces the end once
    registry.clock.advance(timedelta(days=31))
    assert await refused(broker, c.SAVE_ANSWER, c.SaveAnswer(token=token, answer=answer)) == "erhebung_beendet"

    async def ended() -> bool:
        found = await stream_payloads(broker, "registry.campaign.progressed.v1")
        return bool(found) and found[-1]["status"] == "beendet"

    await eventually(ended)
    reminders = [
        m for m in await stream_payloads(broker, "registry.mail.requested.v1") if m["kind"] != "umfrage_einladung"
    ]
    assert reminders == []  # the clock jumped past the end: no reminder afterwards


async def test_a_campaign_starting_later_is_invited_by_the_periodic_job(registry, broker) -> None:
    today = test_clock().today()
    people = [{"name": "Mia", "email": "mia@example.org"}]
    created = await ask(
        broker,
        c.CREATE_CAMPAIGN,
        c.CreateCampaign(
            title="Mitmachen in der Sozialberatung",
            kind="mitglieder",
            starts_on=today + timedelta(days=1),
            ends_on=today + timedelta(days=20),
            recipients=people,
        ),
    )
    assert (created.status, created.invited) == ("geplant", 0)
    registry.clock.advance(timedelta(days=1))

    async def invited() -> bool:
        return [m["to"] for m in await stream_payloads(broker, "registry.mail.requested.v1")] == ["mia@example.org"]

    await eventually(invited)
    answer = c.SurveyAnswerV1(interest="ja", contact_ok=True, region="Plauen")
    mail = (await stream_payloads(broker, "registry.mail.requested.v1"))[0]
    token = mail["link_path"].removeprefix("/umfrage/")
    await ask(broker, c.SAVE_ANSWER, c.SaveAnswer(token=token, answer=answer, submit=True))
    people_found = await ask(broker, c.INTERESTED, c.InterestedQuery(campaign_id=created.campaign_id))
    assert [(p.email, p.region, p.interest) for p in people_found.people] == [("mia@example.org", "Plauen", "ja")]
