"""The SMTP pool against a real SMTP server (aiosmtpd): with `ready`, the envelope goes out first and the message
only once `ready` is done; if `ready` fails, no message is handed over and the connection is not used again."""

from __future__ import annotations

import asyncio

import pytest

from services.notifications.adapters.smtp_pool import SmtpPool
from services.notifications.service_layer.delivery import Permanent
from tests.smtp import Mailbox, SmtpServer
from tests.support import eventually

SENDER = "verteiler@beratungsnetz.example"
MESSAGE = (
    b"From: Verteiler <verteiler@beratungsnetz.example>\r\nSubject: Aufruf\r\n\r\nKommt alle.\r\n.Punkt am Anfang\r\n"
)


class Envelopes(Mailbox):
    """Notes each accepted RCPT as it arrives, before any message."""

    def __init__(self) -> None:
        super().__init__()
        self.rcpt: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = await super().handle_RCPT(server, session, envelope, address, rcpt_options)
        if answer == "250 OK":
            self.rcpt.append(address)
        return answer


@pytest.fixture
def server():
    smtp = SmtpServer()
    smtp.mailbox = Envelopes()
    smtp.start()
    yield smtp
    smtp.stop()


async def test_the_message_waits_for_ready_and_arrives_whole(server: SmtpServer) -> None:
    pool = SmtpPool("127.0.0.1", server.port, size=1, timeout=5)
    ready = asyncio.get_running_loop().create_future()
    sending = asyncio.create_task(pool.send(SENDER, "anna@example.org", MESSAGE, ready))

    async def envelope_arrived() -> bool:
        return server.mailbox.rcpt == ["anna@example.org"]

    await eventually(envelope_arrived)
    assert server.mailbox.received == [] and not sending.done()  # the envelope is there, the message is not
    ready.set_result(None)
    await sending
    (mail,) = server.mailbox.received
    assert (mail.recipient, mail.mail_from) == ("anna@example.org", SENDER)
    assert mail.message["Subject"] == "Aufruf" and ".Punkt am Anfang" in mail.text  # dot-stuffing undone
    await pool.close()


async def test_a_failed_ready_hands_over_nothing_and_the_next_mail_goes_out(server: SmtpServer) -> None:
    pool = SmtpPool("127.0.0.1", server.port, size=1, timeout=5)
    failed = asyncio.get_running_loop().create_future()
    failed.set_exception(RuntimeError("Vermerk nicht geschrieben"))
    with pytest.raises(RuntimeError, match="Vermerk nicht geschrieben"):
        await pool.send(SENDER, "anna@example.org", MESSAGE, failed)
    assert server.mailbox.received == []
    done = asyncio.get_running_loop().create_future()
    done.set_result(None)
    await pool.send(SENDER, "bert@example.org", MESSAGE, done)
    assert [m.recipient for m in server.mailbox.received] == ["bert@example.org"]
    await pool.close()


async def test_a_refused_recipient_is_permanent_and_the_connection_stays_usable(server: SmtpServer) -> None:
    server.mailbox.refuse["weg@example.org"] = "550 Postfach unbekannt"
    pool = SmtpPool("127.0.0.1", server.port, size=1, timeout=5)
    done = asyncio.get_running_loop().create_future()
    done.set_result(None)
    with pytest.raises(Permanent, match="550"):
        await pool.send(SENDER, "weg@example.org", MESSAGE, done)
    await pool.send(SENDER, "carla@example.org", MESSAGE, done)  # after RSET, on the same connection
    assert [m.recipient for m in server.mailbox.received] == ["carla@example.org"]
    await pool.close()
