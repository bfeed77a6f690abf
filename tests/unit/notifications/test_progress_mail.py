"""The board's progress mail names the survey campaigns of the period with their response rates, and the training
dates with places taken (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.notifications.adapters.rendering import render
from services.notifications.entrypoints.translate import report_progress
from services.notifications.service_layer.incoming import progress_context
from shared.contracts import Envelope
from shared.contracts import events as e

REQUIRED = ("actions_planned", "actions_done", "invitations_open", "items_due", "items_overdue", "items_done")


def compiled(campaigns: list[e.CampaignLineV1], trainings: list[e.TrainingLineV1] = ()) -> Envelope:
    return Envelope.wrap(
        e.ProgressCompiledV1(
            period_key="k",
            since=datetime(2027, 3, 1, tzinfo=UTC),
            until=datetime(2027, 3, 8, tzinfo=UTC),
            overall=e.TallyV1(**dict.fromkeys(REQUIRED, 0)),
            groups=[],
            overdue=[],
            due=[],
            campaigns=campaigns,
            trainings=list(trainings),
        )
    )


def mail_text(envelope: Envelope) -> str:
    context = progress_context(report_progress(envelope), "https://beratungsnetz.example/")
    return render("fortschritt", **context)[1]


def test_the_mail_lists_each_campaign_with_its_response_and_end() -> None:
    lines = [
        e.CampaignLineV1(
            campaign_id="k-1",
            title="Erhebung Büros 2027",
            ends_on=date(2027, 3, 31),
            recipients=40,
            answered=12,
            rate_percent=30,
        ),
        e.CampaignLineV1(
            campaign_id="k-2", title="Mitmachen", ends_on=date(2027, 4, 30), recipients=0, answered=0, rate_percent=0
        ),
    ]
    text = mail_text(compiled(lines))
    section = text.split("\nErhebungen\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "- Erhebung Büros 2027: Rücklauf 12 von 40 (30 %), Ende 31. März 2027",
        "- Mitmachen: Rücklauf 0 von 0 (0 %), Ende 30. April 2027",
    ]


def test_without_campaigns_the_mail_has_no_survey_section() -> None:
    assert "Erhebungen" not in mail_text(compiled([]))


def test_the_mail_lists_the_training_dates_with_places_waiting_and_attendance() -> None:
    lines = [
        e.TrainingLineV1(
            training_id="t-1",
            title="Multiplikator:innenschulung (online)",
            start=datetime(2027, 3, 10, 9, tzinfo=UTC),
            registered=3,
            waiting=1,
        ),
        e.TrainingLineV1(
            training_id="t-2",
            title="Auffrischung",
            start=datetime(2027, 3, 2, 16, tzinfo=UTC),
            registered=2,
            attended=2,
        ),
    ]
    text = mail_text(compiled([], lines))
    section = text.split("\nSchulungen\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == [
        "- Multiplikator:innenschulung (online), Mittwoch, 10. März 2027, 10:00 Uhr: 3 angemeldet, 1 auf der Warteliste",
        "- Auffrischung, Dienstag, 2. März 2027, 17:00 Uhr: 2 angemeldet, 2 teilgenommen",
    ]
    assert "Schulungen" not in mail_text(compiled([]))
