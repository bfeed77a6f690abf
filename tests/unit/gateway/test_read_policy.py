"""The read policy per role (domain/read_policy.py): what of an office, a group, the coverage report and an office's
history each role reads. Pure: snapshots in, snapshots out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.gateway.domain import read_policy as policy
from services.gateway.domain.read_policy import HIDDEN_NAME, Reader
from shared.contracts import events as e
from shared.contracts import registry as r

ANNA = r.CounsellorV1(
    counsellor_id="c1",
    name="Anna Offen",
    email="anna@example.org",
    publish_name=True,
    trainings=[r.TrainingV1(on=date(2026, 3, 1), title="Grundschulung")],
    qualifies_for="erstberatung",
    qualified_until=date(2028, 3, 1),
)
BERT = r.CounsellorV1(
    counsellor_id="c2",
    name="Bert Verborgen",
    email="bert@example.org",
    publish_name=False,
    trainings=[r.TrainingV1(on=date(2026, 4, 1), title="Grundschulung")],
)
OFFICE = r.OfficeSnapshot(
    office_id="o1",
    name="Sozialberatung Plauen",
    operator_kind="kreisverband",
    operator_name="DIE LINKE Vogtland",
    street="Rähnisstraße 1",
    postcode="08523",
    city="Plauen",
    email="plauen@example.org",
    status="aktiv",
    counsellors=[ANNA, BERT],
    supervision=r.SupervisionV1(lawyer_name="Dr. Clara Recht", qualification_confirmed=True, since=date(2025, 1, 1)),
    qualified_until=date(2028, 3, 1),
)
GROUP = r.GroupSnapshot(
    group_id="g1", name="Vogtland", state="SN", coordinator=r.Coordinator(name="Petra", email="petra@example.org")
)
OTHER = r.GroupSnapshot(
    group_id="g2", name="Leipzig", state="SN", coordinator=r.Coordinator(name="Karl", email="karl@example.org")
)
NOT_ADMIN = [Reader("board"), Reader("moderator"), Reader("coordinator", frozenset({"g1"})), Reader("public")]


def test_the_landesgeschaeftsstelle_reads_everything():
    assert policy.office(policy.ADMIN, OFFICE) == OFFICE
    assert policy.groups(policy.ADMIN, r.Groups(groups=[GROUP, OTHER])).groups == [GROUP, OTHER]


@pytest.mark.parametrize("reader", NOT_ADMIN, ids=lambda x: x.role)
def test_no_other_role_reads_an_unpublished_name_an_address_or_the_lawyer(reader):
    seen = policy.office(reader, OFFICE)
    text = seen.model_dump_json()
    for secret in ("Bert Verborgen", "bert@example.org", "anna@example.org", "Dr. Clara Recht"):
        assert secret not in text
    assert "Anna Offen" in text  # she agreed to be named
    assert seen.email == "plauen@example.org"  # the office's own contact address is public
    assert seen.supervision is not None and seen.supervision.qualification_confirmed  # that there is one: yes
    assert r.OfficeSnapshot.model_validate(seen.model_dump()) == seen  # still the reply contract


def test_the_board_counts_and_judges_the_unnamed_counsellors():
    seen = policy.office(Reader("board"), OFFICE)
    assert [c.name for c in seen.counsellors] == ["Anna Offen", ""]
    assert seen.counsellors[1].trainings == BERT.trainings
    assert seen.qualified_until == OFFICE.qualified_until


def test_coordinators_and_moderators_read_published_names_only():
    for reader in (Reader("moderator"), Reader("coordinator", frozenset({"g1"}))):
        seen = policy.office(reader, OFFICE)
        assert [(c.name, c.email, c.trainings) for c in seen.counsellors] == [("Anna Offen", None, [])]
        assert seen.qualified_until is None


def test_a_coordinator_reads_only_their_own_groups_address():
    seen = policy.groups(policy.for_token("coordinator", "g1"), r.Groups(groups=[GROUP, OTHER])).groups
    assert seen[0].coordinator.email == "petra@example.org"
    assert seen[1].coordinator == r.Coordinator(name="Karl", email=None)


def test_action_plannings_copy_of_the_groups_follows_the_same_rule():
    copy = lambda gid, email: e.GroupV1(  # noqa: E731
        group_id=gid, name=gid, state="SN", status="aktiv", coordinator_email=email, events_seen=1
    )
    found = e.Groups(groups=[copy("g1", "petra@example.org"), copy("g2", "karl@example.org")])
    seen = policy.replica_groups(Reader("coordinator", frozenset({"g1"})), found).groups
    assert [g.coordinator_email for g in seen] == ["petra@example.org", ""]
    assert policy.replica_groups(policy.ADMIN, found) == found


@pytest.mark.parametrize("role", ["board", "moderator"])
def test_board_and_moderators_read_coordinators_names_without_addresses(role):
    seen = policy.groups(policy.for_token(role, "g1"), r.Groups(groups=[GROUP, OTHER])).groups
    assert [(g.coordinator.name, g.coordinator.email) for g in seen] == [("Petra", None), ("Karl", None)]


def test_a_moderator_tokens_scope_is_a_list_not_a_group():
    assert policy.for_token("moderator", "g1").groups == frozenset()


def test_the_widest_role_of_a_signed_in_person_decides():
    assert policy.for_viewer(admin=True, board=True).full
    assert policy.for_viewer(admin=False, board=True, coordinates={"g1": "Vogtland"}).board
    assert policy.for_viewer(admin=False, board=False, coordinates={"g1": "Vogtland"}).groups == {"g1"}
    assert policy.for_viewer(admin=False, board=False).role == "moderator"


def test_names_in_the_coverage_report_are_masked_for_everyone_but_the_office():
    hidden = policy.hidden_names([OFFICE])
    assert hidden == {"Bert Verborgen", "Dr. Clara Recht"}
    finding = r.CoverageFinding(
        kind="ohne_schulung", subject_id="o1", name="Plauen", detail="Bert Verborgen, Anna Offen"
    )
    report = r.CoverageReport(findings=[finding], text="  - Plauen: Bert Verborgen, Anna Offen\n")
    seen = policy.coverage(Reader("board"), report, hidden)
    assert seen.findings[0].detail == f"{HIDDEN_NAME}, Anna Offen"
    assert "Bert" not in seen.text
    assert policy.coverage(policy.ADMIN, report, hidden) == report


def test_masking_takes_whole_names_only():
    assert policy.masked("Annabell und Anna", {"Anna"}) == f"Annabell und {HIDDEN_NAME}"
    assert policy.masked("nichts", set()) == "nichts"


def test_the_history_hides_removed_and_unpublished_people_and_the_lawyer():
    at = datetime(2026, 5, 1, tzinfo=UTC)
    lines = [
        "Berater:in hinzugefügt: Anna Offen",
        "Berater:in entfernt: Jemand Früheres",
        "Schulung eingetragen für Bert Verborgen: Grundschulung am 01.04.2026",
        "Anleitung nach § 6 RDG: Dr. Alt, seit 01.01.2024, Befähigung bestätigt",
        "Angaben geändert",
    ]
    found = r.OfficeHistory(office_id="o1", entries=[r.OfficeHistoryEntry(at=at, what=w) for w in lines])
    seen = [e.what for e in policy.history(Reader("board"), found, OFFICE).entries]
    assert seen == [
        "Berater:in hinzugefügt: Anna Offen",
        f"Berater:in entfernt: {HIDDEN_NAME}",
        f"Schulung eingetragen für {HIDDEN_NAME}: Grundschulung am 01.04.2026",
        f"Anleitung nach § 6 RDG: {HIDDEN_NAME}, seit 01.01.2024, Befähigung bestätigt",
        "Angaben geändert",
    ]
    assert policy.history(policy.ADMIN, found, OFFICE) == found


def test_the_board_reads_qualifications_without_addresses_and_unpublished_names():
    finding = r.CoverageFinding(
        kind="qualifikation_laeuft_ab", subject_id="o1", name="Plauen", detail="Qualifikation von Bert Verborgen endet"
    )
    person = lambda name, email, cid: r.QualificationV1(  # noqa: E731
        name=name,
        email=email,
        qualifies_for="erstberatung",
        until=date(2026, 6, 1),
        status="laeuft_ab",
        office_id="o1" if cid else None,
        counsellor_id=cid,
    )
    people = [
        person("Anna Offen", "anna@example.org", "c1"),
        person("Bert Verborgen", "bert@example.org", "c2"),
        person("Dora Neu", "dora@example.org", None),  # trained, at no office yet: named nowhere
    ]
    found = r.Qualifications(qualifications=people, offices_at_risk=[finding])
    seen = policy.qualifications(Reader("board"), found, [OFFICE])
    assert [(q.name, q.email, q.until) for q in seen.qualifications] == [
        ("Anna Offen", "", date(2026, 6, 1)),
        ("", "", date(2026, 6, 1)),
        ("", "", date(2026, 6, 1)),
    ]
    assert seen.offices_at_risk[0].detail == f"Qualifikation von {HIDDEN_NAME} endet"
    others = policy.qualifications(Reader("coordinator", frozenset({"g1"})), found, [OFFICE])
    assert others.qualifications == [] and others.offices_at_risk == seen.offices_at_risk
    assert policy.qualifications(policy.ADMIN, found, [OFFICE]) == found
