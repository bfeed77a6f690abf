"""Retention on real databases (SQLite and PostgreSQL) and a real nats-server: each rule deletes what is past its
limit and keeps what is not, counted with the injected clock; the dead-letter streams get their max age; a started
service runs the job."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from nats.js.api import StorageType, StreamConfig
from sqlalchemy import func, insert, select

from services.gateway.adapters import retention as gateway_retention
from services.gateway.adapters.sessions import SessionStore, sign_in_tokens, web_sessions
from services.gateway.bootstrap import bootstrap as gateway_bootstrap
from services.gateway.config import GatewaySettings
from services.notifications.adapters import orm as notifications_orm
from services.notifications.adapters import retention as notifications_retention
from services.registry.adapters import orm as registry_orm
from services.registry.adapters import retention as registry_retention
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.bootstrap import bootstrap
from services.registry.config import RegistrySettings
from services.registry.domain.campaigns import Answer, AnswerStatus, Campaign, CampaignKind, Recipient, berlin_day
from shared.contracts import Envelope
from shared.contracts.registry import GroupFormedV1
from shared.db import Database, make_database, upgrade
from shared.db.unit_of_work import SqlAlchemyUnitOfWork
from shared.messaging.outbox import OutboxRelay
from shared.messaging.streams import deadletter_stream_name, declare_owned_streams
from shared.retention import enforce, outbox_rule, prune_published_outbox
from tests.integration.messaging_app import create_schema, tables
from tests.support import eventually, retry_policy, test_start_text

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


async def rows(database: Database, table, *where) -> int:
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(table).where(*where)) or 0


async def put(database: Database, table, *values: dict) -> None:
    async with database.sessions.begin() as session:
        await session.execute(insert(table), list(values))


# --- the shared tables: outbox and inbox ------------------------------------------------------------------------


def outbox_row(n: int, published_at: datetime | None, created_at: datetime) -> dict:
    return {
        "event_id": f"00000000-0000-0000-0000-{n:012d}",
        "subject": "registry.group.formed.v1",
        "body": b"{}",
        "headers": {},
        "created_at": created_at,
        "published_at": published_at,
        "attempts": 0,
    }


async def test_published_outbox_rows_go_after_their_days_unpublished_ones_never(database, clock) -> None:
    await create_schema(database)
    now = clock.now()
    limit = now - 7 * DAY
    await put(
        database,
        tables.outbox,
        outbox_row(1, limit - SECOND, limit - DAY),  # published just past the limit: goes
        outbox_row(2, limit, limit - DAY),  # published exactly 7 days ago: stays
        outbox_row(3, now - DAY, now - DAY),
        outbox_row(4, None, now - 400 * DAY),  # not yet out, however old: stays
    )
    await put(database, tables.inbox, {"event_id": "e-alt", "subject": "x.y.z.v1", "processed_at": now - 900 * DAY})

    counts = await enforce("registry", [outbox_rule(database, tables.outbox, 7)], now)

    assert counts == {"outbox_veroeffentlicht": 1}
    async with database.sessions() as session:
        left = set((await session.execute(select(tables.outbox.c.event_id))).scalars())
    assert {int(e.rsplit("-", 1)[1]) for e in left} == {2, 3, 4}
    assert await rows(database, tables.inbox) == 1  # processed ids are kept: see shared/retention.py
    assert await prune_published_outbox(database, tables.outbox, limit) == 0  # twice is harmless


async def test_the_relay_marks_a_row_published_by_the_services_clock(database, clock) -> None:
    await create_schema(database)
    clock.set(datetime.fromisoformat("2027-03-01T12:00:00+00:00"))

    async def publish(*_args: object) -> None:
        return None

    async with SqlAlchemyUnitOfWork(database, tables) as uow:
        await uow.publish(Envelope.wrap(GroupFormedV1(group_id="g", name="Gruppe", state="SN")))
        await uow.commit()
    await OutboxRelay(database, tables.outbox, publish, retry=retry_policy(), now=clock.now).publish_pending()

    async with database.sessions() as session:
        published_at = await session.scalar(select(tables.outbox.c.published_at))
    assert abs(published_at - datetime.fromisoformat("2027-03-01T12:00:00+00:00")) < timedelta(minutes=1)


# --- notifications ------------------------------------------------------------------------------------------------

CONFIRM_VALID = timedelta(hours=48)


def delivery(n: int, status: str, *, created_at: datetime, sent_at=None, last_attempt_at=None) -> dict:
    return {
        "event_id": f"post-{n}",
        "recipient": f"person{n}@example.org",
        "list_id": "landesvorstand",
        "kind": "beitrag",
        "subject": "Einladung",
        "status": status,
        "attempts": 1,
        "next_attempt_at": created_at,
        "message": b"From: ...\r\n\r\nHallo mit Link",
        "summary": "Einladung",
        "created_at": created_at,
        "sent_at": sent_at,
        "last_attempt_at": last_attempt_at,
    }


def request(rid: str, state: str, created_at: datetime) -> dict:
    return {
        "id": rid,
        "list_id": "landesvorstand",
        "kind": "anmeldung",
        "address": f"{rid}@example.org",
        "display_name": "",
        "new_address": "",
        "state": state,
        "created_at": created_at,
        "ip": "192.0.2.1",
        "decided_by": "",
        "decided_at": None,
    }


def consent(rid: str, requested_at: datetime, confirmed_at: datetime | None) -> dict:
    return {
        "list_id": "landesvorstand",
        "address": f"{rid}@example.org",
        "request_id": rid,
        "requested_at": requested_at,
        "confirmed_at": confirmed_at,
        "ip": "192.0.2.1",
        "text_version": "2026-01",
    }


@pytest.fixture
async def notifications(database):
    await upgrade(database, "notifications")
    return database


def notifications_rules(database: Database) -> list:
    return notifications_retention.rules(
        database, mail_body_days=30, expired_days=7, audit_days=730, confirm_valid=CONFIRM_VALID
    )


async def test_mail_bodies_are_dropped_after_their_days_the_delivery_stays(notifications, clock) -> None:
    database, now = notifications, clock.now()
    limit = now - 30 * DAY
    long_ago = now - 60 * DAY
    await put(
        database,
        notifications_orm.deliveries,
        delivery(1, "sent", created_at=long_ago, sent_at=limit - SECOND),  # body goes
        delivery(2, "sent", created_at=long_ago, sent_at=limit),  # exactly 30 days: stays
        delivery(3, "failed", created_at=long_ago, last_attempt_at=limit - SECOND),  # given up long ago: goes
        delivery(4, "digested", created_at=limit - SECOND),  # taken into a digest long ago: goes
        delivery(5, "pending", created_at=long_ago),  # still to be sent: stays
        delivery(6, "digest", created_at=long_ago),  # waiting for its digest: stays
    )

    counts = await enforce("notifications", notifications_rules(database), now)

    assert counts["mailtexte"] == 3
    d = notifications_orm.deliveries
    async with database.sessions() as session:
        found = {r.event_id: r for r in await session.execute(select(d))}
    assert {e for e, r in found.items() if r.message is None} == {"post-1", "post-3", "post-4"}
    assert len(found) == 6 and found["post-1"].subject == "Einladung" and found["post-1"].status == "sent"
    assert (await enforce("notifications", notifications_rules(database), now))["mailtexte"] == 0


async def test_spent_links_and_unconfirmed_requests_go_days_after_their_link_expired(notifications, clock) -> None:
    database, now = notifications, clock.now()
    limit = now - CONFIRM_VALID - 7 * DAY  # a link issued (or spent) before this expired more than 7 days ago
    await put(
        database,
        notifications_orm.used_tokens,
        {"token_id": "alt", "used_at": limit - SECOND},
        {"token_id": "grenze", "used_at": limit},
    )
    await put(
        database,
        notifications_orm.requests,
        request("unbestaetigt-alt", "bestaetigung_offen", limit - SECOND),
        request("unbestaetigt-grenze", "bestaetigung_offen", limit),
        request("moderation", "moderation_offen", limit - 100 * DAY),  # the moderation decides, not the clock
        request("angenommen", "angenommen", limit - 100 * DAY),
    )
    await put(
        database,
        notifications_orm.consents,
        consent("unbestaetigt-alt", limit - SECOND, None),
        consent("unbestaetigt-grenze", limit, None),
        consent("angenommen", limit - 100 * DAY, limit - 100 * DAY),  # the proof of a consent stays
    )

    counts = await enforce("notifications", notifications_rules(database), now)

    assert (counts["eingeloeste_links"], counts["unbestaetigte_anfragen"]) == (1, 1)
    async with database.sessions() as session:
        tokens = set((await session.execute(select(notifications_orm.used_tokens.c.token_id))).scalars())
        requests = set((await session.execute(select(notifications_orm.requests.c.id))).scalars())
        consents = set((await session.execute(select(notifications_orm.consents.c.request_id))).scalars())
    assert tokens == {"grenze"}
    assert requests == {"unbestaetigt-grenze", "moderation", "angenommen"}
    assert consents == {"unbestaetigt-grenze", "angenommen"}


async def test_audit_entries_are_kept_two_years(notifications, clock) -> None:
    database, now = notifications, clock.now()
    limit = now - 730 * DAY
    entry = {
        "list_id": "landesvorstand",
        "actor": "mod@example.org",
        "action": "eingetragen",
        "subject": "a@example.org",
    }
    await put(
        database,
        notifications_orm.audit,
        {**entry, "at": limit - SECOND, "detail": "alt"},
        {**entry, "at": limit, "detail": "grenze"},
        {**entry, "at": now, "detail": "heute"},
    )

    assert (await enforce("notifications", notifications_rules(database), now))["protokoll"] == 1
    async with database.sessions() as session:
        left = set((await session.execute(select(notifications_orm.audit.c.detail))).scalars())
    assert left == {"grenze", "heute"}


async def test_bounces_go_after_their_days_archived_posts_after_theirs(notifications, clock) -> None:
    database, now = notifications, clock.now()
    bounce = {"list_id": "landesvorstand", "address": "a@example.org", "severity": "hart", "source": "dsn"}
    bounce |= {"diagnostic": "", "reference": "", "cleared": False}
    await put(
        database,
        notifications_orm.bounces,
        {**bounce, "at": now - 180 * DAY - SECOND, "status": "alt"},
        {**bounce, "at": now - 180 * DAY, "status": "grenze"},
    )
    post = {"list_id": "landesvorstand", "message_id": "<p@x>", "thread_id": None, "parent_id": None, "subject": "S"}
    post |= {"sender": "a@example.org", "sender_name": "A", "search": "s", "attachments": "[]", "message": b"x"}
    await put(
        database,
        notifications_orm.archive,
        {**post, "event_id": "alt", "sent_at": now - 1095 * DAY - SECOND, "body": "alt"},
        {**post, "event_id": "grenze", "sent_at": now - 1095 * DAY, "body": "grenze"},
    )
    counts = await enforce("notifications", notifications_rules(database), now)
    assert (counts["unzustellbar"], counts["archiv"]) == (1, 1)
    async with database.sessions() as session:
        assert set((await session.execute(select(notifications_orm.bounces.c.status))).scalars()) == {"grenze"}
        assert set((await session.execute(select(notifications_orm.archive.c.body))).scalars()) == {"grenze"}


# --- gateway ----------------------------------------------------------------------------------------------------


async def test_sign_in_links_and_sessions_go_days_after_they_expired(database, clock) -> None:
    await upgrade(database, "gateway")
    idle, valid = timedelta(hours=8), timedelta(minutes=15)
    store = SessionStore(database, idle=idle, sign_in_valid=valid)
    now = clock.now()
    grace = 7 * DAY
    await store.issue_sign_in("alt@example.org", "/", now - valid - grace - SECOND)
    await store.issue_sign_in("grenze@example.org", "/", now - valid - grace)
    for name, started in (("beendet-alt", now - 30 * DAY), ("beendet-grenze", now - 30 * DAY)):
        await store.start(f"{name}@example.org", started)
    await store.end_all("beendet-alt@example.org", now - grace - SECOND)
    await store.end_all("beendet-grenze@example.org", now - grace)
    await store.start("liegengeblieben-alt@example.org", now - grace - idle - SECOND)  # idle, never noticed
    await store.start("liegengeblieben-grenze@example.org", now - grace - idle)
    await store.start("aktiv@example.org", now - 40 * DAY)
    async with database.sessions.begin() as session:  # a live session: its last request was just now
        await session.execute(
            web_sessions.update().where(web_sessions.c.address == "aktiv@example.org").values(last_seen=now)
        )

    rules = gateway_retention.rules(database, expired_days=7, sign_in_valid=valid, idle=idle)
    counts = await enforce("gateway", rules, now)

    assert counts == {"anmeldelinks": 1, "sitzungen": 2}
    async with database.sessions() as session:
        signing_in = set((await session.execute(select(sign_in_tokens.c.address))).scalars())
        sessions = set((await session.execute(select(web_sessions.c.address))).scalars())
    assert signing_in == {"grenze@example.org"}
    assert sessions == {"beendet-grenze@example.org", "liegengeblieben-grenze@example.org", "aktiv@example.org"}


# --- registry ---------------------------------------------------------------------------------------------------


@pytest.fixture
async def registry(database):
    await upgrade(database, "registry")
    return lambda: RegistryUnitOfWork(database, registry_orm.messaging)


async def test_survey_answers_go_days_after_the_campaign_ended_the_counts_stay(registry, database, clock) -> None:
    today = clock.today()
    answered_at = clock.now() - 200 * DAY
    ended_long_ago = Campaign("alt", "Umfrage alt", CampaignKind.OFFICES, today - 150 * DAY, today - 91 * DAY)
    ended_at_limit = Campaign("grenze", "Umfrage Grenze", CampaignKind.OFFICES, today - 150 * DAY, today - 90 * DAY)
    async with registry() as uow:
        for campaign in (ended_long_ago, ended_at_limit):
            await uow.campaigns.add(campaign)
            for n, answers in ((1, True), (2, False)):
                recipient = Recipient(f"{campaign.id}-{n}", campaign.id, f"Büro {n}", f"b{n}@example.org")
                recipient.district_id = "d-erz"
                if answers:
                    recipient.save(Answer(counselling="ja", contact_phone="03771 123"), True, answered_at)
                await uow.recipients.add(recipient)
        await uow.commit()

    rules = registry_retention.rules(database, registry, survey_answer_days=90, audit_days=730)
    counts = await enforce("registry", rules, clock.now())

    assert counts["umfrageantworten"] == 2  # both recipients of the old campaign: answer, name and address
    async with registry() as uow:
        old = await uow.recipients.of_campaign("alt")
        kept = await uow.recipients.of_campaign("grenze")
        assert (await uow.campaigns.get("alt")).answers_dropped
        assert not (await uow.campaigns.get("grenze")).answers_dropped
    assert all(r.answer is None and r.name == "" and r.email == "" for r in old)
    assert [r.answer_status for r in old] == [AnswerStatus.SUBMITTED, AnswerStatus.OPEN]  # who answered: counted
    assert [r.district_id for r in old] == ["d-erz", "d-erz"]
    assert [r.email for r in kept] == ["b1@example.org", "b2@example.org"] and kept[0].answer is not None
    assert (await enforce("registry", rules, clock.now()))["umfrageantworten"] == 0
    assert berlin_day(clock.now()) == today


async def test_the_offices_history_is_kept_two_years(registry, database, clock) -> None:
    now = clock.now()
    limit = now - 730 * DAY
    line = {"office_id": "o-1", "actor": "landesbuero@beratungsnetz.example", "data": {"what": "geändert"}}
    await put(
        database,
        registry_orm.office_history,
        {**line, "at": limit - SECOND},
        {**line, "at": limit},
    )
    rules = registry_retention.rules(database, registry, survey_answer_days=90, audit_days=730)
    assert (await enforce("registry", rules, now))["aenderungsverlauf"] == 1
    assert await rows(database, registry_orm.office_history) == 1


# --- NATS: the dead-letter streams' max age ---------------------------------------------------------------------


async def test_the_dead_letter_stream_gets_its_max_age_and_an_existing_one_is_updated(broker) -> None:
    await broker.connect()
    js = broker.connection.jetstream()
    # as declared before retention: no max age
    await js.add_stream(
        StreamConfig(name="DEADLETTER_EVENTS", subjects=["deadletter.events.>"], storage=StorageType.FILE)
    )

    await declare_owned_streams(js, "events", retry=retry_policy())
    await declare_owned_streams(js, "registry", retry=retry_policy(), deadletter_max_age=14 * 24 * 3600)

    assert (await js.stream_info("DEADLETTER_EVENTS")).config.max_age == 30 * 24 * 3600
    assert (await js.stream_info("DEADLETTER_REGISTRY")).config.max_age == 14 * 24 * 3600
    assert (await js.stream_info("EVENTS")).config.max_age in (None, 0)  # events stay: consumers read from the start


# --- the job in a started service -------------------------------------------------------------------------------


async def test_a_started_service_runs_its_retention_job(nats_server, broker, tmp_path: Path, clock) -> None:
    settings = RegistrySettings(
        nats_url=nats_server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}",
        environment="test",
        clock_start=test_start_text(),
        secret_key="ein-schluessel-nur-fuer-diesen-test",
        retention_check_seconds=0.2,
        retention_deadletter_days=10,
        scheduler_seconds=60,
    )
    service = bootstrap(settings)
    await upgrade(service.database, "registry")
    now = clock.now()
    await put(
        service.database,
        registry_orm.messaging.outbox,
        outbox_row(1, now - 8 * DAY, now - 8 * DAY),
        outbox_row(2, now - 6 * DAY, now - 6 * DAY),
    )
    line = {"office_id": "o-1", "actor": "landesbuero@beratungsnetz.example", "data": {"what": "geändert"}}
    await put(service.database, registry_orm.office_history, {**line, "at": now - 800 * DAY}, {**line, "at": now})
    await service.start()
    try:
        t = registry_orm.messaging.outbox

        async def pruned() -> bool:
            old = await rows(service.database, t, t.c.event_id == outbox_row(1, None, now)["event_id"])
            return old == 0 and await rows(service.database, registry_orm.office_history) == 1

        await eventually(pruned)
        assert await rows(service.database, t, t.c.event_id == outbox_row(2, None, now)["event_id"]) == 1

        await broker.connect()
        info = await broker.connection.jetstream().stream_info(deadletter_stream_name("registry"))
        assert info.config.max_age == 10 * 24 * 3600
    finally:
        await service.stop()


async def test_the_gateway_runs_its_retention_job_while_it_serves(nats_server, tmp_path: Path, clock) -> None:
    settings = GatewaySettings(
        nats_url=nats_server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'gateway.sqlite3'}",
        environment="test",
        clock_start=test_start_text(),
        retention_check_seconds=0.2,
    )
    app = gateway_bootstrap(settings)
    database = make_database(settings.database_url)
    try:
        await upgrade(database, "gateway")
        store = SessionStore(database)
        # in this order: issuing a link also deletes links issued a day before it
        await store.issue_sign_in("neu@example.org", "/", clock.now() - timedelta(minutes=5))
        await store.issue_sign_in("alt@example.org", "/", clock.now() - 8 * DAY)
        assert await rows(database, sign_in_tokens) == 2
        async with app.router.lifespan_context(app):

            async def pruned() -> bool:
                return await rows(database, sign_in_tokens) == 1

            await eventually(pruned)
        assert await rows(database, sign_in_tokens, sign_in_tokens.c.address == "neu@example.org") == 1
    finally:
        await database.dispose()


async def test_held_post_texts_and_kept_incoming_mail_go_after_the_mail_body_limit(notifications, clock) -> None:
    """Issue 20: a decided held post keeps who, when and the decision, not the text; kept incoming mail goes."""
    database, now = notifications, clock.now()
    limit = now - 30 * DAY

    def held(key: str, state: str, decided_at) -> dict:
        return {
            "id": key, "list_id": "l", "sender": "a@example.org", "sender_name": "", "subject": "Hallo",
            "reasons": ["x"], "received_at": limit - DAY, "message": b"Text", "state": state, "reminded_at": None,
            "decided_by": "m@example.org", "decided_at": decided_at, "reason": "", "excerpt": "Text", "member": False,
        }  # fmt: skip

    await put(
        database,
        notifications_orm.held_posts,
        held("alt", "abgelehnt", limit - SECOND),  # decided long ago: text goes
        held("frisch", "angenommen", limit),  # exactly 30 days: stays
        held("offen", "wartet", None),  # still waiting: stays, however old
    )
    kept = {"list_id": "l", "recipient": "l@x", "sender": "a@example.org", "reason": "Auto-Submitted", "message": b"x"}
    await put(
        database,
        notifications_orm.kept_mail,
        kept | {"id": "k-alt", "received_at": limit - SECOND},
        kept | {"id": "k-neu", "received_at": limit},
    )
    counts = await enforce("notifications", notifications_rules(database), now)
    assert (counts["beitragstexte"], counts["eingang"]) == (1, 1)
    async with database.sessions() as session:
        posts = {r.id: r for r in await session.execute(select(notifications_orm.held_posts))}
        left = [r.id for r in await session.execute(select(notifications_orm.kept_mail))]
    assert posts["alt"].message is None and posts["alt"].excerpt == "" and posts["alt"].state == "abgelehnt"
    assert posts["frisch"].message == b"Text" and posts["offen"].message == b"Text"
    assert left == ["k-neu"]
