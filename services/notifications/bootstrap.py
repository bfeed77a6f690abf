"""Composition root of the notifications service: the only place its parts are wired together."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

from services.notifications.adapters import calendar, inbound_mail, orm, retention
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.demo import load_demo_lists
from services.notifications.adapters.mail import Sender
from services.notifications.adapters.smtp_pool import SmtpPool
from services.notifications.adapters.unit_of_work import NotificationsUnitOfWork
from services.notifications.config import NotificationsSettings
from services.notifications.domain.archive import AttachmentLimits
from services.notifications.domain.bounces import BouncePolicy
from services.notifications.domain.tokens import Signer
from services.notifications.entrypoints import lmtp, wiring
from services.notifications.service_layer import delivery, digests, held
from services.notifications.service_layer.ports import Deps
from shared import keys
from shared.service import ServiceApp, run_service


def bootstrap(settings: NotificationsSettings | None = None) -> ServiceApp:
    settings = settings or NotificationsSettings()
    app = ServiceApp.assemble("notifications", settings, orm.messaging)
    wake = asyncio.Event()
    now = app.clock.now

    def uow() -> NotificationsUnitOfWork:
        unit = NotificationsUnitOfWork(app.database, orm.messaging, on_commit=app.relay.wake)
        unit.after_commit = wake.set
        return unit

    sender = Sender(settings.sender_address, settings.sender_name, settings.mail_domain)
    deps = Deps(
        uow=uow,
        composer=MailComposer(sender, settings.public_url, now),
        calendar=partial(calendar.invitation, organizer=sender.address),
        signer=Signer(*settings.keys(keys.LINKS, legacy=True)),  # links in mails (shared/keys.py)
        now=now,
        secret=settings.fingerprints(),  # for the fingerprints of erased and blocked addresses
        public_url=settings.public_url,
        board_list=settings.board_list,
        workplan_list=settings.workplan_list,
        mail_domain=settings.mail_domain,
        read_mail=partial(inbound_mail.read, max_bytes=settings.max_message_kilobytes * 1024),
        held_remind_after=timedelta(hours=settings.held_remind_hours),
        held_expire_after=timedelta(days=settings.held_expire_days),
        bounce_policy=BouncePolicy(
            settings.bounce_threshold, timedelta(days=settings.bounce_window_days), settings.bounce_soft_weight
        ),
        attachment_limits=AttachmentLimits(settings.archive_attachment_bytes, settings.archive_attachments_total_bytes),
    )
    pool = SmtpPool(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_pool_size,
        username=settings.smtp_user,
        password=settings.smtp_password and settings.smtp_password.get_secret_value(),
        start_tls=settings.smtp_starttls,
        use_tls=settings.smtp_tls,
    )

    async def send(recipient: str, message: bytes, return_path: str | None = None) -> None:
        """Raises the delivery port's own Temporary and Permanent; a list mail's envelope sender is its VERP address."""
        await pool.send(return_path or sender.address, recipient, message)

    async def deliver() -> None:
        await delivery.run(
            deps, send, settings.delivery_poll_seconds, wake, settings.smtp_pool_size, settings.retry_backoff_seconds
        )

    async def digest() -> None:
        while True:
            await digests.send_digests(deps)
            await asyncio.sleep(settings.digest_check_seconds)

    async def inbox() -> None:
        try:
            await lmtp.serve(deps, settings.lmtp_host, settings.lmtp_port, settings.max_message_kilobytes * 1024)
        except OSError as exc:  # the port is taken: a service without its inbox must not pretend to run
            app.fatal.set_exception(exc)

    async def held_posts() -> None:
        await held.run(deps, settings.held_check_seconds)

    wiring.register(app, deps)
    app.retention += retention.rules(
        app.database,
        mail_body_days=settings.retention_mail_body_days,
        expired_days=settings.retention_expired_days,
        audit_days=settings.retention_audit_days,
        confirm_valid=deps.confirm_valid,
        bounce_days=settings.retention_bounce_days,
        archive_days=settings.retention_archive_days,
    )
    app.background.extend([deliver, digest, held_posts])
    if settings.lmtp_port:
        app.background.append(inbox)
    if settings.demo_data:
        app.on_started.append(lambda: load_demo_lists(deps))
    return app


def main() -> None:
    run_service(bootstrap())
