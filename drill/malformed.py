"""1,000 malformed or schema-violating messages mixed into 10,000 good ones.

The drill publishes straight to the registry's stream (declared by the drill; the registry does not
run): 8,000 "group formed" and 2,000 "group renamed" events, and at random places among them 1,000
bad ones — 300 that are not JSON at all, 300 JSON documents that are no envelope, 400 envelopes
whose content violates the schema. Action planning consumes them. Expected: every good event applied
exactly once (the replica counts the events per group), every bad one in DEADLETTER_EVENTS with a
reason, and the good ones flow on around the bad ones.

A second, small part does the same for the events issue 17 added, with their consumers running (the
registry, the mailing service and an SMTP sink; action planning does not run, the drill declares its
stream): personal mails `registry.mail.requested.v1` and `events.mail.requested.v1` and attendance
`events.training.attended.v1`, good ones mixed with bad ones (not JSON, no envelope, schema violated,
and for mails an address no server takes). Expected: each good mail delivered exactly once, each good
attendance applied once, each bad one in the consumer's dead letters with a reason.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from drill.result import Result, de, describe_logs, recorded, seconds
from drill.system import System
from drill.verify import account_events, read_stream
from shared.clock import Clock
from shared.contracts import Envelope
from shared.contracts import events as e
from shared.contracts.registry import Coordinator, GroupFormedV1, GroupRenamedV1, RegistryMailRequestedV1
from shared.contracts.system import DeadLetterHeaders as H
from shared.messaging.deadletter import decode_reason
from shared.messaging.rpc import request

GOOD, BAD, RENAMES = 10_000, 1_000, 2_000
NEW_GOOD, NEW_BAD = 20, 20  # per new subject (issue 17)
STATES = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH")


def bad_messages(rng: random.Random, count: int) -> list[tuple[str, bytes]]:
    """(kind, body): not JSON, JSON but no envelope, envelope with a payload or header violating the schema."""
    good = json.loads(Envelope.wrap(GroupFormedV1(group_id="x", name="Kaputt", state="SN")).model_dump_json())

    def broken(change) -> bytes:
        doc = json.loads(json.dumps(good))
        doc["event_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        change(doc)
        return json.dumps(doc).encode()

    not_json = [b"", b"\xff\xfe\x00kaputt", b'{"event_id": ', b"<xml>kein json</xml>", b"Ereignis: Gruppe gegruendet"]
    no_envelope = [
        b"{}",
        b"[1, 2, 3]",
        b'"nur ein Text"',
        b"42",
        b"null",
        b'{"hallo": "welt"}',
        json.dumps(good["payload"]).encode(),
    ]
    violations = [
        lambda d: d["payload"].pop("name"),
        lambda d: d["payload"].update(group_id=None),
        lambda d: d["payload"].update(state=["SN"]),
        lambda d: d["payload"].update(coordinator="Kathrin"),
        lambda d: d.update(event_id="keine-uuid"),
        lambda d: d.update(version=0),
        lambda d: d.update(occurred_at="gestern"),
        lambda d: d.pop("payload"),
    ]
    found = []
    for i in range(count):
        if i < count * 3 // 10:
            found.append(("kein JSON", rng.choice(not_json) + (rng.randbytes(8) if i % 2 else b"")))
        elif i < count * 6 // 10:
            found.append(("kein Umschlag", rng.choice(no_envelope)))
        else:
            found.append(("Schema verletzt", broken(rng.choice(violations))))
    return found


def good_messages(rng: random.Random) -> tuple[list[tuple[str, bytes, str]], dict[str, tuple[str, str]]]:
    """(subject, body, event_id) in order, and the expected final (name, state) per group."""
    formed = GOOD - RENAMES
    groups: dict[str, tuple[str, str]] = {}
    order: list[tuple[str, bytes, str]] = []
    rename_at = set(rng.sample(range(200, GOOD), RENAMES))
    made = 0
    for i in range(GOOD):
        if i in rename_at or made == formed:
            group_id = rng.choice(list(groups)[: max(1, made - 50)])
            name, state = f"{groups[group_id][0].split(' (')[0]} (umbenannt {i})", groups[group_id][1]
            payload = GroupRenamedV1(group_id=group_id, name=name, state=state, old_name=groups[group_id][0])
        else:
            group_id, name, state = f"m{made:05d}", f"Gruppe {made}", STATES[made % len(STATES)]
            payload = GroupFormedV1(
                group_id=group_id, name=name, state=state, coordinator=Coordinator(name=f"K {made}")
            )
            made += 1
        groups[group_id] = (name, state)
        envelope = Envelope.wrap(payload)
        order.append((payload.subject, envelope.model_dump_json().encode(), str(envelope.event_id)))
    return order, groups


async def publish(js, messages: list[tuple[str, bytes, dict | None]]) -> None:
    for start in range(0, len(messages), 500):
        await asyncio.gather(
            *(
                js.publish(subject, body, headers=headers, stream="REGISTRY")
                for subject, body, headers in messages[start : start + 500]
            )
        )


def new_messages(rng: random.Random, clock: Clock) -> tuple[list[tuple[str, str, bytes, str | None]], set[str]]:
    """Issue 17's events, good and bad mixed: (kind, subject, body, event id of a good one), and the
    (recipient, subject) lines the good mails must produce at the sink."""
    today = clock.today()

    def survey(i: int) -> RegistryMailRequestedV1:
        return RegistryMailRequestedV1(
            to=f"umfrage{i}@drill.example",
            to_name=f"Mitglied {i}",
            kind="umfrage_einladung",
            subject=f"Umfrage: Drill-Müll {i}",
            text="Guten Tag,\n\nbitte beantworten Sie die Umfrage.",
            link_path=f"/umfrage/drill-{i}",
            link_label="Zur Umfrage",
            reference="drill",
        )

    def training_mail(i: int) -> e.EventsMailRequestedV1:
        return e.EventsMailRequestedV1(
            to=f"schulung{i}@drill.example",
            kind="schulung_angemeldet",
            subject=f"Anmeldung bestätigt: Drill-Müll {i}",
            text="Hallo,\n\nSie sind angemeldet.",
            reference="drill",
        )

    def attended(i: int) -> e.TrainingAttendedV1:
        return e.TrainingAttendedV1(
            training_id=f"drill-schulung-{i}",
            kind="multiplikator",
            title="Multiplikator:innenschulung (online)",
            on=today - timedelta(days=1),
            qualifies_for="erstberatung",
            until=today + timedelta(days=180),  # far from the warning period: no reminder follows
            name=f"Drill Teilnahme {i}",
            email=f"qualifiziert{i}@drill.example",
        )

    mail_violations = [
        lambda d: d["payload"].pop("to"),
        lambda d: d["payload"].pop("subject"),
        lambda d: d["payload"].update(text=["kein", "Text"]),
        lambda d: d["payload"].update(kind=None),
        lambda d: d.update(event_id="keine-uuid"),
    ]
    attended_violations = [
        lambda d: d["payload"].pop("email"),
        lambda d: d["payload"].update(on="gestern"),
        lambda d: d["payload"].update(until="nie"),
        lambda d: d["payload"].update(training_id=None),
        lambda d: d.pop("payload"),
    ]
    kinds = (
        (RegistryMailRequestedV1.subject, survey, mail_violations),
        (e.EventsMailRequestedV1.subject, training_mail, mail_violations),
        (e.TrainingAttendedV1.subject, attended, attended_violations),
    )
    found: list[tuple[str, str, bytes, str | None]] = []
    mails: set[str] = set()
    for subject, make, violations in kinds:
        for i in range(NEW_GOOD):
            payload = make(i)
            envelope = Envelope.wrap(payload)
            found.append(("gültig", subject, envelope.model_dump_json().encode(), str(envelope.event_id)))
            if subject != e.TrainingAttendedV1.subject:
                mails.add(f"{payload.to}\t{payload.subject}")
        template = json.loads(Envelope.wrap(make(999)).model_dump_json())
        for i in range(NEW_BAD):
            doc = json.loads(json.dumps(template))
            doc["event_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            if i % 5 == 0:
                found.append(("kein JSON", subject, b'{"event_id": ' + rng.randbytes(6), None))
            elif i % 5 == 1:
                found.append(("kein Umschlag", subject, json.dumps(doc["payload"]).encode(), None))
            elif i % 5 == 4 and subject != e.TrainingAttendedV1.subject:
                doc["payload"]["to"] = f"kein-at-zeichen-{i}"  # valid for the schema, no server takes it
                found.append(("unzustellbare Adresse", subject, json.dumps(doc).encode(), None))
            else:
                rng.choice(violations)(doc)
                found.append(("Schema verletzt", subject, json.dumps(doc).encode(), None))
    rng.shuffle(found)
    return found, mails


async def run_new(base: Path, seed: int, result: Result) -> bool:
    """The second part: issue 17's events among bad ones, consumed by the registry and the mailing service."""
    system = System(base / "malformed-neu", services=("registry", "notifications"), declare=("events",))
    async with recorded(result, system):
        await system.start()
        js = system.broker.connection.jetstream()
        messages, must = new_messages(random.Random(seed + 4), Clock())
        t0 = time.monotonic()
        for _kind, subject, body, event_id in messages:
            headers = {"Nats-Msg-Id": event_id} if event_id else None
            await js.publish(subject, body, headers=headers, stream=subject.split(".")[0].upper())
        _, left = await system.wait_caught_up(timeout=120)
        processed = time.monotonic() - t0
        if left:
            result.details.append(f"Ausgabe 17: nach 120 s noch nicht verarbeitet: {left}")
        assert system.sink is not None
        arrived = Counter(f"{rcpt}\t{subject}" for rcpt, _mid, subject in system.sink.lines())
        await system.stop_services()
        databases = {s: system.database(s) for s in ("registry", "notifications")}
        events = await account_events(js, databases, ("registry", "events"))
        letters = [d for d in events.dead_letters if d.subject in {m[1] for m in messages}]
        bad = [m for m in messages if m[3] is None]
        good = len(messages) - len(bad)
        with_reason = [d for d in letters if d.reason.strip()]
        missing = sorted(must - set(arrived))
        twice = sum(n - 1 for n in arrived.values())
        unexpected = sum(1 for line in arrived if line not in must)
        result.lost += events.lost + len(missing)
        result.duplicates = twice
        result.dead_letters = (result.dead_letters or 0) + len(letters)
        for d in letters:
            result.dead_letter_codes[d.code] = result.dead_letter_codes.get(d.code, 0) + 1
        kinds = Counter(kind for kind, *_ in bad)
        result.details += [
            f"Ausgabe 17: {good} gültige ({NEW_GOOD} je Betreff: registry.mail.requested.v1, events.mail.requested.v1, "
            f"events.training.attended.v1) und {len(bad)} fehlerhafte ({', '.join(f'{v} {k}' for k, v in kinds.items())}) "
            f"an Register und Verteiler, alles nach {seconds(processed)} verarbeitet",
            f"Ausgabe 17: Mails {len(must)} erwartet, {len(missing)} fehlen, {twice} doppelt, {unexpected} unerwartet; "
            f"{events.applied} angewandt, Dead Letters {len(letters)} (erwartet {len(bad)}), davon {len(with_reason)} "
            f"mit Grund; {len(events.not_applied)} weder angewandt noch Dead Letter",
            events.describe_new(),
        ]
        samples: dict[str, str] = {}
        for d in letters:
            samples.setdefault(f"{d.subject}, {d.code}", d.reason)
        result.details += [f"Grund ({k}): „{' '.join(v.split())[:200]}…“" for k, v in sorted(samples.items())]
        result.details += [f"nicht angewandt: {x}" for x in events.not_applied[:5]]
        result.details += [f"Mail fehlt: {x}" for x in missing[:5]]
        result.details += describe_logs(system.base)
        result.figures["ausgabe17"] = {
            "gueltig": good,
            "fehlerhaft": len(bad),
            "mails_erwartet": len(must),
            "mails_fehlen": len(missing),
            "mails_doppelt": twice,
            "angewandt": events.applied,
            "dead_letters": len(letters),
            "mit_grund": len(with_reason),
            "nicht_angewandt": len(events.not_applied),
        }
        return (
            not missing
            and twice == 0
            and unexpected == 0
            and events.lost == 0
            and len(letters) == len(bad) == len(with_reason)
            and events.dead_lettered == len(bad)
        )
    return False


