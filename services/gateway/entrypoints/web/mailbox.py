"""The local mailbox (development only): the mails the SMTP sink of `beratungsnetz up` stored as .eml files.

Enabled by the setting `mailbox_dir` (refused in production); without it these pages do not exist (404).
Everything shown is escaped; links in a mail's text are made clickable.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import page
from shared.clock import german_datetime

NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}\.eml$")
LINK = re.compile(r"https?://[^\s<>\"']+")
PER_PAGE = 50
HEADER_LABELS = {  # the headers a person trying the system wants to see, under German names
    "From": "Von",
    "To": "An",
    "Cc": "Kopie an",
    "Reply-To": "Antwort an",
    "Subject": "Betreff",
    "Date": "Datum",
    "List-Id": "Verteiler (List-Id)",
    "List-Unsubscribe": "Abmelden (List-Unsubscribe)",
    "X-Sink-Rcpt-To": "Zugestellt an",
}
NOT_HERE = "Das Postfach gibt es nur auf einem Entwicklungsrechner, der mit `beratungsnetz up` läuft."


@dataclass(frozen=True)
class MailSummary:
    name: str
    sender: str
    recipients: str
    subject: str
    sent: datetime | None


def _when(value: str | None, fallback: Path) -> datetime | None:
    try:
        if value:
            return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromtimestamp(fallback.stat().st_mtime, UTC)
    except OSError:
        return None


def _summary(path: Path) -> MailSummary:
    with path.open("rb") as file:
        headers = BytesHeaderParser(policy=policy.default).parse(file)
    return MailSummary(
        name=path.name,
        sender=str(headers.get("From", "")),
        recipients=str(headers.get("X-Sink-Rcpt-To") or headers.get("To", "")),
        subject=str(headers.get("Subject", "")),
        sent=_when(headers.get("Date"), path),
    )


def list_mails(directory: Path) -> list[MailSummary]:
    """Newest first (the sink names its files by the moment of arrival)."""
    if not directory.is_dir():
        return []
    names = sorted((p for p in directory.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True)
    return [_summary(p) for p in names]


def segments(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_link) so the template can make links of the links and escape everything."""
    found, at = [], 0
    for match in LINK.finditer(text):
        url = match.group(0).rstrip(".,;:)»“")
        if match.start() > at:
            found.append((text[at : match.start()], False))
        found.append((url, True))
        at = match.start() + len(url)
    if at < len(text):
        found.append((text[at:], False))
    return found


def read_mail(path: Path) -> dict:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    headers = [
        (label, german_datetime(_when(str(value), path)) if name == "Date" else str(value))
        for name, label in HEADER_LABELS.items()
        for value in message.get_all(name, [])
    ]
    return {
        "mail_headers": headers,
        "segments": segments(text),
        "has_text": body is not None,
        "attachments": attachments,
    }


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def directory(request: Request) -> Path:
        found = web_of(request).mailbox_dir
        if found is None:
            raise PageError(404, NOT_HERE)
        return found

    @r.get("/postfach")
    async def mailbox(request: Request, seite: int = 1) -> Response:
        mails = await asyncio.to_thread(list_mails, directory(request))
        pages = max(1, -(-len(mails) // PER_PAGE))
        number = min(max(seite, 1), pages)
        shown = mails[(number - 1) * PER_PAGE : number * PER_PAGE]
        return page(
            request, "postfach", "Postfach – nur lokal", mails=shown, total=len(mails), page_number=number, pages=pages
        )

    @r.get("/postfach/{name}")
    async def mail(request: Request, name: str) -> Response:
        folder = directory(request)
        path = folder / name
        if not NAME.match(name) or not path.is_file():
            raise PageError(404, "Diese Mail gibt es (nicht mehr) im Postfach.")
        shown = await asyncio.to_thread(read_mail, path)
        subject = dict(shown["mail_headers"]).get("Subject") or "(ohne Betreff)"
        return page(request, "postfach_mail", subject, name=name, **shown)

    return r
