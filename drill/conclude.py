"""The end of every workload drill: let the system settle, then count what arrived and what did not."""

from __future__ import annotations

from drill.result import Result, de, describe_logs, seconds
from drill.system import SERVICES, System
from drill.verify import EventAccount, MailAccount, account_events, account_mails
from drill.workload import Ledger
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import request

SETTLE_TIMEOUT = 150


async def state_mismatches(system: System, ledger: Ledger) -> list[str]:
    """Acknowledged commands whose effect is not where it belongs (register, planning replica, lists, actions)."""
    broker, problems = system.broker, []
    registry_groups = {g.group_id: g for g in (await request(broker, r.GROUPS, r.ListQuery(), timeout=30)).data.groups}
    replica = {g.group_id: g for g in (await request(broker, e.GROUPS, e.GroupsQuery(), timeout=30)).data.groups}
    lists = {
        x.group_id: x for x in (await request(broker, n.LISTS, n.ListsQuery(), timeout=30)).data.lists if x.group_id
    }
    offices = {o.office_id for o in (await request(broker, r.OFFICES, r.ListQuery(), timeout=30)).data.offices}
    actions = {a.action_id: a for a in (await request(broker, e.ACTIONS, e.ActionsQuery(), timeout=30)).data.actions}
    for g in ledger.groups.values():
        if getattr(registry_groups.get(g.group_id), "name", None) != g.name:
            problems.append(f"Register: Gruppe {g.formed_name} fehlt oder heißt nicht „{g.name}“")
        if getattr(replica.get(g.group_id), "name", None) != g.name:
            problems.append(f"Aktionsplanung: Gruppe {g.formed_name} fehlt oder heißt nicht „{g.name}“")
        if getattr(lists.get(g.group_id), "name", None) != f"Regionalgruppe {g.name}":
            problems.append(
                f"Verteiler: Liste der Gruppe {g.formed_name} fehlt oder heißt nicht „Regionalgruppe {g.name}“"
            )
    problems += [
        f"Register: Beratungsstelle {name} fehlt" for oid, name in ledger.offices.items() if oid not in offices
    ]
    for action_id, title, _day, invited in ledger.invitations:
        action = actions.get(action_id)
        if action is None or not set(invited) <= {i.group_id for i in action.invitations}:
            problems.append(f"Aktionsplanung: {title} fehlt oder ohne Einladungen")
    return problems


