"""Art. 15 export as German tables: columns, words, Berlin times, list names."""

from __future__ import annotations

from services.gateway.entrypoints.web.export_view import sections, when


def test_times_are_berlin_wall_time_and_stored_naive_times_count_as_utc() -> None:
    assert when("2026-07-01T08:30:00+00:00") == "01.07.2026, 10:30"  # summer time
    assert when("2026-12-01T08:30:00") == "01.12.2026, 09:30"
    assert when(None) == when("") == ""


def test_sections_name_lists_and_translate_words() -> None:
    export = {
        "memberships": [{"list_id": "lag", "role": "moderation", "delivery": "woechentlich", "status": "abgemeldet"}],
        "consents": [{"list_id": "weg", "text_version": "2026-11-01", "requested_at": "2026-11-02T09:00:00+00:00"}],
        "audit": [{"at": "2026-11-02T09:00:00+00:00", "list_id": "lag", "action": "anfrage_annehmen"}],
    }
    shown = {s.key: s for s in sections(export, {"lag": "LAG Hartz IV Sachsen"})}
    assert shown["memberships"].rows == [
        ["LAG Hartz IV Sachsen", "Moderation", "wöchentlich gesammelt", "abgemeldet", "", ""]
    ]
    assert shown["consents"].rows[0][:3] == ["weg", "2026-11-01", "02.11.2026, 10:00"]  # a list gone keeps its id
    assert shown["audit"].rows[0][2] == "Anfrage angenommen"
    assert shown["requests"].rows == [] and shown["requests"].empty == "Es sind keine Anfragen gespeichert."
