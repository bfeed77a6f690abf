"""Issue 18 over a real nats-server: the mailing service, the registry and action planning started in-process (one
secret, as in every deployment), mails received by a real SMTP server. "Löschen und sperren" holds on every path the
other services learn of through `PersonErasedV1`; after a plain "löschen" the person may come back with a new double
opt-in."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest

from services.events.bootstrap import bootstrap as events_bootstrap
from services.events.config import EventsSettings
from services.notifications.bootstrap import bootstrap as notifications_bootstrap
from services.notifications.config import NotificationsSettings
from services.notifications.service_layer.membership import SAME_ANSWER
from services.registry.bootstrap import bootstrap as registry_bootstrap
from services.registry.config import RegistrySettings
from shared import privacy
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import request
from tests.smtp import SmtpServer
from tests.support import eventually, test_clock, test_start_text
from tests.web import form_post, signed_in, web_system

SECRET = "ein-gemeinsamer-schluessel-fuer-diesen-test"
CARLA, DORA = "carla@example.org", "dora@example.org"
ADMIN = "landesbuero@example.org"
KATHRIN = "kathrin@example.org"


@pytest.fixture
async def system(nats_server, broker, tmp_path: Path):
    smtp = SmtpServer().start()
    common = dict(nats_url=nats_server.url, environment="test", clock_start=test_start_text(), secret_key=SECRET)
    services = [
        notifications_bootstrap(
            NotificationsSettings(
                **common,
                database_url=f"sqlite+aiosqlite:///{tmp_path / 'notifications.sqlite3'}",
                smtp_port=smtp.port,
                public_url="http://gateway.test:8000",
                delivery_poll_seconds=0.1,
            )
        ),
        registry_bootstrap(
            RegistrySettings(**common, database_url=f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}")
        ),
        events_bootstrap(EventsSettings(**common, database_url=f"sqlite+aiosqlite:///{tmp_path / 'events.sqlite3'}")),
    ]
    started = []
    try:
        for service in services:
            await service.start()
            started.append(service)
        await broker.connect()
        yield broker, smtp
    finally:
        for service in reversed(started):
            await service.stop()
        smtp.stop()


async def ask(broker, spec, payload):
    reply = await request(broker, spec, payload, timeout=10, actor=ADMIN)
    assert reply.ok, reply.error
    return reply.data


async def refusal(broker, spec, payload) -> str:
    reply = await request(broker, spec, payload, timeout=10, actor=ADMIN)
    assert not reply.ok
    return reply.error.message


async def a_list(broker, policy: str = "bestaetigen") -> str:
    created = await ask(broker, n.CREATE_LIST, n.CreateList(name="Rundbrief", policy=policy, owner_address=ADMIN))
    return created.list_id


async def carla_is_moderator_of_her_groups_list(broker) -> str:
    group = await ask(
        broker,
        r.FORM_GROUP,
        r.FormGroup(name="Leipzig", state="SN", coordinator=r.Coordinator(name="Carla", email=CARLA)),
    )

    async def moderates() -> bool:
        return bool((await ask(broker, n.ROLES_OF, n.RolesOf(address=CARLA))).moderates)

    await eventually(moderates)
    return group.group_id


@pytest.fixture
async def blocked(system):
    """Carla moderated her group's list; then she objected: erased and blocked ("löschen und sperren")."""
    broker, smtp = system
    group_id = await carla_is_moderator_of_her_groups_list(broker)
    list_id = await a_list(broker, "bestaetigen_und_moderiert")
    await eventually(lambda: _has_mail(smtp, CARLA))  # her welcome as the list's moderator
    before = len(smtp.mailbox.to(CARLA))
    erased = await ask(broker, n.ERASE, n.EraseInput(address=CARLA, block=True))
    assert erased.memberships == 1
    change = r.ChangeCoordinator(group_id=group_id, coordinator=r.Coordinator(name="Carla", email="Carla@Example.org"))

    async def registry_knows() -> bool:  # the registry learns of the objection through the event
        reply = await request(broker, r.CHANGE_COORDINATOR, change, timeout=10, actor=ADMIN)
        return not reply.ok and "gesperrt" in reply.error.message

    await eventually(registry_knows)
    yield broker, smtp, list_id, change
    await asyncio.sleep(0.5)  # every mail that was going to be sent has been (the delivery worker polls every 0.1 s)
    assert len(smtp.mailbox.to(CARLA)) == before  # whatever the path tried: nothing reached her since the objection


