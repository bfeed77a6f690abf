"""Settings of the notifications service (environment prefix BERATUNGSNETZ_NOTIFICATIONS_)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared import keys
from shared.settings import ServiceSettings, public_url_problem


class NotificationsSettings(ServiceSettings):
    key_purposes = (keys.LINKS,)  # its own LINK_KEY signs its links (shared/keys.py)
    model_config = SettingsConfigDict(env_prefix="BERATUNGSNETZ_NOTIFICATIONS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/db/notifications.sqlite3"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False  # STARTTLS after connecting (port 587)
    smtp_tls: bool = Field(default=False, description="TLS von Anfang an (implizites TLS, meist Port 465)")
    smtp_local_relay: bool = Field(
        default=False,
        description="Der SMTP-Server ist ein Relay auf demselben Rechner: in Produktion dann ohne TLS erlaubt "
        "(sonst ist STARTTLS oder TLS Pflicht)",
    )
    smtp_pool_size: int = 4
    sender_address: str = "verteiler@beratungsnetz.example"
    sender_name: str = "Beratungsnetz"
    mail_domain: str = "beratungsnetz.example"
    public_url: str = "http://127.0.0.1:8000"  # where the gateway serves confirmation and unsubscribe pages
    board_list: str = "landesvorstand"
    workplan_list: str = "lag-hartz-iv-sachsen"
    delivery_poll_seconds: float = 1.0
    retry_backoff_seconds: tuple[float, ...] = (5, 15, 60, 300, 900, 3600)  # pause before the n-th retry
    digest_check_seconds: float = 3600.0
    demo_data: bool = False
    # Posts by mail (issue 20): the LMTP inbox the MTA (Postfix: transport_maps) or `make up`'s sink hands list mail to.
    lmtp_host: str = "127.0.0.1"
    lmtp_port: int = Field(default=0, ge=0, description="Port des LMTP-Eingangs der Verteiler; 0: keiner")
    max_message_kilobytes: int = Field(default=10240, gt=0, description="Größere Mails nimmt der Eingang nicht an")
    held_remind_hours: float = Field(default=24.0, gt=0, description="Erinnerung an zurückgehaltene Beiträge nach")
    held_expire_days: float = Field(
        default=14.0, gt=0, description="Unentschiedene Beiträge verfallen nach so vielen Tagen"
    )
    held_check_seconds: float = 300.0
    # Aufbewahrung (services/notifications/adapters/retention.py), durchgesetzt vom Aufräumjob des Dienstes:
    retention_mail_body_days: float = Field(
        default=30.0,
        gt=0,
        description="Der Text einer zugestellten (oder endgültig gescheiterten) Mail bleibt so viele Tage; "
        "wer wann was bekam und wie die Zustellung ausging, bleibt",
    )
    retention_expired_days: float = Field(
        default=7.0,
        ge=0,
        description="Eingelöste Bestätigungslinks und nie bestätigte Anfragen werden so viele Tage "
        "nach Ablauf ihres Links gelöscht",
    )
    retention_audit_days: float = Field(
        default=730.0,
        gt=0,
        description="Protokolleinträge der Verteiler (wer hat wann wen eingetragen, ausgetragen, entschieden) "
        "bleiben so viele Tage (Standard: zwei Jahre)",
    )

    retention_bounce_days: float = Field(
        default=180.0, gt=0, description="Einträge im Protokoll der Fehlschläge (Bounces) bleiben so viele Tage"
    )
    retention_archive_days: float = Field(
        default=1095.0,
        gt=0,
        description="Beiträge im Archiv eines Verteilers bleiben so viele Tage (Standard: drei Jahre)",
    )
    # Bounces (services/notifications/domain/bounces.py): so viele Punkte in so vielen Tagen setzen die Zustellung aus
    bounce_threshold: float = Field(default=3.0, gt=0, description="Punkte, ab denen die Zustellung ausgesetzt wird")
    bounce_window_days: float = Field(default=14.0, gt=0, description="Zeitraum, in dem die Punkte zählen")
    bounce_soft_weight: float = Field(
        default=0.5, ge=0, le=1, description="Ein weicher Fehlschlag (4.x.x, etwa Postfach voll) zählt so viel"
    )
    archive_attachment_bytes: int = Field(default=5 * 1024 * 1024, ge=0, description="Größter Anhang im Archiv")
    archive_attachments_total_bytes: int = Field(
        default=10 * 1024 * 1024, ge=0, description="Alle Anhänge eines Beitrags im Archiv zusammen höchstens"
    )

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if not (self.smtp_starttls or self.smtp_tls or self.smtp_local_relay):
            problems.append(
                "SMTP_STARTTLS oder SMTP_TLS muss in Produktion gesetzt sein (Mails nie unverschlüsselt); "
                "nur für ein Relay auf demselben Rechner SMTP_LOCAL_RELAY=true"
            )
        url = public_url_problem(self.public_url)
        if url:
            problems.append(url)
        return problems
