"""The progress report's survey lines (issue 17): campaigns running in the period or ended within it, with their
response rates from the registry's latest counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.events.adapters import mapping
from services.events.domain import commands, events
from services.events.domain.campaigns import CampaignReplica
from services.events.domain.progress import TrainingLine, compile_report
from services.events.service_layer import periodic
from services.events.service_layer.campaigns import apply_campaign_event
from tests.unit.events.fakes import FakeUnitOfWork

SINCE, UNTIL = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 8, tzinfo=UTC)  # Berlin: 1 to 8 March
AT = datetime(2027, 3, 1, 9, tzinfo=UTC)


def campaign(cid: str, starts: date, ends: date, recipients: int = 40, answered: int = 12, **kw) -> CampaignReplica:
    at = kw.pop("at", AT)
    return CampaignReplica(cid, kw.pop("title", f"Erhebung {cid}"), "bueros", starts, ends, recipients, answered, at)


def test_rates_round_down_and_are_zero_without_recipients() -> None:
    assert campaign("a", date(2027, 1, 1), date(2027, 6, 1), 40, 12).rate_percent == 30
    assert campaign("b", date(2027, 1, 1), date(2027, 6, 1), 3, 2).rate_percent == 66  # 66.6 rounded down
    assert campaign("c", date(2027, 1, 1), date(2027, 6, 1), 0, 0).rate_percent == 0
    assert campaign("d", date(2027, 1, 1), date(2027, 6, 1), 7, 7).rate_percent == 100


def test_the_report_names_running_and_recently_ended_campaigns_the_one_ending_first_first() -> None:
    found = [
        campaign("running-long", date(2027, 2, 1), date(2027, 6, 30), title="Mitmachen"),
        campaign("ended-in-period", date(2027, 1, 10), date(2027, 3, 3), 10, 9, title="Büros"),
        campaign("starts-in-period", date(2027, 3, 8), date(2027, 4, 30), 0, 0, title="Kreisverbände"),
        campaign("ended-before", date(2027, 1, 1), date(2027, 2, 28)),  # the day before the period
        campaign("starts-after", date(2027, 3, 9), date(2027, 5, 1)),  # the day after the period
    ]
    report = compile_report([], [], [], SINCE, UNTIL, found)
    assert [(c.campaign_id, c.rate_percent) for c in report.campaigns] == [
        ("ended-in-period", 90),
        ("starts-in-period", 0),
        ("running-long", 30),
    ]
    wire = mapping.progress_contract(events.ProgressCompiled(report, "k"))
    assert wire.campaigns[0].model_dump() == {
        "campaign_id": "ended-in-period",
        "title": "Büros",
        "ends_on": date(2027, 3, 3),
        "recipients": 10,
        "answered": 9,
        "rate_percent": 90,
    }
    assert wire.trainings == []


def test_the_period_is_counted_in_berlin_days() -> None:
    # 28 Feb 23:30 UTC is already 1 March in Berlin: a campaign that ended on 28 February is not in it
    since = datetime(2027, 2, 28, 23, 30, tzinfo=UTC)
    ended = campaign("x", date(2027, 2, 1), date(2027, 2, 28))
    assert compile_report([], [], [], since, UNTIL, [ended]).campaigns == ()
    assert compile_report([], [], [], since - timedelta(hours=1), UNTIL, [ended]).campaigns != ()


def test_training_lines_handed_in_are_reported_earliest_first() -> None:
    later = TrainingLine("t-2", "Auffrischung", datetime(2027, 3, 20, 16, tzinfo=UTC), 8, 2)
    sooner = TrainingLine("t-1", "Seminartag", datetime(2027, 3, 5, 8, tzinfo=UTC), 12, 0, 11)
    report = compile_report([], [], [], SINCE, UNTIL, trainings=[later, sooner])
    wire = mapping.progress_contract(events.ProgressCompiled(report, "k"))
    assert [(t.training_id, t.registered, t.waiting, t.attended) for t in wire.trainings] == [
        ("t-1", 12, 0, 11),
        ("t-2", 8, 2, None),
    ]


def follow(cid: str, at: datetime, answered: int, event_id: str) -> commands.FollowCampaign:
    received = commands.Received(event_id, "registry.campaign.progressed.v1")
    return commands.FollowCampaign(
        received, at, cid, "Büros", "bueros", date(2027, 2, 1), date(2027, 3, 31), 40, answered
    )


async def test_the_replica_keeps_the_latest_counts_and_each_event_once() -> None:
    uow = FakeUnitOfWork()
    assert await apply_campaign_event(follow("c", AT + timedelta(hours=2), 12, "e-2"), uow)
    assert await apply_campaign_event(follow("c", AT, 3, "e-1"), uow)  # arrives late: older counts, not taken
    assert not await apply_campaign_event(follow("c", AT + timedelta(hours=3), 30, "e-2"), uow)  # redelivered
    (stored,) = await uow.campaigns.list()
    assert (stored.answered, stored.occurred_at) == (12, AT + timedelta(hours=2))
    assert await apply_campaign_event(follow("c", AT + timedelta(hours=4), 20, "e-3"), uow)
    assert (await uow.campaigns.get("c")).answered == 20


async def test_the_compiled_report_reads_the_replica() -> None:
    uow = FakeUnitOfWork()
    await apply_campaign_event(follow("c", AT, 12, "e-1"), uow)
    report = await periodic.compile_progress(commands.CompileProgressReport(UNTIL, "p", SINCE), uow)
    assert [(c.title, c.answered, c.recipients, c.rate_percent) for c in report.campaigns] == [("Büros", 12, 40, 30)]
    (published,) = [e for e in uow.published if isinstance(e, events.ProgressCompiled)]
    assert published.report.campaigns == report.campaigns
