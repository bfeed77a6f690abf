"""Counting at the end of a drill: what producers committed, what the streams hold, what consumers
applied, what went to dead letters, and which mails arrived how often.

"Lost" means: an event a producer committed (its outbox row) that is not in its stream, or a stream
message that a consumer subscribed to it neither applied (its inbox row) nor dead-lettered with a
reason; and, from the client's side, an acknowledged command whose effect or mail never arrived.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.contracts import events as e
from shared.contracts import registry as r
from shared.contracts.system import DeadLetterHeaders as H
from shared.messaging.deadletter import decode_reason

# The events issue 17 added (surveys in the registry, trainings in action planning): counted apart as well.
NEW_SUBJECTS = (
    r.CampaignProgressedV1.subject,
    r.RegistryMailRequestedV1.subject,
    r.QualificationExpiringV1.subject,
    e.TrainingPlannedV1.subject,
    e.TrainingChangedV1.subject,
    e.TrainingAttendedV1.subject,
    e.EventsMailRequestedV1.subject,
)


@dataclass
class StoredMessage:
    seq: int
    subject: str
    data: bytes
    headers: dict[str, str]

    @property
    def event_id(self) -> str | None:
        try:
            value = json.loads(self.data).get("event_id")
        except (ValueError, AttributeError):
            return None
        return str(value) if value else None


async def read_stream(js: Any, stream: str, subject: str) -> list[StoredMessage]:
    """Every message of a stream, in order, through an ephemeral consumer that acknowledges nothing."""
    info = await js.stream_info(stream)
    total = info.state.messages
    if not total:
        return []
    sub = await js.pull_subscribe(
        subject,
        stream=stream,
        config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=30),
    )
    found: list[StoredMessage] = []
    try:
        while len(found) < total:
            try:
                batch = await sub.fetch(min(1000, total - len(found)), timeout=5)
            except (NatsTimeout, TimeoutError):
                break
            found += [
                StoredMessage(m.metadata.sequence.stream, m.subject, m.data, dict(m.headers or {})) for m in batch
            ]
    finally:
        await sub.unsubscribe()
    return found


async def durable_consumers(js: Any, stream: str) -> list[tuple[str, str, str]]:
    """(consuming service, durable name, filter subject) of the services' durable consumers on a stream."""
    try:
        infos = await js.consumers_info(stream)
    except Exception:  # noqa: BLE001 - no stream, no consumers
        return []
    return [(i.name.split("__", 1)[0], i.name, i.config.filter_subject) for i in infos if "__" in i.name]


def sqlite_rows(path: Path, query: str) -> list[tuple]:
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            return db.execute(query).fetchall()
        except sqlite3.OperationalError:
            return []


@dataclass
class DeadLetter:
    consumer: str  # durable
    code: str
    reason: str
    stream: str
    seq: int
    subject: str


@dataclass
class EventAccount:
    committed: int = 0  # outbox rows of the producers
    unpublished: int = 0  # outbox rows never marked published
    in_streams: int = 0
    missing_in_stream: list[str] = field(default_factory=list)  # committed, not in the stream
    twice_in_stream: list[str] = field(default_factory=list)  # an event id more than once in its stream
    deliveries_due: int = 0  # (consumer, stream message) pairs that had to arrive
    applied: int = 0
    dead_lettered: int = 0
    not_applied: list[str] = field(default_factory=list)  # neither applied nor dead-lettered: lost
    applied_twice: int = 0  # an inbox cannot hold an event twice; counted for completeness
    dead_letters: list[DeadLetter] = field(default_factory=list)
    # per subject of NEW_SUBJECTS: [outbox rows, in the stream, due to consumers, applied, dead-lettered]
    by_subject: dict[str, list[int]] = field(default_factory=lambda: {s: [0, 0, 0, 0, 0] for s in NEW_SUBJECTS})

    @property
    def lost(self) -> int:
        return len(self.missing_in_stream) + len(self.not_applied)

    def reasons(self) -> Counter:
        return Counter(d.code for d in self.dead_letters)

    def describe_new(self) -> str:
        """One German line: the issue-17 events, outbox → stream → consumers, per subject that occurred."""
        parts = [
            f"{subject} {o}/{s}" + (f" → {a} angewandt" + (f", {d} Dead Letter" if d else "") if due else "")
            for subject, (o, s, due, a, d) in self.by_subject.items()
            if o or s
        ]
        return "Neue Ereignisse (Outbox/Stream): " + ("; ".join(parts) if parts else "keine")


