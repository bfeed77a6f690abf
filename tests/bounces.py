"""Bounce messages as mail servers send them, for tests: an RFC 3464 DSN built as Postfix builds one, and the
plain-text reports of Exim, qmail and Postfix without DSN (tests/unit/notifications/bounce_samples/)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from pathlib import Path

SAMPLES = Path(__file__).parent / "unit" / "notifications" / "bounce_samples"


def sample(name: str, recipient: str = "anna@example.org") -> bytes:
    """A stored plain-text bounce with its recipient put in."""
    return (SAMPLES / name).read_bytes().replace(b"anna@example.org", recipient.encode())


def dsn(
    bounce_to: str,
    recipient: str,
    original: bytes,
    *,
    status: str = "5.1.1",
    action: str = "failed",
    diagnostic: str = "550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table",
    mta: str = "mx.example.net",
    when: datetime | None = None,
) -> bytes:
    """A delivery status notification for `recipient` about `original`, as Postfix sends it to the return path."""
    when = when or datetime(2026, 11, 21, 10, tzinfo=UTC)
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = f"MAILER-DAEMON@{mta} (Mail Delivery System)"
    report["To"] = bounce_to
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = format_datetime(when)
    report["Message-ID"] = make_msgid(domain=mta)
    report["Auto-Submitted"] = "auto-replied"
    notice = MIMEText(
        f"This is the mail system at host {mta}.\n\nI'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        f"<{recipient}>: host mail.example.org said: {diagnostic.format(r=recipient)}\n",
        "plain",
        "us-ascii",
    )
    notice["Content-Description"] = "Notification"
    status_part = Message()
    status_part.set_type("message/delivery-status")
    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = f"dns; {mta}"
    per_message["Arrival-Date"] = format_datetime(when)
    per_recipient["Final-Recipient"] = f"rfc822; {recipient}"
    per_recipient["Original-Recipient"] = f"rfc822;{recipient}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Remote-MTA"] = "dns; mail.example.org"
    per_recipient["Diagnostic-Code"] = f"smtp; {diagnostic.format(r=recipient)}"
    status_part.set_payload([per_message, per_recipient])
    status_part["Content-Description"] = "Delivery report"
    head = original.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("ascii", "replace")
    headers = MIMEText(head.replace("\r\n", "\n") + "\n", "rfc822-headers", "us-ascii")
    headers["Content-Description"] = "Undelivered Message Headers"
    for part in (notice, status_part, headers):
        report.attach(part)
    return report.as_bytes(policy=policy.SMTP)


def parsed(raw: bytes) -> Message:
    return message_from_bytes(raw, policy=policy.default)