async def test_a_blocked_address_is_made_coordinator_by_no_change_in_the_registry(blocked) -> None:
    broker, _smtp, _list_id, change = blocked
    assert "Art. 21 DSGVO" in await refusal(broker, r.CHANGE_COORDINATOR, change)
    formed = r.FormGroup(name="Grimma", state="SN", coordinator=r.Coordinator(name="Carla", email=CARLA))
    assert "gesperrt" in await refusal(broker, r.FORM_GROUP, formed)
    assert (await ask(broker, n.ROLES_OF, n.RolesOf(address=CARLA))).moderates == []


async def test_the_public_form_drops_a_blocked_address_with_the_same_answer(blocked) -> None:
    broker, smtp, list_id, _change = blocked
    for address in (CARLA, DORA):
        answer = await ask(broker, n.SUBSCRIBE, n.Subscribe(list_id=list_id, address=address))
        assert answer.message == SAME_ANSWER
    await eventually(lambda: _has_mail(smtp, DORA, "bestaetigen"))
    pending = await ask(broker, n.PENDING, n.ListQuery(list_id=list_id, moderator=ADMIN, admin=True))
    assert [q.address for q in pending.requests] == []  # Dora has yet to confirm; Carla left no request


async def test_a_moderator_cannot_add_a_blocked_address(blocked) -> None:
    broker, _smtp, list_id, _change = blocked
    message = await refusal(
        broker, n.ADD_MEMBER, n.AddMember(list_id=list_id, address=CARLA, moderator=ADMIN, admin=True)
    )
    assert message.startswith("Diese Adresse ist gesperrt") and "Art. 21 DSGVO" in message


async def test_a_survey_leaves_a_blocked_address_out_and_names_nobody(blocked) -> None:
    broker, _smtp, _list_id, _change = blocked
    today = test_clock().today()
    created = await ask(
        broker,
        r.CREATE_CAMPAIGN,
        r.CreateCampaign(
            title="Mitmachen in der Sozialberatung",
            kind="mitglieder",
            starts_on=today,
            ends_on=today + timedelta(days=20),
            include_register=False,
            recipients=[{"name": "Carla", "email": CARLA}, {"name": "Dora", "email": DORA}],
        ),
    )
    held = await ask(broker, r.CAMPAIGN, r.CampaignRef(campaign_id=created.campaign_id))
    assert [x.email for x in held.recipients] == [DORA]
    assert any("gesperrt" in line for line in created.skipped) and not any("Carla" in line for line in created.skipped)


async def test_after_loeschen_the_person_subscribes_again_with_a_new_double_opt_in(system) -> None:
    broker, smtp = system
    group_id = await carla_is_moderator_of_her_groups_list(broker)
    list_id = await a_list(broker)
    await ask(broker, n.ERASE, n.EraseInput(address=CARLA))

    answer = await ask(broker, n.SUBSCRIBE, n.Subscribe(list_id=list_id, address=CARLA))
    assert answer.message == SAME_ANSWER
    await eventually(lambda: _has_mail(smtp, CARLA, "bestaetigen"))
    confirm = [m for m in smtp.mailbox.to(CARLA) if "/bestaetigen?token=" in m.text][-1]
    token = confirm.link("bestaetigen").split("token=")[1]
    await ask(broker, n.CONFIRM, n.TokenInput(token=token))
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=list_id, moderator=ADMIN, admin=True))
    assert CARLA in [m.address for m in members.members]

    # and the registry takes her as coordinator again
    change = r.ChangeCoordinator(group_id=group_id, coordinator=r.Coordinator(name="Carla", email=CARLA))
    group = await ask(broker, r.CHANGE_COORDINATOR, change)
    assert group.coordinator.email == CARLA


