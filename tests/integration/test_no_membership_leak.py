"""No page tells who is on a list (issue 18): who is on a left working group's list is an opinion.

The public subscribe form, the sign-in request and the "Meine Verteiler" link request answer alike for an active
member, an unknown address and an erased one (suppressed in the notifications service): the same status, the same
page, the same rate limit, and no time difference, because the gateway answers before it asks the notifications
service (web/background.py). And the public calendars name groups, never the persons responsible for an action.

The gateway in-process against a real nats-server, the real services in-process, a real SMTP server (tests/web.py).
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from services.gateway.entrypoints.web import joining, member, signin
from services.gateway.entrypoints.web.context import Web
from shared.clock import BERLIN
from shared.contracts import Reply
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import ServiceUnavailable
from tests.support import test_clock
from tests.web import WebSystem, csrf_token, form_post, web_system

LAG = "lag-hartz-iv-sachsen"
MEMBER = "kathrin@example.org"  # on the list (its owner): holds a role too, so sign-in knows her as well
UNKNOWN = "niemand@example.org"
ERASED = "erika@example.org"  # was on the list, then erased: the notifications service keeps only a suppression
KINDS = {"bekannt": MEMBER, "unbekannt": UNKNOWN, "gelöscht": ERASED}
SIGN_IN, LINK = "/anmelden", "/meine-verteiler/link"
SUBSCRIBE = f"/abonnieren/{LAG}"
NONCES = re.compile(r'(name="csrf_token" value="|nonce=")[^"]*"')


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as running:
        yield await with_three_addresses(running)


async def with_three_addresses(system: WebSystem) -> WebSystem:
    await system.ask(n.CREATE_LIST, n.CreateList(name="LAG Hartz IV Sachsen", owner_address=MEMBER, owner_name="K"))
    await system.ask(n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=MEMBER, address=ERASED))
    await system.ask(n.ERASE, n.EraseInput(address=ERASED))
    assert {
        m.address for m in (await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=MEMBER))).members
    } == {MEMBER}
    return system


def same_for_all(response: httpx.Response, address: str) -> tuple[int, str | None, str]:
    """What a person sees, less what differs by design: the address they typed, echoed; CSRF token; CSP nonce."""
    body = NONCES.sub(r"\1…", response.text).replace(address, "ADRESSE")
    return response.status_code, response.headers.get("retry-after"), body


async def consent(http: httpx.AsyncClient) -> str:
    form = await http.get(SUBSCRIBE)
    return re.search(r'name="consent_version" value="([^"]+)"', form.text).group(1)


def post_data(path: str, address: str, version: str) -> dict[str, str]:
    return {"adresse": address} | ({"consent_version": version} if path == SUBSCRIBE else {})


@pytest.mark.parametrize("path", [SUBSCRIBE, SIGN_IN, LINK])
async def test_member_unknown_and_erased_get_the_same_answers_and_limits(system: WebSystem, path: str) -> None:
    http = system.browser()
    version = await consent(http)
    seen: dict[str, list[tuple]] = {kind: [] for kind in KINDS}
    for _ in range(6):  # more than any limit: every address is counted alike, the member too
        for kind, address in KINDS.items():
            seen[kind].append(same_for_all(await form_post(http, path, post_data(path, address, version)), address))
    statuses = {kind: [s for s, _, _ in answers] for kind, answers in seen.items()}
    limit = 5 if path == SIGN_IN else 3
    assert statuses["bekannt"] == [200] * limit + [429] * (6 - limit), statuses
    assert statuses["bekannt"] == statuses["unbekannt"] == statuses["gelöscht"], statuses
    assert seen["bekannt"] == seen["unbekannt"] == seen["gelöscht"]  # status, Retry-After and the page itself
    assert "ADRESSE" in seen["bekannt"][0][2] or path == SIGN_IN  # the comparison did see the address's place

    # Wrong input is answered alike too, with the German form and its error.
    for kind, address in KINDS.items():
        typed = address if path == SUBSCRIBE else address.replace("@", " at ")  # no consent; or no address
        wrong = same_for_all(await form_post(system.browser(), path, {"adresse": typed}), typed)
        seen[kind].append(wrong)
        assert wrong[0] == 422 and '<div class="bn-error-summary"' in wrong[2], wrong
    assert seen["bekannt"][-1] == seen["unbekannt"][-1] == seen["gelöscht"][-1]


async def test_what_each_address_gets_by_mail_is_decided_afterwards(system: WebSystem) -> None:
    """The page said the same; the mails differ, as they should: the member hears she is on the list already."""
    http = system.browser()
    version = await consent(http)
    for address in KINDS.values():
        assert (await form_post(http, SUBSCRIBE, post_data(SUBSCRIBE, address, version))).status_code == 200
        assert (await form_post(http, LINK, {"adresse": address})).status_code == 200
    await system.app.state.web.background.settle()
    already = await system.mail(MEMBER, "Sie sind bereits im Verteiler „LAG Hartz IV Sachsen“")
    assert "bereits eingetragen" in already.text and "/meine-verteiler?token=" in already.text
    await system.mail(MEMBER, "Ihr Link zu „Meine Verteiler“")
    await system.mail(UNKNOWN, "Bitte bestätigen")
    await asyncio.sleep(0.5)  # mails go out every 0.1 s
    assert not [m for m in system.smtp.mailbox.to(UNKNOWN) if "Meine Verteiler" in m.message["Subject"]]


async def test_a_service_that_is_down_loses_nothing_silently(system: WebSystem, capfd) -> None:
    """The answer comes first; the ask that fails afterwards is logged by a fingerprint, not by the address."""
    http = system.browser()
    version = await consent(http)
    await system.services["notifications"].stop()
    system.services.pop("notifications")
    answer = await form_post(http, LINK, {"adresse": UNKNOWN})
    assert answer.status_code == 200 and "Bitte prüfen Sie Ihr Postfach" in answer.text
    await system.app.state.web.background.settle()
    logged = capfd.readouterr()
    assert "web.manage_link_unavailable" in logged.out + logged.err
    assert UNKNOWN not in logged.out + logged.err
    # Without the list's consent text there is nothing to consent to: the subscribe form says so (503), for anyone.
    down = await form_post(http, SUBSCRIBE, post_data(SUBSCRIBE, UNKNOWN, version))
    assert down.status_code == 503 and down.headers["retry-after"] == "5"


# --- timing --------------------------------------------------------------------------------------------------------


@pytest.fixture
async def quiet_system(nats_server, broker, tmp_path):
    """Mails stay in the outbox: no SMTP traffic while requests are timed."""
    settings = {"notifications": {"delivery_poll_seconds": 3600}}
    async with web_system(nats_server, broker, tmp_path, service_settings=settings) as running:
        yield await with_three_addresses(running)


async def test_the_answer_takes_as_long_for_a_member_as_for_anyone(quiet_system: WebSystem) -> None:
    """200 requests of each kind per form, interleaved in a shuffled order, after a warm-up; the background work
    is left to finish between requests (outside the measured time), and every clock moves on an hour per round so
    that no limit answers instead of the real path. The medians differ by less than 2 ms."""
    system = quiet_system
    http = system.browser()
    version = await consent(http)
    await csrf_token(http)
    shuffle = random.Random(18)
    for path in (SUBSCRIBE, LINK, SIGN_IN):
        took: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for round_no in range(220):
            kinds = list(KINDS)
            shuffle.shuffle(kinds)
            for kind in kinds:
                data = post_data(path, KINDS[kind], version)
                started = time.perf_counter()
                answer = await form_post(http, path, data)
                elapsed = time.perf_counter() - started
                assert answer.status_code == 200, (path, kind, answer.status_code)
                if round_no >= 20:  # the first rounds warm up
                    took[kind].append(elapsed)
                await system.app.state.web.background.settle()
            system.advance(timedelta(hours=1, seconds=1))
        medians = {kind: statistics.median(times) * 1000 for kind, times in took.items()}
        assert max(medians.values()) - min(medians.values()) < 2.0, (path, medians)


# --- public calendars ----------------------------------------------------------------------------------------------

RESPONSIBLE = ("Kathrin Beispielfrau", "Wolfgang Mustermann")
COORDINATORS = {
    "Vogtland": ("Koordinatorin Vogtlandia", "vogtland@example.org"),
    "Erzgebirge": ("Gustav Bergmann", "gustav@example.org"),
}


@pytest.fixture
async def planning(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications", "registry", "events")) as made:
        ids = {}
        for name, (coordinator, address) in COORDINATORS.items():
            district = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name=f"KV {name}", state="SN"))
            group = await made.ask(
                r.FORM_GROUP,
                r.FormGroup(
                    name=name,
                    state="SN",
                    district_ids=[district.district_id],
                    coordinator=r.Coordinator(name=coordinator, email=address),
                ),
            )
            ids[name] = group.group_id
        for _ in range(100):
            known = {g.group_id for g in (await made.ask(e.GROUPS, e.GroupsQuery())).groups}
            if set(ids.values()) <= known:
                break
            await asyncio.sleep(0.1)
        made.ids = ids  # type: ignore[attr-defined]
        yield made


async def test_public_calendars_name_groups_never_persons(planning: WebSystem) -> None:
    system = planning
    day = (system.clock.now().astimezone(BERLIN) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    vogtland, erzgebirge = system.ids["Vogtland"], system.ids["Erzgebirge"]
    planned = await system.ask(
        e.PLAN_ACTION,
        e.PlanAction(
            organiser_group_id=vogtland,
            kind="zahltag",
            title="Zahltag vor dem Jobcenter Plauen",
            job_centre="Jobcenter Plauen",
            place="Neundorfer Straße 92",
            start=day,
            end=day + timedelta(hours=2),
            responsible=list(RESPONSIBLE),
        ),
    )
    action_id = planned.action.action_id
    await system.ask(e.INVITE_GROUPS, e.InviteGroups(action_id=action_id, group_ids=[erzgebirge]))
    await system.ask(
        e.RESPOND_TO_INVITATION, e.RespondToInvitation(action_id=action_id, group_id=erzgebirge, accept=True)
    )
    await system.ask(e.CONFIRM_ACTION, e.ActionRef(action_id=action_id))
    assert list((await system.ask(e.ACTION, e.ActionRef(action_id=action_id))).responsible) == list(RESPONSIBLE)

    feeds = {
        path: await system.http.get(path)
        for path in ("/kalender.ics", "/kalender/vogtland.ics", "/kalender/erzgebirge.ics", f"/aktion/{action_id}.ics")
    }
    persons = [*RESPONSIBLE, *(name for name, _ in COORDINATORS.values()), *(a for _, a in COORDINATORS.values())]
    for path, feed in feeds.items():
        text = feed.text.replace("\r\n ", "")  # unfold long lines
        assert feed.status_code == 200 and "Zahltag vor dem Jobcenter Plauen" in text, path
        assert "Vogtland" in text and "Erzgebirge" in text, path  # the groups are named …
        for person in persons:  # … their people are not, by first name, surname or address
            for part in person.split():
                assert part not in text, (path, part)
    # The action's page names the responsible persons, but only to someone signed in; the API only with a token.
    page = await system.http.get(f"/gruppen/vogtland/aktionen/{action_id}")
    assert page.status_code == 303 and page.headers["location"].startswith("/anmelden")
    api = await system.http.get("/api/v1/aktion", params={"action_id": action_id})
    assert api.status_code == 401 and RESPONSIBLE[0] not in api.text


# --- the answer does not wait for the service ----------------------------------------------------------------------


class HeldServices:
    """Answers the public list at once; every other ask waits until the test lets it go."""

    def __init__(self) -> None:
        self.released, self.asked = asyncio.Event(), []

    async def ask(self, spec, payload, actor=None):
        if spec is n.PUBLIC_LIST:
            return Reply.success(
                n.PublicList(
                    list_id=payload.list_id,
                    name="LAG",
                    description="",
                    policy="bestaetigen",
                    consent_text="Ich willige ein.",
                    consent_version="2026-11-01",
                    privacy_notice="",
                )
            )
        self.asked.append(spec.subject)
        await self.released.wait()
        raise ServiceUnavailable(spec.subject)

    async def roles_of(self, address: str) -> list:  # the gateway's own grants (the SessionStore's part of it)
        await self.released.wait()
        return []


async def test_the_answer_does_not_wait_for_the_service() -> None:
    """Held services: were the answer waiting for them, it would never come (the timeout fails the test)."""
    services = HeldServices()
    app = FastAPI()
    app.state.web = Web(client=services, sessions=services, clock=test_clock(), secret_key="k")
    for router in (joining.router(), member.router(), signin.router()):
        app.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
        for path in (SUBSCRIBE, LINK, SIGN_IN):
            answer = await asyncio.wait_for(http.post(path, data=post_data(path, UNKNOWN, "2026-11-01")), 5)
            assert answer.status_code == 200, (path, answer.text)
        await asyncio.sleep(0.05)
        assert len(app.state.web.background.running) == 3  # all three still asking
        services.released.set()
        await app.state.web.background.settle()
    assert "notifications.cmd.subscribe" in services.asked and "notifications.cmd.send_manage_link" in services.asked
