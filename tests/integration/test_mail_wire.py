"""Every kind of mail the system sends, through the SMTP pool to a real SMTP server (aiosmtpd), checked
on the raw bytes it received: what mail providers and calendar clients read, not what Python re-parses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.notifications.adapters import calendar
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.notifications.adapters.rendering import SUBJECTS
from services.notifications.adapters.smtp_pool import SmtpPool
from shared.clock import Clock
from shared.contracts.events import ActionSnapshot
from tests.smtp import SmtpServer

SENDER = Sender("verteiler@beratungsnetz.example")
TOKEN = "eyJwIjoiYWJtZWxkZW4iLCJsIjoibGFnLWhhcnR6LWl2LXNhY2hzZW4iLCJhIjoiYW5uYUBleGFtcGxlLm9yZyJ9." + "s" * 43
NUMBERS = dict.fromkeys(
    (
        "actions_planned",
        "actions_done",
        "actions_confirmed",
        "invitations_open",
        "items_due",
        "items_overdue",
        "items_done",
    ),
    1,
)
LINE = {"text": "Liste der Beratungsstellen fertigstellen", "responsible": "Steffen", "due": "30.06.2027"}
ACTION = {
    "kind_label": "Zahltag",
    "title": "Zahltag Plauen",
    "heading": "Zahltag Plauen",
    "when": "Dienstag, 1. Dezember 2026, 9:00 bis 11:00 Uhr",
    "where": "Jobcenter Plauen",
    "responsible": "Kathrin",
    "date": "01.12.2026",
    "link": "https://beratungsnetz.example/gruppen/erzgebirge/einladungen#aktion-a-1",
}
CONTEXTS = {
    "bestaetigen": {
        "address": "anna@example.org",
        "valid_hours": 48,
        "link": "https://beratungsnetz.example/bestaetigen?token=T",
    },
    "adresse_bestaetigen": {
        "address": "anna@example.net",
        "valid_hours": 48,
        "link": "https://beratungsnetz.example/x?token=T",
    },
    "willkommen": {
        "delivery": "jede Nachricht",
        "role": "moderation",
        "role_label": "Moderation",
        "welcome_text": "Schön, dass Sie dabei sind.\nBitte lesen Sie die Regeln.",
    },
    "unzustellbar": {
        "address": "anna@example.org",
        "display_name": "Anna",
        "rule": "3 harte Fehlschläge in 14 Tagen",
        "bounce_said": "5.1.1 550 User unknown",
        "link": "https://beratungsnetz.example/moderation/lag/unzustellbar",
    },
    "moderation": {
        "request_kind": "Eintrag",
        "address": "anna@example.org",
        "display_name": "Anna",
        "created": "29.11.2026",
        "link": "https://beratungsnetz.example/moderation/lag-hartz-iv-sachsen/anfragen",
    },
    "abgelehnt": {"reason": "kein Bezug zur Region"},
    "beitrag": {"subject": "Treffen am Montag – Ölmühle", "text": "Hallo zusammen,\n\nbis Montag."},
    "einladung": ACTION
    | {"organiser": "Vogtland", "group_name": "Erzgebirge", "guideline": "Bitte freundlich bleiben."},
    "aktion": ACTION | {"headline": "Aktion bestätigt: Zahltag Plauen", "groups": "Vogtland, Erzgebirge", "reason": ""},
    "antwort": ACTION
    | {
        "answering": "Erzgebirge",
        "accepted": True,
        "answer_word": "zugesagt",
        "answers": [("Erzgebirge", "zugesagt"), ("Chemnitz", "noch keine Antwort")],
        "open_left": 1,
    },
    "bericht": ACTION
    | {
        "headline": "Aktion durchgeführt: Zahltag Plauen",
        "groups": "Vogtland, Erzgebirge",
        "participants": 14,
        "notes": "Gute Gespräche.",
        "press": "https://zeitung.example/zahltag",
    },
    "arbeitsplan": {
        "headline": "Überfällig: Liste",
        "text": LINE["text"],
        "responsible": "Steffen",
        "timing": "II. Quartal",
        "due": "30.06.2027",
    },
    "fortschritt": {
        "since": "22.11.2026",
        "until": "29.11.2026",
        "overall": NUMBERS,
        "groups": [NUMBERS | {"group_name": "Vogtland"}],
        "overdue": [LINE | {"due_text": "30. Juni 2027"}],
        "due": [LINE | {"due_text": "30. Juni 2027"}],
        "held": [],
        "upcoming": [],
        "dashboard_url": "https://beratungsnetz.example/lage",
        "archive_url": "",
        "campaigns": [
            {
                "title": "Erhebung Büros 2027",
                "answered": 12,
                "recipients": 40,
                "rate_percent": 30,
                "ends_text": "31. März 2027",
            }
        ],
        "trainings": [
            {
                "title": "Multiplikator:innenschulung (online)",
                "when": "Mittwoch, 10. März 2027, 10:00 Uhr",
                "registered": 3,
                "waiting": 1,
                "attended": None,
            }
        ],
    },
    "hinweis": {"headline": "Neue Regionalgruppe: Vogtland", "body": "Die Regionalgruppe Vogtland ist gegründet."},
    "zusammenfassung": {"count": 2, "items": ["Treffen am Montag", "Zahltag Plauen"]},
    "anmelden": {"link": "https://beratungsnetz.example/anmelden/bestaetigen?token=T", "valid_minutes": 15},
    "verwalten": {"link": "https://beratungsnetz.example/meine-verteiler?token=T", "valid_days": 90},
    "bereits_eingetragen": {
        "address": "anna@example.org",
        "link": "https://beratungsnetz.example/meine-verteiler?token=T",
        "valid_days": 90,
    },
    "adressen_bestaetigen": {
        "address": "anna@example.net",
        "list_names": "„LAG Hartz IV Sachsen“, „Landesvorstand“",
        "valid_hours": 48,
        "link": "https://beratungsnetz.example/adresse-bestaetigen?token=T",
    },
    **{  # posts by mail (issue 20)
        kind: {
            "list_address": "lag-hartz-iv-sachsen@beratungsnetz.example",
            "sender": "frida@example.net",
            "post_subject": "Einladung zum Fachtag „Wohnen“ – https://example.net",
            "reasons": ["Die Absenderadresse ist nicht im Verteiler eingetragen."],
            "received": "30.11.2026 09:15",
            "link": "https://beratungsnetz.example/moderation/lag-hartz-iv-sachsen/beitraege",
            "expire_days": 14,
            "reason": "Bitte nur Beiträge zur Sozialberatung.",
        }
        for kind in (
            "beitrag_wartet",
            "beitrag_erinnerung",
            "beitrag_zurueckgehalten",
            "beitrag_abgelehnt",
            "beitrag_abgelaufen",
            "beitrag_unlesbar",
        )
    },
    "abmelden_bestaetigen": {
        "list_address": "lag-hartz-iv-sachsen@beratungsnetz.example",
        "link": "https://beratungsnetz.example/abmelden?token=T",
    },
    "hilfe": {
        "list_address": "lag-hartz-iv-sachsen@beratungsnetz.example",
        "list_id": "lag-hartz-iv-sachsen",
        "domain": "beratungsnetz.example",
        "link": "https://beratungsnetz.example/abonnieren/lag-hartz-iv-sachsen",
    },
    "persoenlich": {
        "subject": "Erhebung Sozialberatung: Ihre Angaben für „Bürgerbüro Plauen“",
        "text": "Guten Tag,\n\nbitte sagen Sie uns, ob in Ihrem Büro Sozialberatung stattfindet.",
        "link": "https://beratungsnetz.example/umfrage/abc",
        "link_label": "Zur Umfrage",
    },
}


async def test_every_kind_of_mail_arrives_as_other_software_reads_it(clock: Clock) -> None:
    assert set(CONTEXTS) == set(SUBJECTS)  # a new kind of mail is checked here too
    now = clock.now()
    composer = MailComposer(SENDER, "https://beratungsnetz.example", clock.now)
    start = datetime(now.year + 1, 7, 1, 9, tzinfo=UTC)
    action = ActionSnapshot(
        action_id="a-1",
        kind="zahltag",
        kind_label="Zahltag",
        title="Zahltag Plauen",
        status="geplant",
        start=start,
        end=start + timedelta(hours=2),
        organiser_group_id="g-v",
        organiser_group_name="Vogtland",
    )
    invitation = (("einladung.ics", "text/calendar", calendar.invitation(action, now, organizer=SENDER.address)),)
    server = SmtpServer().start()
    pool = SmtpPool("127.0.0.1", server.port, size=2, timeout=5)
    try:
        for kind, context in CONTEXTS.items():
            for member in (True, False):  # list mail with the RFC 2369 headers, and transactional mail without
                _, raw = composer.message(
                    kind,
                    to_address=f"{kind}-{member}@example.org",
                    to_name="Anna Beispiel",
                    event_id=kind,
                    context={"list_name": "LAG Hartz IV Sachsen – Görlitz"} | context,
                    list_id="lag-hartz-iv-sachsen",
                    list_name="LAG Hartz IV Sachsen – Görlitz",
                    unsubscribe_token=TOKEN if member else None,
                    manage_token=TOKEN if member else None,
                    attachments=invitation if kind == "einladung" else (),
                )
                await pool.send(SENDER.address, f"{kind}-{member}@example.org", raw)
    finally:
        await pool.close()
        server.stop()
    received = server.mailbox.received
    assert len(received) == 2 * len(SUBJECTS)
    assert server.mailbox.misread() == {}
    lists = [r.raw for r in received if b"List-Unsubscribe:" in r.raw]
    assert len(lists) == len(SUBJECTS) and all(
        b"\r\nList-Unsubscribe: <https://beratungsnetz.example/abmelden?token=" in r for r in lists
    )
    assert all(b"https://beratungsnetz.example/meine-verteiler?token=" in r for r in lists)  # in every list mail
    (with_calendar,) = [r.raw for r in received if b"text/calendar" in r.raw and b"List-Unsubscribe" in r.raw]
    assert b'Content-Type: text/calendar; method="PUBLISH"; charset="utf-8"' in with_calendar
