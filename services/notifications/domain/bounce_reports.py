"""Reading bounce messages: RFC 3464 delivery status notifications, and the plain-text reports some MTAs still send.

A DSN is `multipart/report; report-type=delivery-status` with a `message/delivery-status` part: one block per
recipient with `Action`, `Status` (`5.1.1`) and a `Diagnostic-Code`. Without one (older Exim, qmail, Postfix
configured so, many appliances) the text is searched for a status or an SMTP reply and the usual words ("user
unknown", "mailbox full"). What reads as neither — an out-of-office reply, spam to the bounce address — is no bounce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, message_from_string, policy
from email.message import Message

from services.notifications.domain.bounces import Severity, severity_of

MAX_TEXT = 20_000  # characters of a plain-text report searched (a bounce that returns a whole large mail)
_STATUS = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_REPLY = re.compile(r"(?<!\d)([45]\d\d)(?:[ -]|$)", re.MULTILINE)
_ADDRESS = re.compile(r"<?([A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?")
_MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
HARD_WORDS = (
    "user unknown",
    "unknown user",
    "no such user",
    "no such recipient",
    "no mailbox here",
    "mailbox unavailable",
    "mailbox not found",
    "does not exist",
    "recipient address rejected",
    "invalid recipient",
    "account has been disabled",
    "this is a permanent error",
    "benutzer unbekannt",
    "unbekannter empfänger",
)
SOFT_WORDS = ("mailbox full", "over quota", "quota exceeded", "insufficient storage", "postfach voll", "temporar")
BOUNCE_MARKS = (
    "mailer-daemon",
    "postmaster",
    "mail delivery",
    "delivery status",
    "undeliver",
    "could not be delivered",
    "returned mail",
    "failure notice",
    "delivery has failed",
    "unzustellbar",
    "nicht zugestellt",
)


@dataclass(frozen=True)
class Report:
    """What a bounce says about one recipient."""

    severity: Severity
    status: str
    diagnostic: str = ""
    recipient: str = ""
    reference: str = ""  # the Message-ID of the bounced mail, where the report returns it
    source: str = "dsn"


def read(raw: bytes) -> list[Report]:
    """Every failed or delayed recipient the bounce reports (empty: not a bounce, or only successes)."""
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
    except Exception:  # noqa: BLE001 - broken MIME is no bounce we can read; the caller keeps it
        return []
    status_part = next((p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None)
    if status_part is not None:
        return _from_dsn(status_part, _reference(message))
    return _from_text(message)


def _from_dsn(part: Message, reference: str) -> list[Report]:
    reports = []
    for block in _blocks(part)[1:]:  # the first block is about the message, the others one recipient each
        action = (block.get("Action") or "").strip().lower()
        status = (block.get("Status") or "").strip().split(" ")[0]
        severity = severity_of(status)
        if action not in ("failed", "delayed") or severity is None:
            continue  # delivered, relayed, expanded: no bounce
        if action == "delayed":
            severity = Severity.SOFT
        recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        diagnostic = " ".join((block.get("Diagnostic-Code") or "").split()).partition(";")[2].strip()
        reports.append(Report(severity, status, diagnostic[:500], recipient, reference, "dsn"))
    return reports


def _blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload
    text = part.get_payload(decode=True) or b""  # some MTAs encode the part: read it as header blocks ourselves
    blocks = re.split(r"\r?\n\s*\r?\n", text.decode("utf-8", "replace").strip())
    return [message_from_string(b) for b in blocks if b.strip()]


def _reference(message: Message) -> str:
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822" and isinstance(part.get_payload(), list):
            found = part.get_payload()[0].get("Message-ID", "")
            return found.strip()
        if kind == "text/rfc822-headers":
            found = _MESSAGE_ID.search((part.get_payload(decode=True) or b"").decode("utf-8", "replace"))
            return found.group(1) if found else ""
    return ""


def _address(field: str) -> str:
    found = _ADDRESS.search(field.partition(";")[2] or field)
    return found.group(1).lower() if found else ""


def _from_text(message: Message) -> list[Report]:
    text = _text_of(message)
    lowered = text.lower()
    head = f"{message.get('From', '')} {message.get('Subject', '')}".lower()
    if not any(mark in head or mark in lowered for mark in BOUNCE_MARKS):
        return []  # an out-of-office reply or anything else sent to the bounce address
    status = next(iter(_STATUS.findall(text)), "") or next(iter(_REPLY.findall(text)), "")
    severity = severity_of(status)
    if any(w in lowered for w in HARD_WORDS) and severity != Severity.SOFT:
        severity = Severity.HARD
    elif any(w in lowered for w in SOFT_WORDS) and severity is None:
        severity = Severity.SOFT
    if severity is None:
        return []
    line = next((ln.strip() for ln in text.splitlines() if status and status in ln), "")
    recipient = next((a.lower() for a in _ADDRESS.findall(text) if not _is_daemon(a)), "")
    found = _MESSAGE_ID.search(text)
    return [Report(severity, status, line[:500], recipient, found.group(1) if found else "", "text")]


def _is_daemon(address: str) -> bool:
    return address.lower().split("@")[0] in ("mailer-daemon", "postmaster")


def _text_of(message: Message) -> str:
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text" or part.get_content_type() == "message/rfc822":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        if part.get_content_type() == "message/rfc822" and isinstance(part.get_payload(), list):
            parts.append(str(part.get_payload()[0]))
            break
    return "\n".join(parts)[:MAX_TEXT]
