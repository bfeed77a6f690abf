"""A small pool of aiosmtplib connections (aiosmtplib has none of its own).

Connections are opened on demand, reused, and dropped after a failure. Failures are raised as the
delivery port's own errors: `Temporary` (connection trouble, 4xx: try again later) and `Permanent`
(5xx: record the reason).
"""

from __future__ import annotations

import asyncio

import aiosmtplib

from services.notifications.service_layer.delivery import Permanent, Temporary


class SmtpPool:
    def __init__(
        self,
        host: str,
        port: int,
        size: int = 4,
        timeout: float = 10.0,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool = False,
        use_tls: bool = False,
    ) -> None:
        """`start_tls`: STARTTLS after connecting; `use_tls`: TLS from the start (implicit TLS, port 465)."""
        self._options = {
            "hostname": host,
            "port": port,
            "timeout": timeout,
            "start_tls": start_tls and not use_tls,
            "use_tls": use_tls,
        }
        self._login = (username, password) if username else None
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._slots = asyncio.Semaphore(size)
        self.size = size

    async def _connection(self) -> aiosmtplib.SMTP:
        while not self._idle.empty():
            smtp = self._idle.get_nowait()
            if smtp.is_connected:
                return smtp
        smtp = aiosmtplib.SMTP(**self._options)
        await smtp.connect()
        if self._login:
            await smtp.login(*self._login)
        return smtp

    async def send(self, sender: str, recipient: str, message: bytes) -> None:
        async with self._slots:
            try:
                smtp = await self._connection()
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                raise Temporary(f"SMTP-Server nicht erreichbar: {exc}") from exc
            try:
                await smtp.sendmail(sender, [recipient], message)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                self._idle.put_nowait(smtp)
                refusal = exc.recipients[0]
                failure = Temporary if 400 <= refusal.code < 500 else Permanent
                raise failure(f"{refusal.code} {refusal.message}") from exc
            except aiosmtplib.SMTPResponseException as exc:
                await _close(smtp)
                failure = Temporary if 400 <= exc.code < 500 else Permanent
                raise failure(f"{exc.code} {exc.message}") from exc
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await _close(smtp)
                raise Temporary(f"Verbindung abgebrochen: {exc}") from exc
            self._idle.put_nowait(smtp)

    async def close(self) -> None:
        while not self._idle.empty():
            await _close(self._idle.get_nowait())


async def _close(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.quit()
    except Exception:  # already gone: nothing to close politely  # noqa: BLE001 - any failure here is logged and retried, never lost
        smtp.close()
