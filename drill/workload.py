"""The mixed workload: a client that keeps the services busy and notes what they acknowledged.

One sequential client forms and renames regional groups, registers counselling offices, plans actions
and invites groups to them (→ invitation mails), posts to a small list (→ list mails), plans training
dates and registers a few people to each (→ confirmation with .ics or waiting-list mails,
`events.mail.requested.v1`), now and then starts a small member survey (→ personal survey
invitations, `registry.mail.requested.v1`) and lets a member write to the list by mail over LMTP, as Postfix
hands a post on (→ every member's copy, issue 20); about half of the registry and action-planning commands go
through the gateway's HTTP API, the rest (and all training and survey commands) over NATS. Every
create command carries its own id, so repeating it after a timeout is harmless; the client repeats
until it gets an answer (that is a client's job while a service restarts). A registration is harmless
to repeat too (the service returns the existing entry and mails nothing new). A post, a training date
and a survey campaign have no id: they are repeated only when they certainly did not arrive (no
responder); after a timeout they are noted as "unclear" and may have happened once or not at all
(a training date of unclear outcome gets no registrations: the client does not know its id).
A post by mail is what an MTA does: it is handed over again, the same bytes, until the inbox answers 250 (a
kill before the answer may have stored it already: the post's key makes the repetition harmless); at the end of
the load every post still waiting is handed over until it is accepted, so each one must reach every member once.
"""

from __future__ import annotations

import asyncio
import random
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import httpx
from nats.errors import Error as NatsError
from nats.errors import NoRespondersError

from drill.system import LIST_DOMAIN, System
from shared.clock import BERLIN, Clock
from shared.contracts import Contract, RequestSpec
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import ServiceUnavailable, request

BOARD = "vorstand@drill.example"
EDITOR = "redaktion@drill.example"
READERS = tuple(f"leser{i}@drill.example" for i in range(1, 5))
POST_LIST_NAME = "Rundbrief Drill"
INITIAL_GROUPS = 12
PARTICIPANTS = tuple(f"teilnahme{i}@drill.example" for i in range(1, 7))  # registered to training dates
PER_TRAINING, CAPACITY = 3, 2  # so each date has a waiting list: both kinds of mail go out
MEMBERS = tuple(f"mitglied{i}@drill.example" for i in range(1, 5))  # a member survey's recipients
SURVEY_RECIPIENTS = 3
CAMPAIGN_EVERY = 40  # steps; the first at step 3, so even a short load starts one
GATEWAY_PATHS = {
    r.FORM_GROUP: "/api/v1/gruppen/gruenden",
    r.RENAME_GROUP: "/api/v1/gruppen/umbenennen",
    r.REGISTER_OFFICE: "/api/v1/beratungsstellen/eintragen",
    e.PLAN_ACTION: "/api/v1/aktionen/planen",
    e.INVITE_GROUPS: "/api/v1/aktionen/einladen",
}


class Refused(Exception):
    """A service answered with a refusal (not a failure to answer): the workload itself is wrong."""


@dataclass
class Group:
    group_id: str
    formed_name: str
    name: str
    coordinator: str
    later_names: list[str] = field(default_factory=list)  # the list is named after the group at the time


