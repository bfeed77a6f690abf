"""Issue 18 in the register: an erasure with objection ("löschen und sperren") leaves the address's fingerprint, and
from then on the address becomes no group's coordinator (so no list's moderator) and gets no survey mail. A plain
erasure leaves nothing behind."""

from __future__ import annotations

import pytest

from services.registry.domain import commands
from services.registry.domain.campaigns import NewRecipient
from services.registry.domain.errors import Conflict
from services.registry.domain.regions import Coordinator
from services.registry.service_layer import campaigns, handlers
from shared import privacy
from shared.contracts.envelope import Envelope
from shared.contracts.notifications import PersonErasedV1
from shared.privacy import DEV_KEY
from tests.unit.registry.test_campaigns import create, mails, now, surveys, uow  # noqa: F401 - fixtures

KATHRIN = "kathrin@example.org"  # the coordinator of g-1 (Vogtland) in the fixture


def erased(address: str, blocked: bool, with_address: bool = True) -> Envelope:
    fingerprint = privacy.fingerprint(address, DEV_KEY)
    return Envelope.wrap(
        PersonErasedV1(address=address if with_address else "", fingerprint=fingerprint, blocked=blocked)
    )


async def test_a_plain_erasure_blocks_nothing(uow) -> None:  # noqa: F811
    await handlers.erase_person(erased(KATHRIN, blocked=False), uow)
    assert uow.blocked.rows == {}
    group = await handlers.change_coordinator(commands.ChangeCoordinator("g-1", Coordinator("Kathrin", KATHRIN)), uow)
    assert group.coordinator.email == KATHRIN  # she may come back


async def test_a_blocked_address_becomes_no_coordinator_by_a_change_or_a_new_group(uow) -> None:  # noqa: F811
    await handlers.erase_person(erased(KATHRIN, blocked=True), uow)
    assert (await handlers.find_group(uow, "g-1")).coordinator is None  # erased
    uow.published.clear()
    with pytest.raises(Conflict, match=r"gesperrt.*Art. 21 DSGVO.*Koordination"):
        await handlers.change_coordinator(
            commands.ChangeCoordinator("g-1", Coordinator("K.", " Kathrin@Example.org")), uow
        )
    with pytest.raises(Conflict, match="gesperrt"):
        await handlers.form_group(commands.FormGroup("Zwickau", "SN", ("d-zwickau",), Coordinator("K.", KATHRIN)), uow)
    assert uow.published == []  # nothing announced: the mailing service never hears of her as a moderator
    assert [g.name for g in await uow.groups.list()] == ["Vogtland"]
    group = await handlers.change_coordinator(
        commands.ChangeCoordinator("g-1", Coordinator("Bernd", "b@example.org")), uow
    )
    assert group.coordinator.email == "b@example.org"  # anyone else is fine


async def test_a_blocked_address_gets_no_survey_mail(uow, surveys, now) -> None:  # noqa: F811
    await handlers.erase_person(erased("aue@example.org", blocked=True), uow)
    extra = (NewRecipient("Büro Aue", "Aue@example.org"), NewRecipient("Büro Bad Elster", "elster@example.org"))
    result = await campaigns.create_campaign(
        create(starts=now().date().replace(day=12), recipients=extra), uow, surveys
    )
    got = [r.email for r in await uow.recipients.of_campaign(result.campaign.id)]
    assert "elster@example.org" in got and "Aue@example.org" not in got
    assert (
        "1 Adresse ist gesperrt (Widerspruch nach Art. 21 DSGVO) und wird nicht angeschrieben"
        in result.campaign.skipped
    )
    assert not any("aue" in line.casefold() for line in result.campaign.skipped)  # nobody is named
    # someone who objects after the campaign was made is not invited either, even when the event names no address
    await handlers.erase_person(erased("elster@example.org", blocked=True, with_address=False), uow)
    now.days(7)
    await campaigns.run_campaigns(lambda: uow, surveys)
    invited = {m.to for m in mails(uow, "umfrage_einladung")}
    assert "elster@example.org" not in invited and "mdl@example.org" in invited
