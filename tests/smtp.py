"""A real SMTP server for tests (aiosmtpd on a free loopback port) that keeps what it receives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from icalendar import Calendar

from beratungsnetz.runtime.ports import free_port
from beratungsnetz.runtime.smtp_sink import EmlWriter

URI_LISTS = re.compile(rb"^(List-(?:Unsubscribe|Post|Archive|Help)):(.*(?:\r\n[ \t].*)*)", re.MULTILINE | re.IGNORECASE)
URI_LIST = re.compile(r"<[^<>\s]+>(\s*,\s*<[^<>\s]+>)*")


def wire_problems(raw: bytes) -> list[str]:
    """What other software would misread in a mail as it went over the wire (empty: nothing)."""
    problems = []
    head = raw.split(b"\r\n\r\n", 1)[0]
    for name, value in URI_LISTS.findall(head):
        label, text = name.decode(), value.decode("ascii", "replace")
        if "=?" in text:
            problems.append(f"{label} ist RFC-2047-kodiert: {text[:60]}")
        if re.search(r"[^,]\r\n[ \t]", text):
            problems.append(f"{label} ist nicht nur an Kommas umbrochen")
        if not URI_LIST.fullmatch(re.sub(r"\r\n(?=[ \t])", "", text).strip()):
            problems.append(f"{label} ist keine Liste <URI>, <URI>: {text[:60]}")
    problems += [f"Zeile mit {len(line)} Zeichen (höchstens 998)" for line in raw.split(b"\r\n") if len(line) > 998]
    message = message_from_bytes(raw, policy=policy.default)
    if message.get_all("MIME-Version", []) != ["1.0"]:
        problems.append(f"MIME-Version oben: {message.get_all('MIME-Version')}")
    if message["List-Unsubscribe"] and message["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click":
        problems.append("List-Unsubscribe ohne List-Unsubscribe-Post (RFC 8058)")
    for part in message.walk():
        if part is not message and "MIME-Version" in part:
            problems.append(f"MIME-Version in einem Teil ({part.get_content_type()})")
        if part.get_content_type() == "text/calendar":
            method = Calendar.from_ical(part.get_payload(decode=True)).get("METHOD")
            if (part.get_param("method"), part.get_param("charset")) != (method and str(method), "utf-8"):
                problems.append(
                    f"text/calendar mit method={part.get_param('method')} charset={part.get_param('charset')}, "
                    f"im Kalender METHOD:{method}"
                )
    return problems


@dataclass
class Received:
    recipient: str
    raw: bytes
    mail_from: str = ""  # the envelope sender (MAIL FROM): a list mail's VERP address

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def problems(self) -> list[str]:
        return wire_problems(self.raw)

    def link(self, path: str) -> str:
        found = re.search(rf"https?://\S+/{re.escape(path)}\?token=\S+", self.text)
        assert found, f"kein Link /{path} in: {self.text}"
        return found.group(0)


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> SMTP reply
    eml: EmlWriter | None = None  # also stores each mail as an .eml file, as the development sink does

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for recipient in envelope.rcpt_tos:
            self.received.append(Received(recipient, envelope.original_content, envelope.mail_from or ""))
        if self.eml is not None:  # for the gateway's local mailbox pages (setting mailbox_dir)
            await self.eml.handle_DATA(server, session, envelope)
        return "250 Nachricht angenommen"

    def to(self, recipient: str) -> list[Received]:
        return [r for r in self.received if r.recipient == recipient]

    def misread(self) -> dict[str, list[str]]:
        """Every received mail whose raw bytes other software would misread: subject -> problems."""
        return {f"{r.message['Subject']} an {r.recipient}": r.problems for r in self.received if r.problems}


class SmtpServer:
    def __init__(self, port: int | None = None, eml_dir: Path | None = None) -> None:
        self.mailbox = Mailbox(eml=EmlWriter(eml_dir) if eml_dir is not None else None)
        self.port = port or free_port()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None
