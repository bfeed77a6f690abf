"""Survey campaigns on fakes: who is asked, the personal link, invitations and reminders, answers, review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from services.registry.domain import commands, events
from services.registry.domain.campaigns import (
    Answer,
    CampaignKind,
    CampaignOver,
    CampaignProgressed,
    LinkInvalid,
    NewRecipient,
    SurveyLinks,
    SurveyMail,
)
from services.registry.domain.errors import Conflict, InvalidInput, NotFound
from services.registry.domain.offices import Counsellor
from services.registry.domain.regions import Coordinator
from services.registry.service_layer import campaigns, handlers
from services.registry.service_layer.campaigns import Surveys
from shared import privacy
from shared.contracts.envelope import Envelope
from shared.contracts.notifications import PersonErasedV1
from shared.privacy import DEV_KEY
from tests.unit.registry.builders import details
from tests.unit.registry.fakes import ClaimingUnitOfWork

START = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # a Monday, 10:00 in Berlin
LINKS = SurveyLinks(b"ein-schluessel-nur-fuer-tests")


class Now:
    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def days(self, n: float) -> None:
        self.at += timedelta(days=n)


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def surveys(now: Now) -> Surveys:
    return Surveys(LINKS, now, reminders_max=2, reminder_days=7)


@pytest.fixture
async def uow() -> ClaimingUnitOfWork:
    uow = ClaimingUnitOfWork(date(2026, 10, 5))
    for district_id, name in (("d-plauen", "Vogtlandkreis"), ("d-zwickau", "Zwickau"), ("d-hh", "Hamburg-Nord")):
        state = "HH" if district_id == "d-hh" else "SN"
        await handlers.add_district(commands.AddDistrict(name, state, district_id=district_id), uow)
    offices = [
        ("o-mdl", dict(operator_kind="abgeordnetenbuero", email="mdl@example.org", district_id="d-plauen")),
        (
            "o-partei",
            dict(
                name="Parteibüro Zwickau",
                operator_kind="parteibuero",
                email="pb@example.org",
                postcode="08056",
                city="Zwickau",
                district_id="d-zwickau",
                hours=[],
                areas=[],
            ),
        ),
        (
            "o-ohne",
            dict(
                name="Parteibüro ohne Mail",
                operator_kind="parteibuero",
                email="",
                postcode="08060",
                district_id="d-zwickau",
            ),
        ),
        (
            "o-kv",
            dict(
                name="KV Beratung",
                operator_kind="kreisverband",
                email="kv@example.org",
                postcode="08061",
                district_id="d-plauen",
            ),
        ),
        (
            "o-hh",
            dict(
                name="Büro Hamburg",
                operator_kind="parteibuero",
                email="hh@example.org",
                postcode="20249",
                district_id="d-hh",
            ),
        ),
        (
            "o-zu",
            dict(
                name="Geschlossenes Büro",
                operator_kind="parteibuero",
                email="zu@example.org",
                postcode="08062",
                district_id="d-zwickau",
            ),
        ),
    ]
    for office_id, overrides in offices:
        await handlers.register_office(
            commands.RegisterOffice(
                details(**overrides), "aktiv", (Counsellor("c-" + office_id, "Anna Beispiel"),), None, office_id
            ),
            uow,
        )
    await handlers.close_office(commands.CloseOffice("o-zu"), uow)
    await handlers.form_group(
        commands.FormGroup("Vogtland", "SN", ("d-plauen",), Coordinator("Kathrin", "kathrin@example.org"), "g-1"), uow
    )
    uow.published.clear()
    return uow


def create(kind: str = "bueros", starts: date = date(2026, 10, 5), ends: date = date(2026, 11, 30), **kw):
    return commands.CreateCampaign(
        kw.pop("title", "Erhebung Sozialberatung 2026"), CampaignKind(kind), starts, ends, **kw
    )


def mails(uow, kind: str | None = None) -> list[SurveyMail]:
    return [e for e in uow.published if isinstance(e, SurveyMail) and (kind is None or e.kind == kind)]


def token_of(mail: SurveyMail) -> str:
    return mail.link_path.removeprefix("/umfrage/")


async def recipient_by_email(uow, campaign_id: str, email: str):
    return next(r for r in await uow.recipients.of_campaign(campaign_id) if r.email == email)


# --- who is asked


async def test_office_campaign_asks_party_and_mp_offices_with_address_and_the_imported_ones_once(uow, surveys) -> None:
    extra = (
        NewRecipient("Büro Aue", "aue@example.org", office_name="Büro Aue", place="Aue"),
        NewRecipient("Doppelt", "MDL@example.org"),  # an address the register already has: one recipient
    )
    result = await campaigns.create_campaign(create(recipients=extra), uow, surveys)
    got = {r.email: r for r in await uow.recipients.of_campaign(result.campaign.id)}
    assert set(got) == {"mdl@example.org", "pb@example.org", "hh@example.org", "aue@example.org"}  # no KV, no closed
    assert got["mdl@example.org"].office_id == "o-mdl" and got["aue@example.org"].office_id is None
    assert result.campaign.skipped == ("Parteibüro ohne Mail: keine E-Mail-Adresse",)
    assert result.recipients == 4 and result.invited == 4  # started today: invited at once


async def test_office_campaign_for_one_state_only(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(state="HH"), uow, surveys)
    assert [r.email for r in await uow.recipients.of_campaign(result.campaign.id)] == ["hh@example.org"]


async def test_district_campaign_asks_coordinators_of_districts_without_an_office(uow, surveys) -> None:
    await handlers.close_office(commands.CloseOffice("o-mdl"), uow)
    await handlers.close_office(commands.CloseOffice("o-kv"), uow)  # Vogtlandkreis has no active office now
    result = await campaigns.create_campaign(create("kreisverbaende", state="SN"), uow, surveys)
    got = await uow.recipients.of_campaign(result.campaign.id)
    assert [(r.email, r.district_id) for r in got] == [("kathrin@example.org", "d-plauen")]
    assert result.campaign.skipped == ()  # Zwickau has an active office


async def test_district_without_a_group_is_skipped_with_a_reason(uow, surveys) -> None:
    await handlers.close_office(commands.CloseOffice("o-hh"), uow)
    extra = (NewRecipient("Kreisvorstand", "kv-hh@example.org", district_id="d-hh"),)
    result = await campaigns.create_campaign(create("kreisverbaende", state="HH", recipients=extra), uow, surveys)
    assert result.campaign.skipped == ("Hamburg-Nord: keine Regionalgruppe",)
    assert [r.email for r in await uow.recipients.of_campaign(result.campaign.id)] == ["kv-hh@example.org"]


async def test_members_campaign_asks_exactly_the_given_people(uow, surveys) -> None:
    extra = (NewRecipient("Mia", "mia@example.org"), NewRecipient("Mia", "Mia@Example.org"))
    result = await campaigns.create_campaign(create("mitglieder", recipients=extra), uow, surveys)
    assert [r.email for r in await uow.recipients.of_campaign(result.campaign.id)] == ["mia@example.org"]
    with pytest.raises(InvalidInput, match="keine Empfänger"):
        await campaigns.create_campaign(create("mitglieder"), uow, surveys)


# --- the personal link


def test_a_token_opens_only_its_own_recipient_and_campaign() -> None:
    token = LINKS.token("k-1", "r-1")
    LINKS.check(token, "k-1", "r-1")
    signature = token.partition(".")[2]
    for forged, campaign_id, recipient_id in (
        (f"r-2.{signature}", "k-1", "r-2"),  # another recipient with this one's signature
        (token, "k-2", "r-1"),  # the same recipient id in another campaign
        (token[:-1] + ("0" if token[-1] != "0" else "1"), "k-1", "r-1"),  # tampered
    ):
        with pytest.raises(LinkInvalid, match="Dieser Link ist ungültig."):
            LINKS.check(forged, campaign_id, recipient_id)
    assert SurveyLinks(b"ein-anderer-schluessel-1234").token("k-1", "r-1") != token
    with pytest.raises(LinkInvalid):
        SurveyLinks.recipient_id("x" * 65 + ".abc")  # longer than any id: not looked up
    with pytest.raises(LinkInvalid) as refused:
        SurveyLinks.recipient_id("ohne-punkt")
    assert refused.value.code == "link_ungueltig"


async def test_the_form_opens_by_its_link_and_never_for_another_recipient_or_campaign(uow, surveys) -> None:
    first = await campaigns.create_campaign(create(), uow, surveys)
    second = await campaigns.create_campaign(create(title="Zweite Erhebung"), uow, surveys)
    by_campaign = {}
    for mail in mails(uow, "umfrage_einladung"):
        by_campaign.setdefault(mail.reference, {})[mail.to] = token_of(mail)
    mine = by_campaign[first.campaign.id]["mdl@example.org"]
    form = await campaigns.survey_form(mine, uow, surveys)
    assert (form.campaign.id, form.recipient.email, form.office.id) == (first.campaign.id, "mdl@example.org", "o-mdl")
    other = await recipient_by_email(uow, first.campaign.id, "pb@example.org")
    in_second = await recipient_by_email(uow, second.campaign.id, "mdl@example.org")
    signature = mine.partition(".")[2]
    for forged in (f"{other.id}.{signature}", f"{in_second.id}.{signature}", mine + "0", "x.y", "unbekannt"):
        with pytest.raises(LinkInvalid):
            await campaigns.survey_form(forged, uow, surveys)
        with pytest.raises(LinkInvalid):
            await campaigns.save_answer(commands.SaveAnswer(forged, Answer(counselling="ja")), uow, surveys)
    assert (await recipient_by_email(uow, first.campaign.id, "pb@example.org")).answer is None


# --- invitations and reminders


async def test_invitation_mail_names_campaign_end_asker_and_link(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(intro="Kurz und knapp."), uow, surveys)
    mail = next(m for m in mails(uow) if m.to == "mdl@example.org")
    assert mail.kind == "umfrage_einladung" and mail.link_label == "Zur Umfrage"
    assert "Erhebung Sozialberatung 2026" in mail.subject
    assert (
        "30. November 2026" in mail.text
        and mail.text.startswith("Guten Tag,\n")
        and "die Landesgeschäftsstelle" in mail.text
        and "Kurz und knapp." in mail.text
    )
    recipient = await recipient_by_email(uow, result.campaign.id, "mdl@example.org")
    assert mail.link_path == f"/umfrage/{LINKS.token(result.campaign.id, recipient.id)}"
    assert [type(e) for e in uow.published].count(CampaignProgressed) == 1


async def test_a_later_campaign_invites_on_its_first_day_by_the_periodic_job(uow, surveys, now) -> None:
    result = await campaigns.create_campaign(create(starts=date(2026, 10, 12)), uow, surveys)
    assert result.status == "geplant" and result.invited == 0 and mails(uow) == []
    now.days(6)
    assert await campaigns.run_campaigns(lambda: uow, surveys) == 0
    now.days(1)
    assert await campaigns.run_campaigns(lambda: uow, surveys) == 3
    assert len(mails(uow, "umfrage_einladung")) == 3
    progressed = [e.progress for e in uow.published if isinstance(e, CampaignProgressed)]
    assert (progressed[-1].invited, progressed[-1].status) == (3, "laufend")
    assert await campaigns.run_campaigns(lambda: uow, surveys) == 0  # each invitation once


async def test_reminders_at_most_n_times_d_days_apart_and_drafts_count_as_not_answered(uow, surveys, now) -> None:
    result = await campaigns.create_campaign(create(), uow, surveys)
    mdl = await recipient_by_email(uow, result.campaign.id, "mdl@example.org")
    token = LINKS.token(result.campaign.id, mdl.id)
    await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="geplant")), uow, surveys)  # a draft
    reminded = lambda: sorted(m.to for m in mails(uow, "umfrage_erinnerung"))  # noqa: E731
    now.days(6)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert reminded() == []  # not yet seven days
    now.days(1)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert reminded() == ["hh@example.org", "mdl@example.org", "pb@example.org"]
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert len(reminded()) == 3  # not twice the same day
    now.days(7)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert len(reminded()) == 6
    now.days(7)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert len(reminded()) == 6  # at most two
    assert (await recipient_by_email(uow, result.campaign.id, "mdl@example.org")).reminders == 2


async def test_no_reminder_to_someone_who_submitted(uow, surveys, now) -> None:
    result = await campaigns.create_campaign(create(), uow, surveys)
    pb = await recipient_by_email(uow, result.campaign.id, "pb@example.org")
    token = LINKS.token(result.campaign.id, pb.id)
    await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="nein"), submit=True), uow, surveys)
    await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="nein")), uow, surveys)  # draft after
    now.days(7)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert "pb@example.org" not in {m.to for m in mails(uow, "umfrage_erinnerung")}
    assert len(mails(uow, "umfrage_erinnerung")) == 2


async def test_never_a_reminder_after_the_end(uow, surveys, now) -> None:
    result = await campaigns.create_campaign(create(ends=date(2026, 10, 11)), uow, surveys)
    now.days(7)  # 12 October: a reminder would be due, but the campaign ended on the 11th
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert mails(uow, "umfrage_erinnerung") == []
    ended = [e.progress for e in uow.published if isinstance(e, CampaignProgressed)]
    assert ended[-1].status == "beendet" and ended[-1].campaign.id == result.campaign.id
    count = len(uow.published)
    now.days(30)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert len(uow.published) == count  # the end is announced once, and nothing more goes out


async def test_reminder_on_the_last_day_but_not_the_day_after(uow, surveys, now) -> None:
    await campaigns.create_campaign(create(ends=date(2026, 10, 12)), uow, surveys)
    now.days(7)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert len(mails(uow, "umfrage_erinnerung")) == 3
    now.days(7)
    await campaigns.run_campaigns(lambda: uow, surveys)
    assert len(mails(uow, "umfrage_erinnerung")) == 3


# --- answers


async def test_draft_submit_change_until_the_end_then_refused(uow, surveys, now) -> None:
    result = await campaigns.create_campaign(create(ends=date(2026, 10, 6)), uow, surveys)
    mdl = await recipient_by_email(uow, result.campaign.id, "mdl@example.org")
    token = LINKS.token(result.campaign.id, mdl.id)
    form = await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="ja")), uow, surveys)
    assert form.recipient.answer_status == "entwurf"
    progress = (await campaigns.campaign(uow, result.campaign.id, date(2026, 10, 5)))[0]
    assert (progress.drafts, progress.answered) == (1, 0)
    form = await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="ja"), True), uow, surveys)
    assert form.recipient.answer_status == "abgegeben"
    now.days(1)  # the last day: still changeable
    form = await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="nein"), True), uow, surveys)
    assert form.recipient.answer.counselling == "nein"
    now.days(1)
    with pytest.raises(CampaignOver) as refused:
        await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="ja"), True), uow, surveys)
    assert refused.value.code == "erhebung_beendet" and "6. Oktober 2026" in refused.value.message
    assert (await campaigns.survey_form(token, uow, surveys)).open is False
    assert (await recipient_by_email(uow, result.campaign.id, "mdl@example.org")).answer.counselling == "nein"


async def test_counts_per_district_and_progress_on_each_submission(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(state="SN"), uow, surveys)
    pb = await recipient_by_email(uow, result.campaign.id, "pb@example.org")
    uow.published.clear()
    token = LINKS.token(result.campaign.id, pb.id)
    await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="nein"), True), uow, surveys)
    await campaigns.save_answer(commands.SaveAnswer(token, Answer(counselling="ja"), True), uow, surveys)
    progressed = [e.progress for e in uow.published if isinstance(e, CampaignProgressed)]
    assert len(progressed) == 2 and progressed[-1].answered == 1
    rates = {(r.district_name, r.recipients, r.answered) for r in progressed[-1].by_district}
    assert rates == {("Vogtlandkreis", 1, 0), ("Zwickau", 1, 1)}


# --- review


async def submitted(uow, surveys, campaign_id: str, email: str, answer: Answer):
    recipient = await recipient_by_email(uow, campaign_id, email)
    await campaigns.save_answer(commands.SaveAnswer(LINKS.token(campaign_id, recipient.id), answer, True), uow, surveys)
    return recipient


async def test_review_proposes_what_differs_from_the_register(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(), uow, surveys)
    answer = Answer(
        counselling="ja",
        counsellors=("Anna Beispiel", "Bernd Neu"),
        hours=("donnerstags 10-12 Uhr",),
        areas=("Rente",),
        contact_phone="03741 555099",
        contact_email="mdl@example.org",
    )
    await submitted(uow, surveys, result.campaign.id, "mdl@example.org", answer)
    same = Answer(counselling="ja", hours=("dienstags 14–17 Uhr",), areas=("Bürgergeld", "KdU"))
    await submitted(uow, surveys, result.campaign.id, "hh@example.org", same)
    progress, reviews = await campaigns.answer_reviews(uow, result.campaign.id, date(2026, 10, 5))
    by_email = {r.recipient.email: r for r in reviews}
    changes = {c.change_id: (c.before, c.after) for c in by_email["mdl@example.org"].changes}
    assert changes == {
        "hours": ("dienstags 14:00–17:00 Uhr", "donnerstags 10:00–12:00 Uhr"),
        "areas": ("SGB II / Bürgergeld, Kosten der Unterkunft", "Rente / Senior:innen"),
        "phone": ("03741 555010", "03741 555099"),
        "counsellor:Bernd Neu": ("", "Bernd Neu"),
    }
    assert (
        by_email["hh@example.org"].changes == []
        and by_email["hh@example.org"].recipient.review_status == "nichts_zu_tun"
    )
    assert progress.to_review == 1 and reviews[0].recipient.email == "mdl@example.org"  # open reviews first


async def test_accepting_applies_the_selected_changes_as_ordinary_register_changes(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(), uow, surveys)
    answer = Answer(counselling="ja", counsellors=("Bernd Neu",), hours=("donnerstags 10-12 Uhr",), areas=("Rente",))
    mdl = await submitted(uow, surveys, result.campaign.id, "mdl@example.org", answer)
    uow.published.clear()
    decision = await campaigns.decide_answer(
        commands.DecideAnswer(result.campaign.id, mdl.id, True, ("hours", "counsellor:Bernd Neu")), uow, surveys
    )
    office = await uow.offices.get("o-mdl")
    assert [h.describe() for h in office.details.hours] == ["donnerstags 10:00–12:00 Uhr"]
    assert office.details.areas == ("sgb2", "kdu")  # not selected: unchanged
    assert [c.name for c in office.counsellors] == ["Anna Beispiel", "Bernd Neu"]
    kinds = [type(e) for e in uow.published]
    assert events.OfficeUpdated in kinds and events.CounsellorAdded in kinds
    assert decision.review.recipient.review_status == "uebernommen" and "Sprechzeiten" in decision.message
    assert uow.commits >= 1
    with pytest.raises(Conflict, match="schon entschieden"):
        await campaigns.decide_answer(commands.DecideAnswer(result.campaign.id, mdl.id, False), uow, surveys)
    with pytest.raises(InvalidInput, match="gibt"):
        pb = await submitted(
            uow, surveys, result.campaign.id, "pb@example.org", Answer(counselling="ja", areas=("Rente",))
        )
        await campaigns.decide_answer(
            commands.DecideAnswer(result.campaign.id, pb.id, True, ("gibt-es-nicht",)), uow, surveys
        )


async def test_rejecting_changes_nothing_and_unknown_recipient_is_not_found(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(), uow, surveys)
    mdl = await submitted(
        uow, surveys, result.campaign.id, "mdl@example.org", Answer(counselling="ja", areas=("Rente",))
    )
    before = await uow.offices.get("o-mdl")
    decision = await campaigns.decide_answer(
        commands.DecideAnswer(result.campaign.id, mdl.id, False, reason="Rückfrage nötig"), uow, surveys
    )
    assert decision.review.recipient.review_status == "abgelehnt"
    assert (await uow.offices.get("o-mdl")).details == before.details
    with pytest.raises(NotFound):
        await campaigns.decide_answer(commands.DecideAnswer(result.campaign.id, "fremd", True), uow, surveys)


async def test_an_imported_office_that_counsels_becomes_a_planned_office(uow, surveys) -> None:
    extra = (NewRecipient("Büro Aue", "aue@example.org", office_name="Büro Aue", place="Aue", district_id="d-zwickau"),)
    result = await campaigns.create_campaign(create(recipients=extra, include_register=False), uow, surveys)
    answer = Answer(
        counselling="geplant",
        hours=("mittwochs 15-17 Uhr",),
        contact_email="aue@example.org",
        counsellors=("Clara Neu",),
    )
    aue = await submitted(uow, surveys, result.campaign.id, "aue@example.org", answer)
    _, reviews = await campaigns.answer_reviews(uow, result.campaign.id, date(2026, 10, 5))
    assert [c.change_id for c in reviews[0].changes] == ["new_office"]
    uow.published.clear()
    decision = await campaigns.decide_answer(commands.DecideAnswer(result.campaign.id, aue.id, True), uow, surveys)
    office = await uow.offices.get(decision.office.id)
    assert (office.name, office.status, office.details.city, office.details.district_id) == (
        "Büro Aue",
        "geplant",
        "Aue",
        "d-zwickau",
    )
    assert [c.name for c in office.counsellors] == ["Clara Neu"] and office.details.email == "aue@example.org"
    assert events.OfficeRegistered in [type(e) for e in uow.published]
    assert (await recipient_by_email(uow, result.campaign.id, "aue@example.org")).office_id == office.id


async def test_no_counselling_proposes_no_new_office(uow, surveys) -> None:
    extra = (NewRecipient("Büro Aue", "aue@example.org", office_name="Büro Aue", place="Aue"),)
    result = await campaigns.create_campaign(create(recipients=extra, include_register=False), uow, surveys)
    await submitted(uow, surveys, result.campaign.id, "aue@example.org", Answer(counselling="nein"))
    progress, reviews = await campaigns.answer_reviews(uow, result.campaign.id, date(2026, 10, 5))
    assert reviews[0].changes == [] and progress.to_review == 0


# --- members, erasure


async def test_interested_members_who_agreed_to_be_contacted(uow, surveys) -> None:
    people = tuple(NewRecipient(n, f"{n.lower()}@example.org") for n in ("Mia", "Ole", "Ida", "Tom"))
    result = await campaigns.create_campaign(create("mitglieder", recipients=people), uow, surveys)
    await submitted(
        uow, surveys, result.campaign.id, "mia@example.org", Answer(interest="ja", contact_ok=True, region="Plauen")
    )
    await submitted(
        uow, surveys, result.campaign.id, "ole@example.org", Answer(interest="vielleicht", contact_ok=False)
    )
    await submitted(uow, surveys, result.campaign.id, "ida@example.org", Answer(interest="nein", contact_ok=True))
    tom = await recipient_by_email(uow, result.campaign.id, "tom@example.org")
    await campaigns.save_answer(  # a draft does not count
        commands.SaveAnswer(LINKS.token(result.campaign.id, tom.id), Answer(interest="ja", contact_ok=True)),
        uow,
        surveys,
    )
    found = await campaigns.interested_people(uow, result.campaign.id)
    assert [(r.email, r.answer.region) for _, r in found] == [("mia@example.org", "Plauen")]
    assert len(await campaigns.interested_people(uow)) == 1


async def test_erasure_blanks_the_recipient_and_the_answers_personal_fields(uow, surveys) -> None:
    people = (NewRecipient("Mia", "mia@example.org"),)
    result = await campaigns.create_campaign(create("mitglieder", recipients=people), uow, surveys)
    mia = await submitted(
        uow,
        surveys,
        result.campaign.id,
        "mia@example.org",
        Answer(interest="ja", contact_ok=True, region="Plauen", remarks="ruft mich an"),
    )
    envelope = Envelope.wrap(PersonErasedV1(fingerprint=privacy.fingerprint("MIA@example.org", DEV_KEY)))
    erased = await handlers.erase_person(envelope, uow)
    assert (erased.count, erased.address, erased.names) == (1, "mia@example.org", ("Mia",))
    stored = await uow.recipients.get(mia.id)
    assert (stored.name, stored.email, stored.answer.region, stored.answer.remarks) == ("", "", "", "")
    assert stored.answer.interest == "ja" and stored.answer_status == "abgegeben"  # counts stay
    assert await campaigns.interested_people(uow) == []
    with pytest.raises(LinkInvalid):
        await campaigns.survey_form(LINKS.token(result.campaign.id, mia.id), uow, surveys)


def test_answer_without_personal_data_keeps_the_choices() -> None:
    answer = Answer(counselling="ja", counsellors=("Anna",), contact_phone="0341 1", publish=True)
    assert answer.without_personal_data() == replace(answer, counsellors=(), contact_phone="")


async def test_an_unreadable_phone_stops_only_the_phone_change(uow, surveys) -> None:
    result = await campaigns.create_campaign(create(), uow, surveys)
    answer = Answer(counselling="ja", areas=("Rente",), contact_phone="12")
    mdl = await submitted(uow, surveys, result.campaign.id, "mdl@example.org", answer)
    with pytest.raises(InvalidInput, match="Telefonnummer"):
        await campaigns.decide_answer(commands.DecideAnswer(result.campaign.id, mdl.id, True, ("phone",)), uow, surveys)
    assert (await recipient_by_email(uow, result.campaign.id, "mdl@example.org")).review_status == "offen"
    await campaigns.decide_answer(commands.DecideAnswer(result.campaign.id, mdl.id, True, ("areas",)), uow, surveys)
    assert (await uow.offices.get("o-mdl")).details.areas == ("rente",)