@dataclass
class Ledger:
    """What the services acknowledged to the client, and how often it had to try again."""

    groups: dict[str, Group] = field(default_factory=dict)
    offices: dict[str, str] = field(default_factory=dict)  # office_id -> name
    invitations: list[tuple[str, str, str, tuple[str, ...]]] = field(
        default_factory=list
    )  # action, title, date, groups
    posts: dict[str, str] = field(default_factory=dict)  # subject -> "bestaetigt" | "unklar"
    mail_posts: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # subject -> (sender, mail) to the list
    mail_posts_accepted: set[str] = field(default_factory=set)  # subjects the list's inbox answered with 250
    big_list: tuple[str, str, tuple[str, ...]] | None = None  # (name, post subject, members): killed while it went out
    trainings: dict[str, str] = field(default_factory=dict)  # training_id -> title, of acknowledged dates
    trainings_unclear: int = 0  # planned without an answer: may exist, not registered to
    registrations: dict[tuple[str, str], str] = field(default_factory=dict)  # (training_id, address) -> status
    campaigns: dict[str, tuple[str, tuple[str, ...]]] = field(
        default_factory=dict
    )  # title -> ("bestaetigt" | "unklar", recipients)
    post_list: str = ""
    acknowledged: int = 0
    retries: int = 0
    longest_wait: float = 0.0  # seconds from the first try to the answer, for a command that had to be repeated
    refusals: list[str] = field(default_factory=list)

    def as_expected(self, lines: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """A coordinator's welcome names the list as it is when it arrives: if a rename reached the mailing
        service before the founding (after a crash), that is a later name. Count it as the one welcome."""
        welcome = "Willkommen im Verteiler „Regionalgruppe {}“"
        same = {
            (g.coordinator, welcome.format(n)): welcome.format(g.formed_name)
            for g in self.groups.values()
            for n in g.later_names
        }
        return [(rcpt, mid, same.get((rcpt, subject), subject)) for rcpt, mid, subject in lines]

    def expected_mails(self) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        """(recipient, subject) that must arrive exactly once, and those that may arrive once or not at all."""
        must: set[tuple[str, str]] = {(BOARD, "Willkommen im Verteiler „Landesvorstand“")}
        must |= {(a, f"Willkommen im Verteiler „{POST_LIST_NAME}“") for a in (EDITOR, *READERS)}
        for g in self.groups.values():
            must.add((BOARD, f"Neue Regionalgruppe: {g.formed_name}"))
            must.add((g.coordinator, f"Willkommen im Verteiler „Regionalgruppe {g.formed_name}“"))
        must |= {(BOARD, f"Neue Beratungsstelle: {name}") for name in self.offices.values()}
        for _action, title, day, invited in self.invitations:
            must |= {(self.groups[gid].coordinator, f"Einladung: {title} ({day})") for gid in invited}
        may: set[tuple[str, str]] = set()
        for subject, state in self.posts.items():
            pairs = {(a, f"[{POST_LIST_NAME}] {subject}") for a in (EDITOR, *READERS)}
            (must if state == "bestaetigt" else may).update(pairs)
        for subject in self.mail_posts_accepted - {self.big_list[1] if self.big_list else ""}:
            must |= {(a, f"[{POST_LIST_NAME}] {subject}") for a in (EDITOR, *READERS)}  # each member's copy once
        if self.big_list:
            name, subject, members = self.big_list
            must |= {(a, f"Willkommen im Verteiler „{name}“") for a in (EDITOR, *members)}  # the owner too
            must |= {(a, f"[{name}] {subject}") for a in (EDITOR, *members)}
        for (training_id, address), status in self.registrations.items():
            about = "Anmeldung bestätigt" if status == "angemeldet" else "Warteliste"
            must.add((address, f"{about}: {self.trainings[training_id]}"))
        for title, (state, recipients) in self.campaigns.items():
            (must if state == "bestaetigt" else may).update((a, f"Umfrage: {title}") for a in recipients)
        return must, may

    def personal_mails(self) -> set[tuple[str, str]]:
        """The (recipient, subject) of the personal mails among `expected_mails()` (issue 17)."""
        must, may = self.expected_mails()
        return {m for m in must | may if m[1].startswith(("Anmeldung bestätigt: ", "Warteliste: ", "Umfrage: "))}


class Client:
    def __init__(self, system: System, ledger: Ledger, patience: float = 120) -> None:
        self.system, self.ledger, self.patience = system, ledger, patience

    async def call(
        self, spec: RequestSpec, payload: Contract, *, gateway: bool = False, repeatable: bool = True
    ) -> Any:
        """The reply's data once a service answered; None for a post that may or may not have arrived."""
        first = time.monotonic()
        deadline = first + self.patience
        while True:
            try:
                data = await (self._http(spec, payload) if gateway else self._nats(spec, payload))
                self.ledger.acknowledged += 1
                self.ledger.longest_wait = max(self.ledger.longest_wait, time.monotonic() - first)
                return data
            except Refused:
                raise
            except ServiceUnavailable as exc:
                if not repeatable and not isinstance(exc.__cause__, NoRespondersError):
                    return None
            except (NatsError, OSError, httpx.HTTPError, _Retry):
                if not repeatable:
                    return None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{spec.subject}: keine Antwort binnen {self.patience:.0f} s")
            self.ledger.retries += 1
            await asyncio.sleep(0.2)

    async def _nats(self, spec: RequestSpec, payload: Contract) -> Any:
        reply = await request(self.system.broker, spec, payload, timeout=5)
        if reply.ok:
            return reply.data
        if reply.error.code == "interner_fehler":
            raise _Retry(reply.error.message)
        raise Refused(f"{spec.subject}: {reply.error.code} {reply.error.message} {reply.error.fields}")

    async def _http(self, spec: RequestSpec, payload: Contract) -> Any:
        assert self.system.http is not None
        response = await self.system.http.post(
            GATEWAY_PATHS[spec],
            content=payload.model_dump_json(),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        if response.status_code == 200:
            return spec.reply.model_validate(response.json())
        if response.status_code in (502, 503):
            raise _Retry(response.text)
        raise Refused(f"{spec.subject} über das Gateway: {response.status_code} {response.text[:300]}")


class _Retry(Exception):
    pass


class Workload:
    """Set-up (board list, post list, initial groups) and the mixed loop."""

    def __init__(self, system: System, seed: int, pace: float = 0.06, clock: Clock | None = None) -> None:
        self.system, self.rng, self.pace = system, random.Random(seed), pace
        self.clock = clock or Clock()  # the services' clock: the wall clock (the drill sets no clock_start)
        self.ledger = Ledger()
        self.client = Client(system, self.ledger)
        self.counter = 0
        self.steps = 0
        self.initial: list[str] = []

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    async def setup(self) -> None:
        c = self.client
        await c.call(
            n.CREATE_LIST,
            n.CreateList(name="Landesvorstand", policy="moderiert", owner_address=BOARD, owner_name="Landesvorstand"),
        )
        post_list = await c.call(
            n.CREATE_LIST,
            n.CreateList(name=POST_LIST_NAME, policy="moderiert", owner_address=EDITOR, owner_name="Redaktion"),
        )
        self.ledger.post_list = post_list.list_id
        for address in READERS:
            await c.call(n.ADD_MEMBER, n.AddMember(list_id=post_list.list_id, moderator=EDITOR, address=address))
        for _ in range(INITIAL_GROUPS):
            self.initial.append(await self.form_group(gateway=False))
        await self._until_known(self.initial)

    async def _until_known(self, group_ids: list[str], timeout: float = 60) -> None:
        """Actions need their groups in the planning replica, invitations their lists at notifications."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                replica = await request(self.system.broker, e.GROUPS, e.GroupsQuery(), timeout=5)
                lists = await request(self.system.broker, n.LISTS, n.ListsQuery(), timeout=5)
                known = {g.group_id for g in replica.data.groups} & {x.group_id for x in lists.data.lists}
                if known >= set(group_ids):
                    return
            except ServiceUnavailable:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError("Die ersten Regionalgruppen kommen nicht bei Aktionsplanung und Verteiler an")

    # --- the operations -------------------------------------------------------------------

    async def form_group(self, gateway: bool) -> str:
        self.counter += 1
        k, group_id = self.counter, self._id()
        group = Group(group_id, f"Drill-Gruppe {k}", f"Drill-Gruppe {k}", f"koordination{k}@drill.example")
        await self.client.call(
            r.FORM_GROUP,
            r.FormGroup(
                group_id=group_id,
                name=group.name,
                state="SN",
                coordinator=r.Coordinator(name=f"Koordination {k}", email=group.coordinator),
            ),
            gateway=gateway,
        )
        self.ledger.groups[group_id] = group
        return group_id

    async def rename_group(self, gateway: bool) -> None:
        self.counter += 1
        group = self.ledger.groups[self.rng.choice(list(self.ledger.groups))]
        name = f"{group.formed_name} (Name {self.counter})"
        await self.client.call(r.RENAME_GROUP, r.RenameGroup(group_id=group.group_id, name=name), gateway=gateway)
        group.name = name
        group.later_names.append(name)

    async def register_office(self, gateway: bool) -> None:
        self.counter += 1
        office_id, name = self._id(), f"Drill-Beratungsstelle {self.counter}"
        await self.client.call(
            r.REGISTER_OFFICE,
            r.RegisterOffice(
                office_id=office_id,
                name=name,
                operator_kind="kreisverband",
                operator_name="DIE LINKE Chemnitz",
                street="Drillstraße 1",
                postcode="09111",
                city="Chemnitz",
                hours=["dienstags 14–17 Uhr"],
            ),
            gateway=gateway,
        )
        self.ledger.offices[office_id] = name

    async def plan_and_invite(self, gateway: bool) -> None:
        self.counter += 1
        organiser, *invited = self.rng.sample(self.initial, 3)
        start = datetime(2027, 1, 4, 9) + timedelta(days=self.counter % 300)
        title = f"Drill-Aktion {self.counter}"
        action_id = self._id()
        await self.client.call(
            e.PLAN_ACTION,
            e.PlanAction(
                action_id=action_id,
                organiser_group_id=organiser,
                kind="treffen",
                title=title,
                place="Rathaus",
                start=start,
                end=start + timedelta(hours=2),
            ),
            gateway=gateway,
        )
        await self.client.call(e.INVITE_GROUPS, e.InviteGroups(action_id=action_id, group_ids=invited), gateway=gateway)
        self.ledger.invitations.append((action_id, title, f"{start:%d.%m.%Y}", tuple(invited)))

    async def post(self) -> None:
        self.counter += 1
        subject = f"Rundbrief {self.counter}"
        posted = await self.client.call(
            n.POST,
            n.Post(
                list_id=self.ledger.post_list,
                moderator=EDITOR,
                subject=subject,
                text="Kommt alle zum nächsten Treffen.",
            ),
            repeatable=False,
        )
        self.ledger.posts[subject] = "bestaetigt" if posted is not None else "unklar"

    async def post_by_mail(self) -> None:
        """A member writes to the list; handed to the lists' inbox over LMTP, tried again later if refused."""
        self.counter += 1
        subject = f"Beitrag per Mail {self.counter}"
        mail = EmailMessage()
        mail["From"], mail["To"] = READERS[self.counter % len(READERS)], f"{self.ledger.post_list}@{LIST_DOMAIN}"
        mail["Subject"], mail["Message-ID"] = subject, f"<beitrag-{self.counter}-{self._id()}@drill.example>"
        mail.set_content("Wer kommt am Samstag mit zum Infostand?")
        self.ledger.mail_posts[subject] = (str(mail["From"]), mail.as_bytes(policy=SMTP))
        await self.hand_over_mail_posts()

    async def post_to_a_big_list_and_kill(self, members: int, after: int) -> float:
        """Issue 20's kill: a post by mail to a list of `members`, and SIGKILL of the mailing service once `after`
        copies have reached the sink. Returns the recovery time. Every member must still get exactly one copy."""
        name = "Großverteiler Drill"
        created = await self.client.call(
            n.CREATE_LIST, n.CreateList(name=name, policy="moderiert", owner_address=EDITOR, owner_name="Redaktion")
        )
        addresses = tuple(f"gross{i:04d}@drill.example" for i in range(members))
        for address in addresses:
            await self.client.call(
                n.ADD_MEMBER, n.AddMember(list_id=created.list_id, moderator=EDITOR, address=address)
            )
        subject = "Großer Aufruf per Mail"
        mail = EmailMessage()
        mail["From"], mail["To"] = EDITOR, f"{created.list_id}@{LIST_DOMAIN}"
        mail["Subject"], mail["Message-ID"] = subject, f"<gross-{self._id()}@drill.example>"
        mail.set_content("Kommt alle zum Zahltag am Jobcenter.\n" * 20)
        self.ledger.big_list = (name, subject, addresses)
        raw, target = mail.as_bytes(policy=SMTP), f"{created.list_id}@{LIST_DOMAIN}"
        while not await asyncio.to_thread(self._lmtp, EDITOR, raw, target):
            await asyncio.sleep(0.2)
        assert self.system.sink is not None
        deadline = time.monotonic() + 120
        while sum(1 for *_, s in self.system.sink.lines() if s == f"[{name}] {subject}") < after:
            if time.monotonic() > deadline:
                raise RuntimeError(f"„{subject}“ ging nicht hinaus")
            await asyncio.sleep(0.02)
        return await self.system.kill_and_restart("notifications")

    async def hand_over_mail_posts(self) -> None:
        """Each post not yet accepted, once more (the MTA's queue run)."""
        for subject, (sender, raw) in list(self.ledger.mail_posts.items()):
            if subject not in self.ledger.mail_posts_accepted and await asyncio.to_thread(self._lmtp, sender, raw):
                self.ledger.mail_posts_accepted.add(subject)

    def _lmtp(self, sender: str, raw: bytes, to: str = "") -> bool:
        """True once the inbox answered 250 for the list; False if it is away or asked to try later."""
        try:
            with smtplib.LMTP("127.0.0.1", self.system.lmtp_port, timeout=10) as client:
                refused = client.sendmail(sender, [to or f"{self.ledger.post_list}@{LIST_DOMAIN}"], raw)
        except (OSError, smtplib.SMTPException):
            self.ledger.retries += 1
            return False
        return not refused

    async def plan_training(self) -> None:
        """A training date (no id in PlanTraining: like a post), then a few registrations (repeatable)."""
        self.counter += 1
        day = self.clock.today() + timedelta(days=60 + self.counter % 200)  # far from the day-before reminder
        start = datetime.combine(day, clock_time(10), BERLIN)
        title = f"Drill-Schulung {self.counter}"
        planned = await self.client.call(
            e.PLAN_TRAINING,
            e.PlanTraining(
                kind="seminartag",
                title=title,
                start=start,
                end=start + timedelta(hours=6),
                place="Drillhaus, Chemnitz",
                capacity=CAPACITY,
            ),
            repeatable=False,
        )
        if planned is None:
            self.ledger.trainings_unclear += 1
            return
        self.ledger.trainings[planned.training_id] = title
        for address in self.rng.sample(PARTICIPANTS, PER_TRAINING):
            registered = await self.client.call(
                e.REGISTER_PARTICIPANT,
                e.RegisterParticipant(
                    training_id=planned.training_id, name=f"Teilnahme {address.split('@')[0][9:]}", email=address
                ),
            )
            self.ledger.registrations[(planned.training_id, address)] = registered.participant.status

    async def start_campaign(self) -> None:
        """A small member survey starting today: its invitations go out at once (no id: like a post)."""
        self.counter += 1
        today = self.clock.today()
        title = f"Drill-Umfrage {self.counter}"
        recipients = tuple(self.rng.sample(MEMBERS, SURVEY_RECIPIENTS))
        created = await self.client.call(
            r.CREATE_CAMPAIGN,
            r.CreateCampaign(
                title=title,
                kind="mitglieder",
                starts_on=today,
                ends_on=today + timedelta(days=14),
                recipients=[r.RecipientInput(name=f"Mitglied {a[8]}", email=a) for a in recipients],
            ),
            repeatable=False,
        )
        self.ledger.campaigns[title] = ("bestaetigt" if created is not None else "unklar", recipients)

    async def step(self) -> None:
        self.steps += 1
        if self.steps % CAMPAIGN_EVERY == 3:
            await self.start_campaign()
            return
        gateway = self.rng.random() < 0.5 and "gateway" in self.system.services
        roll = self.rng.random()
        if roll < 0.13:
            await self.form_group(gateway)
        elif roll < 0.40:
            await self.rename_group(gateway)
        elif roll < 0.53:
            await self.register_office(gateway)
        elif roll < 0.78:
            await self.plan_and_invite(gateway)
        elif roll < 0.86:
            await self.post()
        elif roll < 0.90:
            await self.post_by_mail()
        else:
            await self.plan_training()

    async def run(self, stop: asyncio.Event, patience: float = 120) -> None:
        while not stop.is_set():
            try:
                await self.step()
            except Refused as exc:
                self.ledger.refusals.append(str(exc))
            await asyncio.sleep(self.pace)
        deadline = time.monotonic() + patience
        while set(self.ledger.mail_posts) - self.ledger.mail_posts_accepted:  # the MTA's queue runs on
            if time.monotonic() > deadline:
                raise RuntimeError("Beiträge per Mail vom Eingang der Verteiler nicht angenommen")
            await self.hand_over_mail_posts()
            await asyncio.sleep(0.5)
