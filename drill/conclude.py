"""The end of every workload drill: let the system settle, then count what arrived and what did not."""

from __future__ import annotations

from collections import Counter

from drill.result import Result, de, describe_logs, seconds
from drill.system import SERVICES, System
from drill.verify import EventAccount, MailAccount, account_events, account_mails
from drill.workload import READERS, Ledger
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import request

SETTLE_TIMEOUT = 150
TALLY = ("outbox", "stream", "faellig", "angewandt", "dead_letter")


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
    trainings = {
        t.training_id: t
        for t in (await request(broker, e.TRAININGS, e.TrainingsQuery(upcoming_only=False), timeout=30)).data.trainings
    }
    for (training_id, address), status in ledger.registrations.items():
        found = trainings.get(training_id)
        entry = next((p for p in found.participants if p.email == address), None) if found else None
        if getattr(entry, "status", None) != status:
            problems.append(f"Schulungen: {ledger.trainings[training_id]} ohne {address} ({status})")
    campaigns = {c.title: c for c in (await request(broker, r.CAMPAIGNS, r.ListQuery(), timeout=30)).data.campaigns}
    for title, (state, recipients) in ledger.campaigns.items():
        found = campaigns.get(title)
        if state == "bestaetigt" and (found is None or found.invited != len(recipients)):
            problems.append(f"Register: Erhebung {title} fehlt oder nicht alle eingeladen")
        if found is not None and sum(c.title == title for c in campaigns.values()) > 1:
            problems.append(f"Register: Erhebung {title} doppelt")
    return problems


def personal_mails(lines: list[tuple[str, str, str]], ledger: Ledger, must: set[tuple[str, str]]) -> dict[str, int]:
    """The personal mails of issue 17 (training confirmations and waiting lists, survey invitations): each
    acknowledged one exactly once, by (recipient, subject), whatever its Message-ID."""
    personal = ledger.personal_mails()
    copies = Counter((rcpt, subject) for rcpt, _mid, subject in lines if (rcpt, subject) in personal)
    due = personal & must
    return {
        "erwartet": len(due),
        "fehlen": sum(1 for m in due if m not in copies),
        "doppelt": sum(c - 1 for c in copies.values()),
        "angekommen": sum(copies.values()),
        "unklar_angekommen": sum(1 for m in personal - must if m in copies),
    }


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
    lines = ledger.as_expected(system.sink.lines())
    mails = account_mails(lines, must, may)
    personal = personal_mails(lines, ledger, must)
    await system.stop_services()
    producers = tuple(s for s in SERVICES if s in system.services)
    events = await account_events(
        system.broker.connection.jetstream(), {s: system.database(s) for s in producers}, producers
    )

    result.lost = events.lost + len(mismatches) + len(mails.missing)
    result.duplicates = mails.duplicates + len(events.twice_in_stream)
    result.duplicate_note = ", ".join(
        x
        for x in (
            f"{mails.retransmissions}× gleiche Message-ID erneut übertragen" if mails.retransmissions else "",
            f"{mails.logical_duplicates}× mit anderer Message-ID" if mails.logical_duplicates else "",
            f"{len(events.twice_in_stream)} Ereignisse doppelt im Stream" if events.twice_in_stream else "",
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
        "schulungen": len(ledger.trainings),
        "schulungen_unklar": ledger.trainings_unclear,
        "anmeldungen": len(ledger.registrations),
        "erhebungen": sum(1 for state, _ in ledger.campaigns.values() if state == "bestaetigt"),
        "erhebungen_unklar": sum(1 for state, _ in ledger.campaigns.values() if state == "unklar"),
        "persoenliche_mails": personal,
        "neue_ereignisse": {k: dict(zip(TALLY, v, strict=True)) for k, v in events.by_subject.items()},
        "doppelt_im_stream": len(events.twice_in_stream),
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
        "beitraege_per_mail": len(ledger.mail_posts_accepted),
    }
    result.details += [
        f"Client: {de(ledger.acknowledged, 0)} Befehle bestätigt ({de(len(ledger.groups), 0)} Gruppen, "
        f"{de(len(ledger.offices), 0)} Beratungsstellen, {de(len(ledger.invitations), 0)} Aktionen mit Einladungen, "
        f"{de(len(ledger.posts), 0)} Beiträge, davon {result.figures['beitraege_unklar']} mit unklarem Ausgang), "
        f"{de(ledger.retries, 0)} Wiederholungen, {len(ledger.refusals)} Ablehnungen; längstes Warten auf eine Antwort "
        f"{seconds(ledger.longest_wait)}",
        f"Schulungen und Erhebungen (Ausgabe 17): {len(ledger.trainings)} Schulungstermine "
        f"(+{ledger.trainings_unclear} mit unklarem Ausgang), {len(ledger.registrations)} Anmeldungen, "
        f"{result.figures['erhebungen']} Erhebungen (+{result.figures['erhebungen_unklar']} unklar); persönliche Mails: "
        f"{personal['erwartet']} erwartet, {personal['fehlen']} fehlen, {personal['doppelt']} doppelt, "
        f"{personal['unklar_angekommen']} aus unklaren Befehlen angekommen",
        f"Beiträge per Mail (LMTP, Ausgabe 20): {len(ledger.mail_posts)} geschrieben, "
        f"{len(ledger.mail_posts_accepted)} vom Eingang angenommen, jeder an {len(READERS) + 1} Mitglieder",
        events.describe_new(),
        f"Ereignisse: {de(events.committed, 0)} in den Outboxen, {de(events.in_streams, 0)} in den Streams, "
        f"{len(events.missing_in_stream)} fehlen im Stream, {len(events.twice_in_stream)} doppelt im Stream, "
        f"{events.unpublished} unveröffentlicht; "
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
        ("doppelt im Stream", events.twice_in_stream),
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