async def run(base: Path, seed: int) -> Result:
    result = Result("malformed", "1.000 fehlerhafte unter 10.000 gültigen Nachrichten")
    system = System(base / "malformed", services=("events",), smtp=False, declare=("registry", "notifications"))
    async with recorded(result, system):
        await system.start()
        js = system.broker.connection.jetstream()
        rng = random.Random(seed + 3)
        good, expected = good_messages(rng)
        bad = bad_messages(rng, BAD)
        bad_at = set(rng.sample(range(GOOD + BAD), BAD))
        good_iter, bad_iter = iter(good), iter(bad)
        mixed: list[tuple[str, bytes, dict | None]] = []
        for position in range(GOOD + BAD):
            if position in bad_at:
                _kind, body = next(bad_iter)
                mixed.append((rng.choice((GroupFormedV1.subject, GroupRenamedV1.subject)), body, None))
            else:
                subject, body, event_id = next(good_iter)
                mixed.append((subject, body, {"Nats-Msg-Id": event_id}))
        t0 = time.monotonic()
        await publish(js, mixed)
        published = time.monotonic() - t0
        done_after, left = await system.wait_caught_up(timeout=240)
        processed = time.monotonic() - t0
        if left:
            result.details.append(f"Nach 240 s noch nicht verarbeitet: {left}")

        replica: dict[str, e.GroupV1] = {}
        for state in STATES:
            reply = await request(system.broker, e.GROUPS, e.GroupsQuery(state=state), timeout=30)
            replica |= {g.group_id: g for g in reply.data.groups}
        seen = sum(g.events_seen for g in replica.values())
        wrong = [gid for gid, (name, _s) in expected.items() if getattr(replica.get(gid), "name", None) != name]
        letters = await read_stream(js, "DEADLETTER_EVENTS", "deadletter.events.>")
        with_reason = [m for m in letters if decode_reason(m.headers.get(H.REASON, "")).strip()]
        await system.stop_services()
        events = await account_events(js, {"events": system.database("events")}, ("registry",))

        result.lost = events.lost + len(wrong) + abs(GOOD - seen)
        result.duplicates = None
        result.dead_letters = len(letters)
        result.dead_letter_codes = dict(Counter(m.headers.get(H.CODE, "?") for m in letters))
        rate = (GOOD + BAD) / processed
        result.recovery = f"– (alle {de(GOOD + BAD, 0)} in {seconds(processed)} verarbeitet, {de(rate, 0)}/s)"
        kinds = Counter(kind for kind, _ in bad)
        kind_of = {body: kind for kind, body in bad}
        samples: dict[str, str] = {}
        for letter in letters:
            samples.setdefault(kind_of.get(letter.data, "?"), decode_reason(letter.headers.get(H.REASON, "")))
        result.details += [
            f"{de(GOOD, 0)} gültige Registry-Ereignisse ({de(GOOD - RENAMES, 0)} gegründet, {de(RENAMES, 0)} umbenannt) und "
            f"{de(BAD, 0)} fehlerhafte ({', '.join(f'{de(v, 0)} {k}' for k, v in kinds.items())}) gemischt in {seconds(published)} "
            f"veröffentlicht; Aktionsplanung hat alles nach {seconds(processed)} verarbeitet ({de(rate, 0)} Nachrichten/s)",
            f"Replikat: {de(len(replica), 0)} von {de(len(expected), 0)} Gruppen, {de(seen, 0)} angewandte Ereignisse "
            f"(erwartet genau {de(GOOD, 0)}), {len(wrong)} Gruppen mit falschem Namen",
            f"Dead Letters: {de(len(letters), 0)}, davon {de(len(with_reason), 0)} mit Grund; Abgleich Stream → Inbox/Dead Letter: "
            f"{de(events.applied, 0)} angewandt, {de(events.dead_lettered, 0)} als Dead Letter, {len(events.not_applied)} weder noch",
        ]
        result.details += [
            f"Grund ({kind}): „{' '.join(reason.split())[:260]}…“" for kind, reason in sorted(samples.items())
        ]
        result.details += [f"nicht angewandt: {x}" for x in events.not_applied[:5]]
        result.details += describe_logs(system.base)
        result.figures |= {
            "gueltig": GOOD,
            "fehlerhaft": BAD,
            "veroeffentlicht_s": round(published, 2),
            "verarbeitet_s": round(processed, 2),
            "replikat_gruppen": len(replica),
            "angewandt": seen,
            "falscher_name": len(wrong),
            "dead_letters": len(letters),
            "mit_grund": len(with_reason),
            "nicht_angewandt": len(events.not_applied),
        }
        first = (
            result.lost == 0
            and seen == GOOD
            and len(letters) == BAD
            and len(with_reason) == BAD
            and events.dead_lettered == BAD
        )
    if result.error:
        return result
    first_part = result.seconds
    second = await run_new(base, seed, result)
    result.seconds += first_part
    result.passed = first and second
    return result
