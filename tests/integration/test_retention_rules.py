"""The pure parts of retention: where a limit falls, what a campaign's retention drops, the dead-letter stream's
max age, and the settings that change them. (Here, not in tests/unit: the rules live beside SQLAlchemy, the stream
configurations beside nats-py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from services.gateway.config import GatewaySettings
from services.notifications.config import NotificationsSettings
from services.registry.config import RegistrySettings
from services.registry.domain.campaigns import Answer, AnswerStatus, Campaign, CampaignKind, Recipient, progress
from shared.messaging.streams import DUPLICATE_WINDOW_SECONDS, owned_stream_configs
from shared.retention import Rule, cutoff, enforce
from shared.settings import ServiceSettings

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_cutoff_lies_the_given_days_before_now() -> None:
    assert cutoff(NOW, 7) == NOW - timedelta(days=7)
    assert cutoff(NOW, 0.5) == NOW - timedelta(hours=12)


def campaign(ends_on: date) -> Campaign:
    return Campaign("c1", "Umfrage 2026", CampaignKind.OFFICES, ends_on - timedelta(days=30), ends_on)


def test_answers_are_kept_through_the_last_day_of_the_limit_and_dropped_the_day_after() -> None:
    ended = campaign(date(2026, 8, 31))
    assert not ended.answers_expired(date(2026, 8, 31), 90)
    assert not ended.answers_expired(date(2026, 8, 31) + timedelta(days=90), 90)
    assert ended.answers_expired(date(2026, 8, 31) + timedelta(days=91), 90)
    ended.answers_dropped = True
    assert not ended.answers_expired(date(2027, 8, 31), 90)  # once


def test_dropping_an_answer_keeps_what_the_counts_need() -> None:
    ended = campaign(date(2026, 8, 31))
    answered = Recipient("r1", "c1", "Büro Aue", "aue@example.org", office_id="o1", district_id="d-erz")
    answered.save(Answer(counselling="ja", contact_phone="03771 123", remarks="Bitte anrufen"), True, NOW)
    answered.review_reason = "Telefon von Frau Muster bestätigt"
    silent = Recipient("r2", "c1", "Büro Zwönitz", "zw@example.org", district_id="d-erz")
    before = progress(ended, [answered, silent], date(2026, 12, 31), {})

    assert answered.drop_answer()
    assert silent.drop_answer()  # name and address go too
    assert not silent.drop_answer()  # nothing left the second time

    assert (answered.answer, answered.name, answered.email, answered.review_reason) == (None, "", "", "")
    assert answered.answer_status == AnswerStatus.SUBMITTED and answered.submitted_at == NOW
    assert (answered.office_id, answered.district_id) == ("o1", "d-erz")
    after = progress(ended, [answered, silent], date(2026, 12, 31), {})
    assert (after.recipients, after.answered, after.by_district) == (before.recipients, 1, before.by_district)


def test_only_the_dead_letter_stream_has_a_max_age() -> None:
    events, deadletters = owned_stream_configs("registry", 1, 30 * 24 * 3600)
    assert events.max_age in (None, 0)
    assert deadletters.max_age == 30 * 24 * 3600
    assert deadletters.duplicate_window == DUPLICATE_WINDOW_SECONDS


def test_a_max_age_below_the_duplicate_window_shortens_the_window() -> None:
    """NATS refuses a stream whose duplicate window is longer than its max age."""
    _, deadletters = owned_stream_configs("registry", 1, 3600)
    assert deadletters.max_age == deadletters.duplicate_window == 3600


def test_defaults_of_the_retention_settings() -> None:
    shared = ServiceSettings()
    assert (shared.retention_outbox_days, shared.retention_deadletter_days) == (7, 30)
    mail = NotificationsSettings()
    assert (mail.retention_mail_body_days, mail.retention_expired_days, mail.retention_audit_days) == (30, 7, 730)
    registry = RegistrySettings()
    assert (registry.retention_survey_answer_days, registry.retention_audit_days) == (90, 730)
    assert GatewaySettings().retention_expired_days == 7


def test_retention_settings_come_from_the_services_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BERATUNGSNETZ_NOTIFICATIONS_RETENTION_MAIL_BODY_DAYS", "14")
    monkeypatch.setenv("BERATUNGSNETZ_NOTIFICATIONS_RETENTION_OUTBOX_DAYS", "3")
    monkeypatch.setenv("BERATUNGSNETZ_REGISTRY_RETENTION_SURVEY_ANSWER_DAYS", "30")
    assert NotificationsSettings().retention_mail_body_days == 14
    assert NotificationsSettings().retention_outbox_days == 3
    assert RegistrySettings().retention_survey_answer_days == 30


def test_a_limit_of_zero_days_for_the_outbox_is_refused() -> None:
    with pytest.raises(ValueError, match="retention_outbox_days"):
        ServiceSettings(retention_outbox_days=0)


async def test_the_job_logs_counts_at_info_and_a_failing_rule_does_not_stop_the_others() -> None:
    seen: list[datetime] = []

    async def prune(now: datetime) -> int:
        seen.append(now)
        return 3

    async def broken(_now: datetime) -> int:
        raise RuntimeError("person@example.org")  # whatever an error says, the log names only its type

    with capture_logs() as logs:
        counts = await enforce("registry", [Rule("kaputt", broken), Rule("outbox", prune)], NOW)

    assert counts == {"outbox": 3} and seen == [NOW]
    failed, pruned = logs
    assert (failed["event"], failed["log_level"], failed["error"]) == ("retention.failed", "warning", "RuntimeError")
    assert pruned == {"event": "retention.pruned", "log_level": "info", "service": "registry", "outbox": 3}