async def conclude(
    system: System, ledger: Ledger, result: Result, settle_label: str = "nach Ende der Last"
) -> tuple[EventAccount, MailAccount]:
    """Wait until caught up, check the state, stop the services, count events and mails into `result`."""
    settled, left = await system.wait_caught_up(SETTLE_TIMEOUT)
    result.figures["eingeholt_s"] = round(settled, 2)
    result.figures["rueckstand_verlauf"] = [[t, left] for t, left in system.backlog_trace]
    if len(system.backlog_trace) > 1:
        t, last = system.backlog_trace[-2]
        result.details.append(
            f"Zuletzt ausstehend (ab {seconds(t)}): " + ", ".join(f"{k} {v}" for k, v in last.items())
        )
    if left:
        result.details.append(f"Nach {de(SETTLE_TIMEOUT, 0)} s noch nicht eingeholt: {left}")
    mismatches = await state_mismatches(system, ledger)
    must, may = ledger.expected_mails()
    assert system.sink is not None
    mails = account_mails(ledger.as_expected(system.sink.lines()), must, may)
    await system.stop_services()
    producers = tuple(s for s in SERVICES if s in system.services)
    events = await account_events(
        system.broker.connection.jetstream(), {s: system.database(s) for s in producers}, producers
    )

    result.lost = events.lost + len(mismatches) + len(mails.missing)
    result.duplicates = mails.duplicates
    result.duplicate_note = ", ".join(
        x
        for x in (
            f"{mails.retransmissions}× gleiche Message-ID erneut übertragen" if mails.retransmissions else "",
            f"{mails.logical_duplicates}× mit anderer Message-ID" if mails.logical_duplicates else "",
        )
        if x
    )
    result.dead_letters = len(events.dead_letters)
    result.dead_letter_codes = dict(events.reasons())
    result.figures |= {
        "befehle_bestaetigt": ledger.acknowledged,
        "wiederholungen": ledger.retries,
        "laengstes_warten_s": round(ledger.longest_wait, 2),
        "ablehnungen": len(ledger.refusals),
        "gruppen": len(ledger.groups),
        "beratungsstellen": len(ledger.offices),
        "einladungen": len(ledger.invitations),
        "beitraege": len(ledger.posts),
        "beitraege_unklar": sum(1 for s in ledger.posts.values() if s == "unklar"),
        "ereignisse_committed": events.committed,
        "ereignisse_im_stream": events.in_streams,
        "nicht_im_stream": len(events.missing_in_stream),
        "outbox_unveroeffentlicht": events.unpublished,
        "zustellungen_faellig": events.deliveries_due,
        "angewandt": events.applied,
        "dead_letters": len(events.dead_letters),
        "nicht_angewandt": len(events.not_applied),
        "wirkung_fehlt": len(mismatches),
        "mails_erwartet": mails.expected,
        "mails_fehlen": len(mails.missing),
        "uebertragungen": mails.transmissions,
        "nachrichten": mails.messages,
        "erneute_uebertragungen": mails.retransmissions,
        "doppelte_nachrichten": mails.logical_duplicates,
        "unklare_beitraege_angekommen": mails.unclear_arrived,
        "unerwartete_mails": dict(mails.unexpected),
    }
    result.details += [
        f"Client: {de(ledger.acknowledged, 0)} Befehle bestätigt ({de(len(ledger.groups), 0)} Gruppen, "
        f"{de(len(ledger.offices), 0)} Beratungsstellen, {de(len(ledger.invitations), 0)} Aktionen mit Einladungen, "
        f"{de(len(ledger.posts), 0)} Beiträge, davon {result.figures['beitraege_unklar']} mit unklarem Ausgang), "
        f"{de(ledger.retries, 0)} Wiederholungen, {len(ledger.refusals)} Ablehnungen; längstes Warten auf eine Antwort "
        f"{seconds(ledger.longest_wait)}",
        f"Ereignisse: {de(events.committed, 0)} in den Outboxen, {de(events.in_streams, 0)} in den Streams, "
        f"{len(events.missing_in_stream)} fehlen im Stream, {events.unpublished} unveröffentlicht; "
        f"{de(events.deliveries_due, 0)} Zustellungen an Konsumenten fällig, {de(events.applied, 0)} angewandt, "
        f"{de(len(events.dead_letters), 0)} Dead Letters, {len(events.not_applied)} weder noch",
        f"Zustand: {len(mismatches)} bestätigte Befehle ohne Wirkung",
        f"Mails: {de(mails.expected, 0)} erwartet, {len(mails.missing)} fehlen, {de(mails.transmissions, 0)} Übertragungen, "
        f"{de(mails.messages, 0)} verschiedene Nachrichten, {mails.retransmissions} erneut übertragen (gleiche Message-ID), "
        f"{mails.logical_duplicates} doppelt mit anderer Message-ID; unklare Beiträge: {mails.unclear_arrived} von "
        f"{mails.unclear_total} Zustellungen angekommen",
        f"Eingeholt {seconds(settled)} {settle_label}",
    ]
    if mails.unexpected:
        result.details.append(f"Weitere Mails (nicht aus Befehlen des Clients): {dict(mails.unexpected)}")
    for label, items in (
        ("fehlt im Stream", events.missing_in_stream),
        ("nicht angewandt", events.not_applied),
        ("ohne Wirkung", mismatches),
        ("Mail fehlt", mails.missing),
        ("Ablehnung", ledger.refusals),
    ):
        result.details += [f"{label}: {x}" for x in items[:5]] + (
            [f"{label}: … und {len(items) - 5} weitere"] if len(items) > 5 else []
        )
    for letter in events.dead_letters[:3]:
        result.details.append(f"Dead Letter ({letter.code}, {letter.consumer}): {letter.reason[:200]}")
    result.details += describe_logs(system.base)
    return events, mails
