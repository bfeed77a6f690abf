"""The database file's disk full, without root: a file-size limit (RLIMIT_FSIZE) set on the running
action-planning process with prlimit(2), at exactly the size its SQLite file has at that moment.

From then on the database file cannot grow and the WAL can be written only up to that size; every
write beyond fails (EFBIG, SQLite reports "disk I/O error") as on a full disk. Python ignores
SIGXFSZ, so the process is not killed by it, and its log goes through a pipe, which no file-size
limit reaches. While the disk is "full" the drill feeds registry events, sends a command and asks
for health; then it lifts the limit (space freed, no restart) and measures the time until the
backlog is gone. If the service died or does not recover on its own within 90 s it is restarted,
and the result says so.
"""

from __future__ import annotations

import asyncio
import resource
import time
from pathlib import Path

from drill.malformed import STATES, publish
from drill.result import Result, de, describe_logs, recorded, seconds
from drill.system import System
from drill.verify import account_events
from shared.contracts import Envelope
from shared.contracts import events as e
from shared.contracts.registry import GroupFormedV1
from shared.messaging.rpc import ServiceUnavailable, request

BEFORE, DURING = 1_000, 2_000
FULL_FOR = 10.0  # seconds the disk stays full after the events were published
RECOVER_ALONE = 90.0


def formed(first: int, last: int) -> list[tuple[str, bytes, dict]]:
    found = []
    for i in range(first, last):
        envelope = Envelope.wrap(GroupFormedV1(group_id=f"p{i:05d}", name=f"Gruppe {i}", state=STATES[i % len(STATES)]))
        found.append(
            (GroupFormedV1.subject, envelope.model_dump_json().encode(), {"Nats-Msg-Id": str(envelope.event_id)})
        )
    return found


def set_file_limit(pid: int, size: int) -> None:
    """Only the soft limit: lifting it again needs no privilege."""
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))


async def applied(system: System) -> tuple[int, int]:
    """(groups in the replica, registry events applied to it) — each event counts once per group."""
    groups = seen = 0
    for state in STATES:
        reply = await request(system.broker, e.GROUPS, e.GroupsQuery(state=state), timeout=30)
        groups += len(reply.data.groups)
        seen += sum(g.events_seen for g in reply.data.groups)
    return groups, seen


async def run(base: Path, seed: int) -> Result:
    result = Result("diskfull", "Datenbankdatei: Platte voll (Aktionsplanung)")
    system = System(
        base / "diskfull", services=("events",), smtp=False, declare=("registry", "notifications"), piped=("events",)
    )
    async with recorded(result, system):
        await system.start()
        js = system.broker.connection.jetstream()
        process = system.processes["events"]
        await publish(js, formed(0, BEFORE))
        await system.wait_caught_up(60)
        size = system.database("events").stat().st_size
        wal = Path(f"{system.database('events')}-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        set_file_limit(process.pid, size)
        full_at = time.monotonic()
        await publish(js, formed(BEFORE, BEFORE + DURING))
        observations: list[str] = []
        health_seen: set[str] = set()
        while time.monotonic() - full_at < FULL_FOR and process.alive():
            await asyncio.sleep(1)
            health = await system.health("events", timeout=3)
            health_seen.add(
                "keine Antwort" if health is None else f"{health.status} (datenbank: {health.checks.get('datenbank')})"
            )
        backlog = await system.backlog()
        waiting = sum(v for k, v in backlog.items() if k.startswith("events__"))
        try:
            reply = await request(
                system.broker, e.ADD_WORK_ITEM, e.AddWorkItem(text="Eintrag bei voller Platte"), timeout=5
            )
            command = "angenommen" if reply.ok else f"typisierter Fehler „{reply.error.code}“: {reply.error.message}"
        except ServiceUnavailable:
            command = "keine Antwort (Zeitüberschreitung)"
        groups_full, seen_full = await applied(system) if process.alive() else (0, 0)
        state = "läuft" if process.alive() else f"beendet (Code {process.exit_code()})"
        observations.append(
            f"Grenze gesetzt bei {de(size / 1024, 0)} KiB (Größe der Datenbankdatei; das WAL war "
            f"{de(wal_size / 1024, 0)} KiB groß und ist nur bis zu dieser Grenze beschreibbar); "
            f"{de(DURING, 0)} weitere Ereignisse veröffentlicht; nach {seconds(time.monotonic() - full_at)}: "
            f"{de(seen_full - BEFORE, 0)} davon angewandt, {de(waiting, 0)} warten (NAK mit Verzögerung), Dienst {state}"
        )
        observations.append(f"Gesundheit währenddessen: {', '.join(sorted(health_seen)) or '–'}")
        observations.append(f"Befehl add_work_item währenddessen: {command}")

        restarted = ""
        if process.alive():
            set_file_limit(process.pid, resource.RLIM_INFINITY)
        lifted = time.monotonic()
        if not process.alive():
            restarted = f"Dienst war beendet (Code {process.exit_code()}), ohne Grenze neu gestartet"
            process.start()
            await system.wait_ready("events", timeout=60)
        took, left = await system.wait_caught_up(RECOVER_ALONE)
        if left and not restarted:
            restarted = f"nach {de(RECOVER_ALONE, 0)} s ohne Neustart noch Rückstand {left}; neu gestartet"
            process.stop()
            process.start()
            await system.wait_ready("events", timeout=60)
            took, left = await system.wait_caught_up(120)
        recovered = time.monotonic() - lifted
        after = await request(
            system.broker, e.ADD_WORK_ITEM, e.AddWorkItem(text="Eintrag nach der Freigabe"), timeout=10
        )
        groups, seen = await applied(system)
        await system.stop_services()
        events = await account_events(js, {"events": system.database("events")}, ("registry",))

        result.lost = events.lost + max(0, BEFORE + DURING - seen)
        result.duplicates = None
        result.dead_letters = len(events.dead_letters)
        result.dead_letter_codes = dict(events.reasons())
        result.recovery = f"{seconds(recovered)} nach Freigabe des Platzes" + (
            f" ({restarted})" if restarted else " (ohne Neustart)"
        )
        result.details += observations + [
            f"Platz freigegeben (Grenze aufgehoben, kein Neustart): nach {seconds(recovered)} alles nachgeholt"
            if not restarted
            else restarted,
            f"Danach: Replikat {de(groups, 0)} Gruppen, {de(seen, 0)} angewandte Ereignisse (erwartet genau {de(BEFORE + DURING, 0)}); "
            f"Abgleich Stream → Inbox: {de(events.applied, 0)} angewandt, {events.dead_lettered} Dead Letters, "
            f"{len(events.not_applied)} weder noch; Befehl add_work_item danach: {'angenommen' if after.ok else after.error.code}",
        ]
        result.details += [f"Dead Letter ({d.code}): {d.reason[:200]}" for d in events.dead_letters[:3]]
        result.details += describe_logs(system.base)
        healthy_flagged = any("ok (datenbank: ok)" != h for h in health_seen)
        result.figures |= {
            "grenze_bytes": size,
            "wal_bytes": wal_size,
            "angewandt_waehrend_voll": seen_full - BEFORE,
            "wartend_waehrend_voll": waiting,
            "gesundheit": sorted(health_seen),
            "befehl_waehrend_voll": command,
            "erholt_s": round(recovered, 2),
            "neustart": restarted,
            "angewandt": seen,
            "nachholen_s": round(took, 2),
        }
        result.passed = result.lost == 0 and not restarted and after.ok and seen == BEFORE + DURING
        if result.passed and not healthy_flagged:
            result.verdict = "bestanden; Gesundheit meldete weiter „ok“"
    return result