async def test_the_erasure_event_names_no_address_and_the_others_still_find_the_person(system) -> None:
    """Issue 18: `PersonErasedV1` carries only the fingerprint; the registry and action planning compute it over the
    addresses they hold (typed in another case here) and erase the person as before."""
    broker, _ = system
    group = await ask(
        broker,
        r.FORM_GROUP,
        r.FormGroup(name="Leipzig", state="SN", coordinator=r.Coordinator(name="Carla", email="Carla@Example.org")),
    )
    office = await ask(
        broker,
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name="Sozialberatung Leipzig",
            operator_kind="kreisverband",
            operator_name="DIE LINKE Leipzig",
            street="Braustraße 3",
            postcode="04107",
            city="Leipzig",
            email="CARLA@example.org",
            counsellors=[
                r.CounsellorInput(name="Carla Beispiel", email="Carla@example.ORG"),
                r.CounsellorInput(name="Dora", email=DORA),
            ],
        ),
    )
    start = test_clock().now() + timedelta(days=10)
    training = await ask(
        broker,
        e.PLAN_TRAINING,
        e.PlanTraining(kind="seminartag", start=start, end=start + timedelta(hours=6), online=True, capacity=5),
    )
    for name, address in (("Carla Beispiel", "Carla@Example.org"), ("Dora", DORA)):
        await ask(
            broker,
            e.REGISTER_PARTICIPANT,
            e.RegisterParticipant(training_id=training.training_id, name=name, email=address),
        )

    async def held() -> dict[str, bool]:
        office_now = await ask(broker, r.OFFICE, r.OfficeRef(office_id=office.office_id))
        groups = (await ask(broker, r.GROUPS, r.ListQuery())).groups
        replica = (await ask(broker, e.GROUPS, e.GroupsQuery())).groups
        dates = await ask(broker, e.TRAINING, e.TrainingRef(training_id=training.training_id))
        return {
            "registry": CARLA in (office_now.model_dump_json() + "".join(g.model_dump_json() for g in groups)).lower(),
            "replica": CARLA in "".join(g.model_dump_json() for g in replica).lower(),
            "training": CARLA in dates.model_dump_json().lower(),
        }

    await eventually(lambda: _all(held, True))
    await ask(broker, n.ERASE, n.EraseInput(address=CARLA))
    await eventually(lambda: _all(held, False))

    js = broker.connection.jetstream()
    message = await js.get_last_msg("NOTIFICATIONS", n.PersonErasedV1.subject)
    assert b"carla" not in message.data.lower() and b"carla" not in str(message.headers or {}).lower().encode()
    payload = json.loads(message.data)["payload"]
    assert payload["address"] == "" and payload["fingerprint"] == privacy.fingerprint(
        CARLA, privacy.fingerprint_key(SECRET)
    )

    office_now = await ask(broker, r.OFFICE, r.OfficeRef(office_id=office.office_id))
    assert [c.name for c in office_now.counsellors] == ["Dora"] and office_now.email == ""
    assert [g for g in (await ask(broker, r.GROUPS, r.ListQuery())).groups if g.group_id == group.group_id][
        0
    ].coordinator is None
    dates = await ask(broker, e.TRAINING, e.TrainingRef(training_id=training.training_id))
    assert sorted(p.name for p in dates.participants) == ["", "Dora"]


async def _all(held, value: bool) -> bool:
    return all(v == value for v in (await held()).values())


async def _has_mail(smtp: SmtpServer, to: str, link: str = "") -> bool:
    """A mail to `to` (with a link to `/link?token=…`, if given)."""
    return any(not link or f"/{link}?token=" in m.text for m in smtp.mailbox.to(to))


async def test_the_member_import_refuses_a_blocked_row_and_reports_it(nats_server, broker, tmp_path) -> None:
    """The moderation's "Mitglieder hinzufügen" (a pasted list, one address a line): the blocked line is refused with
    the service's German reason and kept in the box; the others are added."""
    async with web_system(nats_server, broker, tmp_path) as system:
        await system.ask(n.CREATE_LIST, n.CreateList(name="Rundbrief", policy="moderiert", owner_address=KATHRIN))
        await system.ask(
            n.SET_ROLE, n.SetRole(list_id="rundbrief", moderator="t", admin=True, address=KATHRIN, role="moderation")
        )
        await system.ask(n.ADD_MEMBER, n.AddMember(list_id="rundbrief", moderator="t", admin=True, address=CARLA))
        await system.ask(n.ERASE, n.EraseInput(address=CARLA, block=True))
        kathrin = await signed_in(system, KATHRIN)
        added = await form_post(
            kathrin, "/moderation/rundbrief/mitglieder/hinzufuegen", {"adressen": f"{DORA}\nCarla <{CARLA}>\n"}
        )
        assert added.status_code == 422
        text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", added.text)))
        assert f"Zeile 1: {DORA} hinzugefügt" in text
        assert f"Zeile 2: Carla <{CARLA}> nicht hinzugefügt Diese Adresse ist gesperrt" in text
        assert "Art. 21 DSGVO" in text
        kept = unescape(added.text.split('id="adressen"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0])
        assert kept == f"Carla <{CARLA}>"
        members = await system.ask(n.MEMBERS, n.MembersQuery(list_id="rundbrief", moderator=KATHRIN))
        assert sorted(m.address for m in members.members) == [DORA, KATHRIN]
