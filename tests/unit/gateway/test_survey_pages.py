"""The survey pages' view logic: an answer becomes form fields and back without losing anything, the campaign form
and a recipients file are read leniently with German errors, and the results become rows in German words."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from services.gateway.adapters.spreadsheets import write_sheet
from services.gateway.domain import board
from services.gateway.domain import surveys as s
from shared.contracts import notifications as n
from shared.contracts import registry as r

OFFICE_ANSWER = r.SurveyAnswerV1(
    counselling="geplant",
    frequency="zweimal im Monat",
    counsellors=["Anna Beispiel", "Bernd Muster"],
    hours=["dienstags 14–17 Uhr", "nach Vereinbarung"],
    areas=["sgb2", "kdu", "Schuldnerberatung"],
    contact_phone="0341 123456",
    contact_email="buero@example.org",
    publish=True,
    remarks="Erst ab März.\nMit Voranmeldung.",
)


def test_every_answer_field_has_an_input_and_belongs_to_a_kind() -> None:
    assert set(s.ANSWER_INPUTS) == set(r.SurveyAnswerV1.model_fields)
    asked = {name for fields in s.KIND_FIELDS.values() for name in fields}
    assert asked == set(r.SurveyAnswerV1.model_fields)
    assert set(s.KIND_FIELDS) == set(r.CAMPAIGN_KIND_WORDS)


class Form(dict):
    """A form as the browser sends it: several values under one name."""

    def getlist(self, name: str) -> list[str]:
        value = self.get(name, [])
        return list(value) if isinstance(value, list) else [value]


def test_an_office_answer_survives_the_round_trip_through_the_form() -> None:
    values = s.form_values("bueros", OFFICE_ANSWER)
    assert values["durch_wen"] == "Anna Beispiel\nBernd Muster"
    assert values["themen"] == ["sgb2", "kdu", "Schuldnerberatung"]
    assert values["veroeffentlichen"] == "ja"
    # the browser sends CRLF line ends, and an unknown area stays offered (nothing is lost)
    sent = Form({k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in values.items()})
    read = s.read_answer("bueros", sent)
    assert read.ok, read.errors
    assert read.answer == OFFICE_ANSWER
    assert ("Schuldnerberatung", "Schuldnerberatung") in s.area_options(values["themen"])


def test_member_and_district_answers_survive_too() -> None:
    member = r.SurveyAnswerV1(
        interest="vielleicht", availability="abends", areas=["rente"], region="Plauen", contact_ok=True
    )
    read = s.read_answer("mitglieder", Form(s.form_values("mitglieder", member)))
    assert read.answer == member
    district = r.SurveyAnswerV1(planned="unklar", help_needed="Schulung\nRäume", remarks="")
    read = s.read_answer("kreisverbaende", Form(s.form_values("kreisverbaende", district)))
    assert read.answer == district


def test_the_register_prefills_an_unanswered_form_and_a_saved_answer_wins() -> None:
    current = r.SurveyAnswerV1(counselling="ja", hours=["montags 9–12 Uhr"])
    assert s.form_values("bueros", None, current)["sprechzeiten"] == "montags 9–12 Uhr"
    assert s.form_values("bueros", OFFICE_ANSWER, current)["sprechzeiten"].startswith("dienstags")
    empty = s.form_values("bueros", None)
    assert empty["beratung"] == "" and empty["veroeffentlichen"] == "" and empty["themen"] == []


def test_a_draft_may_stay_empty_and_fields_of_another_kind_are_ignored() -> None:
    read = s.read_answer("kreisverbaende", Form({"beratung": "ja", "geplant": ""}))
    assert read.ok
    assert read.answer == r.SurveyAnswerV1()


def test_faults_are_german_at_their_input_and_nothing_typed_is_lost() -> None:
    sent = Form(
        {
            "beratung": "vielleicht",
            "email": "kein-at-zeichen",
            "durch_wen": "\n".join(f"Person {i}" for i in range(25)),
            "anmerkungen": "bitte behalten",
        }
    )
    read = s.read_answer("bueros", sent)
    assert not read.ok
    assert set(read.errors) == {"beratung", "durch_wen"}
    assert "20" in read.errors["durch_wen"]
    assert read.values["anmerkungen"] == "bitte behalten" and read.values["email"] == "kein-at-zeichen"
    read = s.read_answer("bueros", Form({"email": "kein-at-zeichen", "anmerkungen": "bitte behalten"}))
    assert list(read.errors) == ["email"]
    assert "E-Mail" in read.errors["email"]
    assert read.values["anmerkungen"] == "bitte behalten"


def test_the_registrys_field_errors_land_at_the_inputs() -> None:
    found = s.answer_errors({"answer.hours.1": "„dienstags“ ist keine Uhrzeit.", "token": "ungültig"})
    assert found == {"sprechzeiten": "„dienstags“ ist keine Uhrzeit.", "anfrage": "ungültig"}


def test_the_campaign_form_reads_dates_as_people_type_them() -> None:
    form = s.read_campaign(
        Form(
            {"titel": " Erhebung 2026 ", "art": "bueros", "beginn": "1.12.2026", "ende": "2026-12-31", "register": []}
        ),
        set(),
    )
    assert form.ok, form.errors
    assert form.payload == {
        "title": "Erhebung 2026",
        "kind": "bueros",
        "starts_on": date(2026, 12, 1),
        "ends_on": date(2026, 12, 31),
        "intro": "",
        "include_register": False,
    }
    assert s.read_campaign(Form({"titel": "x", "art": "kreisverbaende", "beginn": "1.12.2026", "ende": "2.12.2026"}))
    assert s.read_campaign(
        Form({"titel": "x", "art": "kreisverbaende", "beginn": "1.12.2026", "ende": "2.12.2026"})
    ).payload["include_register"]


def test_the_campaign_form_says_what_is_missing() -> None:
    form = s.read_campaign(
        Form({"art": "mitglieder", "beginn": "31.12.2026", "ende": "1.12.2026", "verteiler": "x"}), {"a"}
    )
    assert form.errors == {
        "titel": "Bitte geben Sie der Erhebung einen Titel.",
        "ende": "Das Ende der Erhebung liegt vor ihrem Beginn.",
        "verteiler": "Diesen Verteiler gibt es nicht (mehr). Bitte wählen Sie einen aus der Liste.",
    }
    form = s.read_campaign(Form({"titel": "t", "art": "irgendwas", "beginn": "morgen", "ende": ""}))
    assert set(form.errors) == {"art", "beginn", "ende"}
    assert "21.11.2026" in form.errors["beginn"]


def test_a_recipients_file_is_read_leniently() -> None:
    text = (
        "\ufeffE-Mail;NAME;Büro;ort;Bemerkung\n"
        "buero@example.org;Jana Beispiel;Wahlkreisbüro Plauen;Plauen;egal\n"
        "\n"
        ";Ohne Adresse;;;\n"
        "kaputt@;Falsch;;;\n"
        "nur-buero@example.org;;Bürgerbüro Zwickau;Zwickau;\n"
        "BUERO@example.org;Doppelt;;;\n"
        "ohne-name@example.org;;;;\n"
    )
    found = s.read_recipients(s.csv_table(text))
    assert found.recipients == [
        {
            "name": "Jana Beispiel",
            "email": "buero@example.org",
            "office_name": "Wahlkreisbüro Plauen",
            "place": "Plauen",
        },
        {
            "name": "Bürgerbüro Zwickau",
            "email": "nur-buero@example.org",
            "office_name": "Bürgerbüro Zwickau",
            "place": "Zwickau",
        },
    ]
    assert found.errors == [
        "Zeile 4: Die E-Mail-Adresse fehlt.",
        "Zeile 5: „kaputt@“ ist keine gültige E-Mail-Adresse.",
        "Zeile 8: Bitte einen Namen oder das Büro angeben.",
    ]
    assert found.notes == ["Zeile 7: BUERO@example.org steht schon in Zeile 2; sie wird nur einmal eingeladen."]
    for row in found.recipients:
        r.RecipientInput(**row)  # what the registry takes


def test_a_comma_file_and_a_file_without_the_address_column() -> None:
    found = s.read_recipients(s.csv_table("Name,Email\nAnna,anna@example.org\n"))
    assert [x["email"] for x in found.recipients] == ["anna@example.org"] and not found.errors
    missing = s.read_recipients([["Name", "Ort"], ["Anna", "Plauen"]])
    assert missing.errors and "E-Mail" in missing.errors[0] and missing.errors[0].startswith("Zeile 1")
    assert s.read_recipients([]).errors == [
        "Die Datei ist leer. Die erste Zeile muss die Spalten nennen: Name, E-Mail, Büro, Ort."
    ]


def test_a_lists_active_members_become_recipients() -> None:
    members = [
        n.MemberV1(address="a@example.org", display_name="Anna", role="mitglied", delivery="einzeln", status="aktiv"),
        n.MemberV1(address="b@example.org", role="mitglied", delivery="einzeln", status="aktiv"),
        n.MemberV1(address="c@example.org", role="mitglied", delivery="einzeln", status="gesperrt"),
    ]
    assert s.member_recipients(members) == [
        {"name": "Anna", "email": "a@example.org"},
        {"name": "b@example.org", "email": "b@example.org"},
    ]


def campaign(**changes: object) -> r.CampaignSnapshot:
    values = {
        "campaign_id": "c1",
        "title": "Erhebung Büros 2026",
        "kind": "bueros",
        "starts_on": date(2026, 12, 1),
        "ends_on": date(2026, 12, 31),
        "status": "laufend",
        "recipients": 40,
        "invited": 40,
        "answered": 12,
        "by_district": [r.DistrictRateV1(district_id="d1", district_name="Vogtland", recipients=4, answered=1)],
    }
    return r.CampaignSnapshot(**(values | changes))


def test_the_response_rate_and_the_banner_in_words() -> None:
    assert s.rate_text(12, 40) == "12 von 40 (30 %)"
    assert s.rate_text(0, 0) == "0 von 0 (0 %)"
    assert s.created_message(campaign()) == "Erhebung angelegt, 40 Einladungen verschickt."
    planned = campaign(status="geplant", invited=0, skipped=["Büro X: keine Adresse"])
    assert s.created_message(planned) == (
        "Erhebung angelegt, 40 Einladungen gehen am 1. Dezember 2026 hinaus.\n1 nicht eingeladen (siehe unten)."
    )


def results() -> tuple[tuple[str, ...], list[list[object]]]:
    people = [
        r.RecipientV1(
            recipient_id="p1",
            name='=HYPERLINK("http://x")',
            email="a@example.org",
            office_name="Büro Plauen",
            district_id="d1",
            invited_at=datetime(2026, 12, 1, 8, tzinfo=UTC),
            answer_status="abgegeben",
            review_status="uebernommen",
        ),
        r.RecipientV1(recipient_id="p2", name="Bernd", email="b@example.org", reminders=2, answer_status="entwurf"),
    ]
    reviews = r.AnswerReviews(
        campaign=campaign(),
        answers=[
            r.AnswerReviewV1(
                recipient=people[0],
                submitted_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
                answer=OFFICE_ANSWER,
                changes=[],
            )
        ],
    )
    return s.result_table(r.CampaignRecipients(campaign=campaign(), recipients=people), reviews)


def test_results_have_one_row_per_recipient_in_german_words() -> None:
    head, rows = results()
    assert head[:3] == ("Name", "E-Mail", "Büro") and "Findet Beratung statt?" in head and head[-1] == "Anmerkungen"
    first = dict(zip(head, rows[0], strict=True))
    assert first["Kreisverband"] == "Vogtland"
    assert first["Antwort"] == "abgegeben" and first["Prüfung"] == "übernommen"
    assert first["Findet Beratung statt?"] == "geplant"
    assert first["Themen"] == "SGB II / Bürgergeld; Kosten der Unterkunft; Schuldnerberatung"
    assert first["Durch wen"] == "Anna Beispiel; Bernd Muster"
    assert first["Veröffentlichung erlaubt"] == "ja"
    second = dict(zip(head, rows[1], strict=True))
    assert second["Antwort"] == "Entwurf, nicht abgegeben" and second["Prüfung"] == "" and second["Themen"] == ""
    assert second["Erinnerungen"] == 2


def test_results_as_csv_neutralise_formulas_and_as_excel_stay_text() -> None:
    head, rows = results()
    data = board.csv_bytes(board.Table("ergebnisse", "x", head, tuple(tuple(row) for row in rows)))
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == list(head)
    assert parsed[1][0] == '\'=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(write_sheet("Ergebnisse", head, rows))).worksheets[0]
    cell = sheet.cell(row=2, column=1)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert sheet.cell(row=1, column=len(head)).value == "Anmerkungen"


def test_the_board_sees_running_and_recently_ended_campaigns() -> None:
    found = r.Campaigns(
        campaigns=[
            campaign(campaign_id="a"),
            campaign(campaign_id="b", status="beendet", ends_on=date(2026, 10, 1)),
            campaign(campaign_id="c", status="beendet", ends_on=date(2026, 1, 1)),
            campaign(campaign_id="d", status="geplant"),
        ]
    )
    assert [c.campaign_id for c in board.campaigns(found, date(2026, 6, 1))] == ["a", "b"]
    assert board.campaigns(None, date(2026, 6, 1)) is None
    assert s.result_filename(campaign(title="Büros: Größe 2026!"), "csv") == "erhebung-bueros-groesse-2026.csv"
