"""Survey campaigns ↔ their stored rows and wire contracts."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from services.registry.domain.campaigns import (
    Answer,
    AnswerStatus,
    Campaign,
    CampaignKind,
    CampaignProgressed,
    Progress,
    ProposedChange,
    Recipient,
    ReviewStatus,
    SurveyMail,
)
from services.registry.domain.offices import Office, OfficeStatus
from shared.contracts import registry as c

_ANSWER_LISTS = ("counsellors", "hours", "areas")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def campaign_data(x: Campaign) -> dict[str, Any]:
    return {
        "id": x.id,
        "title": x.title,
        "kind": str(x.kind),
        "starts_on": _iso(x.starts_on),
        "ends_on": _iso(x.ends_on),
        "intro": x.intro,
        "state": x.state,
        "created_at": _iso(x.created_at),
        "skipped": list(x.skipped),
        "end_reported": x.end_reported,
        "answers_dropped": x.answers_dropped,
    }


def campaign_domain(d: dict[str, Any]) -> Campaign:
    return Campaign(
        d["id"],
        d["title"],
        CampaignKind(d["kind"]),
        _day(d["starts_on"]),
        _day(d["ends_on"]),
        d.get("intro", ""),
        d.get("state"),
        _instant(d.get("created_at")),
        tuple(d.get("skipped", [])),
        d.get("end_reported", False),
        d.get("answers_dropped", False),
    )


def answer_domain(a: c.SurveyAnswerV1 | dict[str, Any]) -> Answer:
    values = a.model_dump() if isinstance(a, c.SurveyAnswerV1) else dict(a)
    known = {f.name for f in fields(Answer)}
    values = {k: v for k, v in values.items() if k in known}
    for name in _ANSWER_LISTS:
        values[name] = tuple(values.get(name) or ())
    return Answer(**values)


def answer_contract(a: Answer | None) -> c.SurveyAnswerV1 | None:
    return None if a is None else c.SurveyAnswerV1.model_validate(_answer_data(a))


def _answer_data(a: Answer) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(a).items()}


def recipient_data(x: Recipient) -> dict[str, Any]:
    return {
        "id": x.id,
        "campaign_id": x.campaign_id,
        "name": x.name,
        "email": x.email,
        "office_id": x.office_id,
        "office_name": x.office_name,
        "place": x.place,
        "district_id": x.district_id,
        "invited_at": _iso(x.invited_at),
        "reminders": x.reminders,
        "last_reminded_at": _iso(x.last_reminded_at),
        "answer": _answer_data(x.answer) if x.answer else None,
        "answer_status": str(x.answer_status),
        "saved_at": _iso(x.saved_at),
        "submitted_at": _iso(x.submitted_at),
        "review_status": str(x.review_status),
        "review_reason": x.review_reason,
        "reviewed_at": _iso(x.reviewed_at),
    }


def recipient_domain(d: dict[str, Any]) -> Recipient:
    return Recipient(
        d["id"],
        d["campaign_id"],
        d["name"],
        d["email"],
        d.get("office_id"),
        d.get("office_name", ""),
        d.get("place", ""),
        d.get("district_id"),
        _instant(d.get("invited_at")),
        d.get("reminders", 0),
        _instant(d.get("last_reminded_at")),
        answer_domain(d["answer"]) if d.get("answer") else None,
        AnswerStatus(d.get("answer_status", "offen")),
        _instant(d.get("saved_at")),
        _instant(d.get("submitted_at")),
        ReviewStatus(d.get("review_status", "offen")),
        d.get("review_reason", ""),
        _instant(d.get("reviewed_at")),
    )


def campaign_snapshot(p: Progress) -> c.CampaignSnapshot:
    x = p.campaign
    return c.CampaignSnapshot(
        campaign_id=x.id,
        title=x.title,
        kind=str(x.kind),
        starts_on=x.starts_on,
        ends_on=x.ends_on,
        intro=x.intro,
        status=p.status,
        recipients=p.recipients,
        invited=p.invited,
        answered=p.answered,
        drafts=p.drafts,
        to_review=p.to_review,
        by_district=[
            c.DistrictRateV1(
                district_id=r.district_id, district_name=r.district_name, recipients=r.recipients, answered=r.answered
            )
            for r in p.by_district
        ],
        skipped=list(x.skipped),
    )


def recipient_contract(x: Recipient) -> c.RecipientV1:
    return c.RecipientV1(
        recipient_id=x.id,
        name=x.name,
        email=x.email,
        office_id=x.office_id,
        office_name=x.office_name,
        district_id=x.district_id,
        invited_at=x.invited_at,
        reminders=x.reminders,
        last_reminded_at=x.last_reminded_at,
        answer_status=str(x.answer_status),
        review_status=str(x.review_status),
    )


def change_contract(p: ProposedChange) -> c.ProposedChangeV1:
    return c.ProposedChangeV1(change_id=p.change_id, label=p.label, before=p.before, after=p.after)


def review_contract(recipient: Recipient, changes: list[ProposedChange]) -> c.AnswerReviewV1:
    return c.AnswerReviewV1(
        recipient=recipient_contract(recipient),
        submitted_at=recipient.submitted_at,
        answer=answer_contract(recipient.answer) or c.SurveyAnswerV1(),
        changes=[change_contract(x) for x in changes],
    )


def office_as_answer(office: Office) -> c.SurveyAnswerV1:
    """What the register holds about an office, as an answer (the form is prefilled with it)."""
    details = office.details
    counselling = {OfficeStatus.ACTIVE: "ja", OfficeStatus.PLANNED: "geplant"}.get(office.status)
    return c.SurveyAnswerV1(
        counselling=counselling,
        counsellors=[x.name for x in office.counsellors][:20],
        hours=[h.describe() for h in details.hours][:20],
        areas=list(details.areas)[:20],
        contact_phone=details.phone,
        contact_email=details.email,
    )


def survey_form(campaign: Campaign, recipient: Recipient, office: Office | None, open_: bool) -> c.SurveyFormV1:
    return c.SurveyFormV1(
        campaign_id=campaign.id,
        title=campaign.title,
        kind=str(campaign.kind),
        intro=campaign.intro,
        ends_on=campaign.ends_on,
        open=open_,
        recipient_name=recipient.name,
        office_name=office.name if office else recipient.office_name,
        current=office_as_answer(office) if office else None,
        answer=answer_contract(recipient.answer),
        answer_status=str(recipient.answer_status),
        saved_at=recipient.saved_at,
    )


def event_contract(event: object) -> Any:
    """The wire contract of a campaign's event, or None for another event."""
    if isinstance(event, CampaignProgressed):
        return c.CampaignProgressedV1(**campaign_snapshot(event.progress).model_dump())
    if isinstance(event, SurveyMail):
        return c.RegistryMailRequestedV1(**asdict(event))
    return None