async def account_events(js: Any, databases: dict[str, Path], producers: tuple[str, ...]) -> EventAccount:
    """Compare outboxes, streams, inboxes and dead letters. Call with the services stopped (their
    databases are then read as they were left) and NATS still running."""
    account = EventAccount()
    consumers = {s: await durable_consumers(js, s.upper()) for s in producers}
    for service in databases:
        for letter in await read_stream(js, f"DEADLETTER_{service.upper()}", f"deadletter.{service}.>"):
            h = letter.headers
            account.dead_letters.append(
                DeadLetter(
                    h.get(H.CONSUMER, "?"),
                    h.get(H.CODE, "?"),
                    decode_reason(h.get(H.REASON, "")),
                    h.get(H.STREAM, "?"),
                    int(h.get(H.STREAM_SEQUENCE, "0")),
                    h.get(H.ORIGINAL_SUBJECT, "?"),
                )
            )
    dead = {(d.consumer, d.stream, d.seq) for d in account.dead_letters}
    inboxes = {s: {row[0] for row in sqlite_rows(p, "SELECT event_id FROM inbox")} for s, p in databases.items()}
    for producer in producers:
        stream = producer.upper()
        messages = await read_stream(js, stream, f"{producer}.>")
        account.in_streams += len(messages)
        in_stream = {m.event_id for m in messages}
        copies = Counter(m.event_id for m in messages if m.event_id)
        account.twice_in_stream += [f"{stream}: {event_id} {n}×" for event_id, n in copies.items() if n > 1]
        outbox = (
            sqlite_rows(databases[producer], "SELECT event_id, published_at, subject FROM outbox")
            if producer in databases
            else []
        )
        account.committed += len(outbox)
        account.unpublished += sum(1 for _, published, _s in outbox if published is None)
        account.missing_in_stream += [
            f"{stream}: {event_id}" for event_id, _, _s in outbox if event_id not in in_stream
        ]
        for _, _, subject in outbox:
            if subject in account.by_subject:
                account.by_subject[subject][0] += 1
        for m in messages:
            if m.subject in account.by_subject:
                account.by_subject[m.subject][1] += 1
        for service, durable, subject in consumers[producer]:
            if service not in inboxes:
                continue
            tally = account.by_subject.get(subject, [0] * 5)
            for m in (m for m in messages if m.subject == subject):
                account.deliveries_due += 1
                tally[2] += 1
                if (durable, stream, m.seq) in dead:
                    account.dead_lettered += 1
                    tally[4] += 1
                elif m.event_id and m.event_id in inboxes[service]:
                    account.applied += 1
                    tally[3] += 1
                else:
                    account.not_applied.append(f"{service} ← {stream} #{m.seq} {m.subject}")
    return account


@dataclass
class MailAccount:
    transmissions: int = 0
    messages: int = 0  # distinct (recipient, Message-ID)
    retransmissions: int = 0  # the same (recipient, Message-ID) more than once
    logical_duplicates: int = 0  # the same (recipient, subject) under different Message-IDs
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    unexpected: Counter = field(default_factory=Counter)
    unclear_arrived: int = 0
    unclear_total: int = 0

    @property
    def duplicates(self) -> int:
        return self.retransmissions + self.logical_duplicates


def account_mails(
    lines: list[tuple[str, str, str]], must: set[tuple[str, str]], may: set[tuple[str, str]]
) -> MailAccount:
    account = MailAccount(transmissions=len(lines), expected=len(must), unclear_total=len(may))
    copies = Counter((rcpt, mid) for rcpt, mid, _ in lines)
    account.messages = len(copies)
    account.retransmissions = sum(c - 1 for c in copies.values())
    ids_per_mail: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rcpt, mid, subject in lines:
        ids_per_mail[(rcpt, subject)].add(mid)
    account.logical_duplicates = sum(len(ids) - 1 for ids in ids_per_mail.values())
    account.missing = sorted(f"{rcpt}: {subject}" for rcpt, subject in must if (rcpt, subject) not in ids_per_mail)
    account.unclear_arrived = sum(1 for pair in may if pair in ids_per_mail)
    for rcpt, subject in ids_per_mail:
        if (rcpt, subject) not in must and (rcpt, subject) not in may:
            account.unexpected[subject.split(":")[0].split("„")[0].strip()] += 1
    return account
