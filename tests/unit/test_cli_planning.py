"""The CLI's work-plan table: V with roles, an unrecognised T marked as such."""

from __future__ import annotations

from beratungsnetz.cli.planning import item_row, responsible_text


def test_the_v_column_keeps_roles_and_places() -> None:
    roles = [{"name": "alle", "role": "Beiträge", "scope": ""}, {"name": "Kathrin", "role": "Einstellung", "scope": ""}]
    assert responsible_text(roles) == "Beiträge – alle, Einstellung – Kathrin"
    leipzig = [
        {"name": "(noch offen)", "role": "", "scope": "für Leipzig"},
        {"name": "Steffen", "role": "", "scope": "für Leipzig"},
    ]
    assert responsible_text(leipzig) == "(noch offen) (für Leipzig), Steffen (für Leipzig)"


def test_an_unrecognised_t_is_marked_and_a_recognised_one_is_not() -> None:
    base = {
        "item_id": "i",
        "text": "Punkt",
        "responsible": [{"name": "Thea"}],
        "status": "offen",
        "due": None,
        "overdue": False,
    }
    odd = item_row(base | {"timing": {"kind": "nicht_erkannt", "text": "nach der Wahl"}})
    assert (odd["t"], odd["v"]) == ("nach der Wahl (nicht erkannt)", "Thea")
    assert item_row(base | {"timing": {"kind": "laufend", "text": "stetig"}, "overdue": True})["flag"] == "überfällig"
    assert item_row(base | {"timing": {"kind": "ohne", "text": ""}})["t"] == "–"
