"""A real SMTP server for tests (aiosmtpd on a free loopback port) that keeps what it receives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from beratungsnetz.runtime.ports import free_port


@dataclass
class Received:
    recipient: str
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def link(self, path: str) -> str:
        found = re.search(rf"https?://\S+/{re.escape(path)}\?token=\S+", self.text)
        assert found, f"kein Link /{path} in: {self.text}"
        return found.group(0)


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> SMTP reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        for recipient in envelope.rcpt_tos:
            self.received.append(Received(recipient, envelope.original_content))
        return "250 Nachricht angenommen"

    def to(self, recipient: str) -> list[Received]:
        return [r for r in self.received if r.recipient == recipient]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.mailbox = Mailbox()
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
