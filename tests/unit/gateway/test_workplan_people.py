"""Whose work-plan items are "mine", and who may mark them done: as the reminder mails find people."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from services.gateway.domain.people import Viewer
from services.gateway.domain.workplan import Filters, Me, may_read, named_in_open_item, urgent


def item(*names: str, due: date | None = None, overdue: bool = False, status: str = "offen") -> SimpleNamespace:
    responsible = [SimpleNamespace(name=n, role="", scope="") for n in names]
    return SimpleNamespace(responsible=responsible, due=due, overdue=overdue, status=status, text="x", plan="P")


def test_a_person_is_named_by_the_whole_name_or_its_first_word_and_bodies_by_role() -> None:
    me = Me(("Kathrin Beispiel",), speaker=True, board=False, list_name="LAG")
    assert me.mine(item("Kathrin")) and me.mine(item("kathrin beispiel")) and me.mine(item("Sprecherrat"))
    assert not me.mine(item("Kath")) and not me.mine(item("Landesvorstand")) and not me.mine(item("Gudrun"))
    assert Me(board=True).mine(item("Landesvorstand")) and not Me().mine(item("Sprecherrat"))


def test_the_board_reads_but_reports_only_on_items_naming_the_person() -> None:
    board = Viewer("v@example.org", board=True)
    assert may_read(board) and not may_read(Viewer("nobody@example.org"))
    assert not Me(board=True).may_report(board, item("Landesvorstand"))
    assert Me(("Susann",), board=True).may_report(board, item("Susann"))
    assert Me(speaker=True).may_report(Viewer("k@example.org"), item("Sprecherrat"))
    assert Me().may_report(Viewer("a@example.org", admin=True), item("Gudrun"))


def test_filters_and_my_urgent_items() -> None:
    today = date(2026, 11, 29)
    me = Me(("Gudrun",))
    late, soon, later = (
        item("Gudrun", overdue=True),
        item("Gudrun", due=date(2026, 12, 20)),
        item("Gudrun", due=date(2027, 3, 1)),
    )
    assert urgent([later, soon, late, item("Petra", overdue=True)], me, today) == [late, soon]
    chosen = Filters.of({"termin": "ueberfaellig", "wer": "gudrun", "status": "unsinn"})
    assert chosen.status == "" and chosen.keep(late, me, today) and not chosen.keep(soon, me, today)
    assert Filters.of({"meine": "1"}).keep(soon, me, today) and not Filters.of({"meine": "1"}).keep(
        item("Petra"), me, today
    )


def test_a_person_named_in_an_open_item_holds_a_role_and_reads_the_plan() -> None:
    items = [item("Gudrun"), item("Petra Beispiel", status="erledigt"), item("Sprecherrat")]
    assert named_in_open_item(["Gudrun Muster"], items)  # by the first word of her name on the list
    assert not named_in_open_item(["Petra Beispiel"], items)  # her only item is done
    assert not named_in_open_item([], items) and not named_in_open_item(["Sprecherrat"], [])
    named = Viewer("gudrun@example.org", workplan=True)
    assert named.has_role and may_read(named) and "Verantwortlich für Punkte im Arbeitsplan" in named.roles
    assert not Viewer("anna@example.org").has_role
