"""Requests become commands by the subject they came on, never by their Python type alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.registry.domain import commands
from services.registry.domain.campaigns import Answer, CampaignKind, NewRecipient
from services.registry.domain.offices import Counsellor, Supervision, Training
from services.registry.domain.regions import Coordinator
from services.registry.entrypoints.translate import (
    CAMPAIGN_COMMANDS,
    GROUP_COMMANDS,
    OFFICE_COMMANDS,
    TRANSLATIONS,
    command,
)
from shared.contracts import CATALOGUE, RequestSpec
from shared.contracts import registry as c
from tests.unit.registry.builders import details

# Commands of the service that are not domain commands: they call a use case directly.
NOT_TRANSLATED = {c.IMPORT_OFFICES}
OFFICE = {
    "name": "Sozialberatung im Bürgerbüro Plauen",
    "operator_kind": "abgeordnetenbuero",
    "operator_name": "Bürgerbüro MdL Vogtland",
    "street": "Bahnhofstraße 12",
    "postcode": "08523",
    "city": "Plauen",
    "access_notes": "ebenerdig",
    "phone": "03741 555010",
    "email": "buero@example.org",
    "hours": ["dienstags 14–17 Uhr"],
    "areas": ["Bürgergeld", "KdU"],
    "languages": ["Deutsch"],
}
ON = date(2026, 9, 1)
LAWYER = {"lawyer_name": "RAin Beispiel", "qualification_confirmed": True, "since": ON}


def expected() -> dict[RequestSpec, tuple[object, object]]:
    """Each command subject of the registry: a request on the wire and the command it must become."""
    anna = Counsellor("c-1", "Anna Beispiel", "anna@example.org", True, (Training(ON, "Grundkurs"),))
    supervision = Supervision("RAin Beispiel", True, ON)
    return {
        c.ADD_DISTRICT: (
            c.AddDistrict(name="Hamburg-Nord", state="HH", kind="bezirk", district_id="d1"),
            commands.AddDistrict("Hamburg-Nord", "HH", "bezirk", "d1"),
        ),
        c.FORM_GROUP: (
            c.FormGroup(name="Vogtland", state="SN", district_ids=["d1"], coordinator={"name": "Kathrin"}),
            commands.FormGroup("Vogtland", "SN", ("d1",), Coordinator("Kathrin"), None),
        ),
        c.RENAME_GROUP: (c.RenameGroup(group_id="g1", name="Plauen"), commands.RenameGroup("g1", "Plauen")),
        c.CHANGE_COORDINATOR: (
            c.ChangeCoordinator(group_id="g1", coordinator={"name": "Kathrin", "email": "k@example.org"}),
            commands.ChangeCoordinator("g1", Coordinator("Kathrin", "k@example.org")),
        ),
        c.MERGE_GROUPS: (
            c.MergeGroups(into_group_id="g1", group_ids=["g2", "g3"]),
            commands.MergeGroups("g1", ("g2", "g3")),
        ),
        c.DISSOLVE_GROUP: (c.DissolveGroup(group_id="g1"), commands.DissolveGroup("g1")),
        c.REGISTER_OFFICE: (
            c.RegisterOffice(
                **OFFICE,
                status="geplant",
                counsellors=[
                    {
                        "counsellor_id": "c-1",
                        "name": "Anna Beispiel",
                        "email": "anna@example.org",
                        "publish_name": True,
                        "trainings": [{"on": ON, "title": "Grundkurs"}],
                    }
                ],
                supervision=LAWYER,
                office_id="o1",
            ),
            commands.RegisterOffice(details(), "geplant", (anna,), supervision, "o1"),
        ),
        c.UPDATE_OFFICE: (c.UpdateOffice(**OFFICE, office_id="o1"), commands.UpdateOffice("o1", details())),
        c.PAUSE_OFFICE: (c.StatusChange(office_id="o1", reason="Urlaub"), commands.PauseOffice("o1", "Urlaub")),
        c.REACTIVATE_OFFICE: (c.StatusChange(office_id="o1"), commands.ReactivateOffice("o1")),
        c.CLOSE_OFFICE: (
            c.StatusChange(office_id="o1", reason="Büro aufgegeben"),
            commands.CloseOffice("o1", "Büro aufgegeben"),
        ),
        c.ADD_COUNSELLOR: (
            c.AddCounsellor(
                office_id="o1",
                counsellor_id="c-1",
                name="Anna Beispiel",
                email="anna@example.org",
                publish_name=True,
                trainings=[{"on": ON, "title": "Grundkurs"}],
            ),
            commands.AddCounsellor("o1", anna),
        ),
        c.REMOVE_COUNSELLOR: (
            c.RemoveCounsellor(office_id="o1", counsellor_id="c-1"),
            commands.RemoveCounsellor("o1", "c-1"),
        ),
        c.RECORD_TRAINING: (
            c.RecordTraining(office_id="o1", counsellor_id="c-1", training={"on": ON, "title": "Grundkurs"}),
            commands.RecordTraining("o1", "c-1", Training(ON, "Grundkurs")),
        ),
        c.CHANGE_SUPERVISION: (
            c.ChangeSupervision(office_id="o1", supervision=LAWYER),
            commands.ChangeSupervision("o1", supervision),
        ),
        c.CREATE_CAMPAIGN: (
            c.CreateCampaign(
                title="Erhebung 2026",
                kind="bueros",
                starts_on=ON,
                ends_on=date(2026, 9, 30),
                intro="Bitte antworten",
                include_register=False,
                recipients=[
                    {"name": "Büro Zwickau", "email": "z@example.org", "office_name": "Büro", "place": "Zwickau"}
                ],
                state="SN",
            ),
            commands.CreateCampaign(
                "Erhebung 2026",
                CampaignKind.OFFICES,
                ON,
                date(2026, 9, 30),
                "Bitte antworten",
                False,
                (NewRecipient("Büro Zwickau", "z@example.org", None, "Büro", "Zwickau"),),
                "SN",
            ),
        ),
        c.SAVE_ANSWER: (
            c.SaveAnswer(token="r1.abc", answer={"counselling": "ja", "hours": ["dienstags 14–17 Uhr"]}, submit=True),
            commands.SaveAnswer("r1.abc", Answer(counselling="ja", hours=("dienstags 14–17 Uhr",)), True),
        ),
        c.DECIDE_ANSWER: (
            c.DecideAnswer(campaign_id="k1", recipient_id="r1", accept=True, change_ids=["hours"]),
            commands.DecideAnswer("k1", "r1", True, ("hours",)),
        ),
    }


def test_every_command_subject_becomes_its_own_command() -> None:
    cases = expected()
    own = {s for s in CATALOGUE.specs() if isinstance(s, RequestSpec) and s.subject.startswith("registry.cmd.")}
    assert set(cases) == own - NOT_TRANSLATED == set(TRANSLATIONS)
    assert {c.ADD_DISTRICT, *GROUP_COMMANDS, *OFFICE_COMMANDS, *CAMPAIGN_COMMANDS} == set(TRANSLATIONS)
    for spec, (request, wanted) in cases.items():
        assert isinstance(request, spec.request)
        assert command(spec, request) == wanted, spec.subject


def test_subjects_sharing_a_request_type_translate_differently() -> None:
    """`StatusChange` pauses, reactivates or closes by subject; on the query subject it is no command at all."""
    ref = c.StatusChange(office_id="o1")
    assert c.PAUSE_OFFICE.request is c.REACTIVATE_OFFICE.request is c.CLOSE_OFFICE.request
    assert issubclass(c.PAUSE_OFFICE.request, c.OFFICE.request)  # an office named, and (optionally) why
    got = [command(spec, ref) for spec in (c.PAUSE_OFFICE, c.REACTIVATE_OFFICE, c.CLOSE_OFFICE)]
    assert got == [commands.PauseOffice("o1"), commands.ReactivateOffice("o1"), commands.CloseOffice("o1")]
    with pytest.raises(TypeError, match="registry.query.office"):
        command(c.OFFICE, ref)
    # A later subject with the same request type (written without a literal: no contract catalogues it).
    unknown = replace(c.CLOSE_OFFICE, subject=c.CLOSE_OFFICE.subject.replace("close", "archive"))
    with pytest.raises(TypeError, match=unknown.subject):  # a new subject is not closed by default
        command(unknown, ref)


def test_the_words_pages_use_are_the_registrys_own() -> None:
    from services.registry.domain.areas import AREAS
    from services.registry.domain.offices import OPERATOR_KINDS

    assert c.AREA_WORDS == AREAS
    assert c.OPERATOR_KIND_WORDS == {str(kind): word for kind, word in OPERATOR_KINDS.items()}
