"""Issue 18: the erasure event carries only the fingerprint of the address. The register finds the person's records
by computing it over the addresses it holds (in whatever case they were typed) and erases exactly what an erasure by
address erased; it answers with the count, the address as it held it and the names of those records."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from services.registry.domain import commands
from services.registry.domain.campaigns import Answer, NewRecipient
from services.registry.domain.offices import Counsellor, Training
from services.registry.domain.qualifications import PersonQualification
from services.registry.domain.regions import Coordinator
from services.registry.service_layer import campaigns, handlers
from shared import privacy
from shared.contracts.envelope import Envelope
from shared.contracts.notifications import PersonErasedV1
from shared.privacy import DEV_KEY
from tests.unit.registry.builders import details
from tests.unit.registry.fakes import FakeUnitOfWork
from tests.unit.registry.test_campaigns import LINKS, Now, Surveys, create, submitted

LENA = "lena.sommer@example.org"  # the one who is erased; each record below holds her address in another case
OTTO = "otto@example.org"  # someone else, in the same records


async def world(monkeypatch: pytest.MonkeyPatch) -> FakeUnitOfWork:
    ids = itertools.count(1)  # the same ids in every world built
    monkeypatch.setattr(campaigns, "new_id", lambda: f"id-{next(ids)}")
    uow = FakeUnitOfWork(date(2026, 10, 5))
    surveys = Surveys(LINKS, Now(), reminders_max=2, reminder_days=7)
    await handlers.add_district(commands.AddDistrict("Vogtlandkreis", "SN", district_id="d-plauen"), uow)
    counsellors = (Counsellor("c-lena", "Lena Sommer", "Lena.Sommer@Example.org"), Counsellor("c-otto", "Otto", OTTO))
    await handlers.register_office(
        commands.RegisterOffice(details(email="buero@example.org"), "aktiv", counsellors, None, "o-1"), uow
    )
    await handlers.register_office(
        commands.RegisterOffice(
            details(name="Büro Lena", email="LENA.SOMMER@example.org", postcode="08060"), "aktiv", (), None, "o-2"
        ),
        uow,
    )
    await handlers.form_group(
        commands.FormGroup(
            "Vogtland", "SN", ("d-plauen",), Coordinator("L. Sommer", " lena.sommer@EXAMPLE.org"), "g-1"
        ),
        uow,
    )
    await handlers.form_group(commands.FormGroup("Plauen", "SN", (), Coordinator("Otto", OTTO), "g-2"), uow)
    async with uow:
        for email, name in (("Lena.Sommer@example.org", "Lena S."), (OTTO, "Otto")):
            course = Training(date(2026, 9, 1), "Multiplikator:innenschulung")
            await uow.people.put(PersonQualification(email, name, "erstberatung", date(2027, 3, 1), course))
        await uow.commit()
    people = (NewRecipient("Lena Sommer", "lena.SOMMER@example.org"), NewRecipient("Otto", OTTO))
    result = await campaigns.create_campaign(create("mitglieder", recipients=people), uow, surveys)
    for address in ("lena.SOMMER@example.org", OTTO):
        await submitted(uow, surveys, result.campaign.id, address, Answer(interest="ja", remarks=f"{address} ruft"))
    uow.published.clear()
    return uow


async def stored(uow: FakeUnitOfWork) -> dict[str, str]:
    """Every record of the register, by kind and id, as text."""
    found = {}
    for kind in ("offices", "groups", "recipients", "districts", "campaigns"):
        for item in await getattr(uow, kind)._list():
            found[f"{kind}:{item.id}"] = repr({k: v for k, v in vars(item).items() if k != "events"})
    for person in await uow.people.list():
        found[f"people:{person.id}"] = repr(person)
    return found


def event(address: str = "", fingerprint: str = "", blocked: bool = False) -> Envelope:
    return Envelope.wrap(PersonErasedV1(address=address, fingerprint=fingerprint, blocked=blocked))


async def test_only_the_fingerprint_erases_what_the_address_erased_and_nothing_else(monkeypatch) -> None:
    by_address, by_fingerprint = await world(monkeypatch), await world(monkeypatch)
    before = await stored(by_fingerprint)

    old = await handlers.erase_person(event(address="Lena.Sommer@Example.org"), by_address)  # an event from before
    new = await handlers.erase_person(event(fingerprint=privacy.fingerprint(LENA, DEV_KEY)), by_fingerprint)

    after = await stored(by_fingerprint)
    assert after == await stored(by_address)  # the same records erased, the same way
    changed = {key for key in before if before[key] != after.get(key)}
    assert changed == {
        "offices:o-1",  # her counsellor entry (Otto's stays)
        "offices:o-2",  # the contact address
        "groups:g-1",  # the coordinator
        "people:lena.sommer@example.org",  # the qualification
        *(key for key in before if key.startswith("recipients:") and "lena" in before[key].casefold()),
    }
    assert "people:lena.sommer@example.org" not in after and "people:otto@example.org" in after
    assert not any("lena" in text.casefold() for key, text in after.items() if key != "offices:o-2")
    office = await by_fingerprint.offices.get("o-2")
    assert (office.name, office.details.email) == ("Büro Lena", "")  # the office stays, its address goes
    assert [c.name for c in (await by_fingerprint.offices.get("o-1")).counsellors] == ["Otto"]
    assert (await by_fingerprint.groups.get("g-2")).coordinator == Coordinator("Otto", OTTO)

    assert new.count == old.count == 5  # two offices, a group, a qualification, a survey recipient
    assert new.address.casefold() == LENA and new.address in {"Lena.Sommer@Example.org", "LENA.SOMMER@example.org"}
    assert set(new.names) == {"Lena Sommer", "L. Sommer", "Lena S."} and new.names == old.names
    assert set(new.words) == {new.address, "Lena Sommer", "L. Sommer", "Lena S."}
    assert by_fingerprint.blocked.rows == {}  # a plain erasure keeps nothing
    # Outbox and streams lose what names her: the address and the full names (a single word could be anyone's).
    ((words, _at),) = by_fingerprint.forgotten
    assert words == sorted([new.address, "Lena Sommer", "L. Sommer", "Lena S."])


async def test_an_unknown_fingerprint_touches_nothing_and_a_redelivery_does_nothing(monkeypatch) -> None:
    uow = await world(monkeypatch)
    before = await stored(uow)
    nobody = await handlers.erase_person(event(fingerprint=privacy.fingerprint("fremd@example.org", DEV_KEY)), uow)
    assert nobody == privacy.Erased(0, "", ())
    assert await stored(uow) == before and uow.published == [] and uow.forgotten == []

    erasure = event(fingerprint=privacy.fingerprint(LENA, DEV_KEY), blocked=True)
    assert (await handlers.erase_person(erasure, uow)).count == 5
    assert list(uow.blocked.rows) == [privacy.fingerprint(LENA, DEV_KEY)]
    assert await handlers.erase_person(erasure, uow) == privacy.Erased()  # redelivered: already done


def test_the_rule_normalises_case_and_blanks_and_needs_the_key() -> None:
    fingerprint = privacy.fingerprint(LENA, DEV_KEY)
    assert privacy.matches(" Lena.Sommer@EXAMPLE.org ", fingerprint, DEV_KEY)
    assert not privacy.matches("lena.sommer@example.de", fingerprint, DEV_KEY)
    assert not privacy.matches(LENA, fingerprint, b"another key")
    assert not privacy.matches("", fingerprint, DEV_KEY) and not privacy.matches(LENA, "", DEV_KEY)
    assert privacy.sought("Lena.Sommer@Example.org", "", DEV_KEY) == fingerprint  # an older event: its address's
    assert privacy.sought("", "", DEV_KEY) == ""
