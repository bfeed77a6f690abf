"""`beratungsnetz arbeitsplan|fortschritt`: the work plan and the progress report."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.client import DENIED, CliError
from beratungsnetz.cli.formats import count, day
from beratungsnetz.cli.output import console, done, emit, run, state

arbeitsplan = typer.Typer(
    help="Arbeitsplan (V/T): importieren, Punkte aufnehmen, auflisten, Status, Vermerke, erledigt.",
    no_args_is_help=True,
)
ITEM_HELP = "Kurzkennung des Punkts aus `arbeitsplan liste`, sein Text oder seine Kennung"


@arbeitsplan.command("import")
def import_plan(
    datei: Path = typer.Argument(..., exists=True, readable=True, help="Textdatei des Arbeitsplans (UTF-8)"),
    jahr: int = typer.Option(None, help="Jahr des Plans, falls der Text es nicht nennt"),
) -> None:
    """Importiert einen Arbeitsplan im V:/T:-Stil; ein zweiter Import legt nichts doppelt an.

    Beispiel: beratungsnetz arbeitsplan import arbeitsplan-2027.txt --jahr 2027"""
    with console.status("Importiere Arbeitsplan …", spinner="dots") if not state.json else nullcontext():
        result = run(
            lambda g: g.call("/arbeitsplan/import", {"text": datei.read_text(encoding="utf-8-sig"), "year": jahr})
        )
    if state.json:
        emit(result)
        return
    done(
        f"{result['plan']}: {count(len(result['items']), 'Punkt', 'Punkte')} neu, {result['unchanged']} schon vorhanden"
    )
    if result["items"]:
        emit(result, ITEM_COLUMNS, [item_row(i) for i in result["items"]])
    for paragraph in result["not_imported"]:  # in line order, as the service reports them
        console.print(f"[yellow]Ohne V, nicht übernommen:[/yellow] {paragraph[:100]}")


ITEM_COLUMNS = [
    ("Kennung", "item_id"),
    ("Punkt", "short"),
    ("V", "v"),
    ("T", "t"),
    ("Fällig", "flag"),
    ("Status", "status"),
]


def responsible_text(responsible: list[dict]) -> str:
    """ "Beiträge – alle, Einstellung – Kathrin": roles and places kept, not just the names."""
    shown = [f"{r['role']} – {r['name']}" if r.get("role") else r["name"] for r in responsible]
    return ", ".join(f"{s} ({r['scope']})" if r.get("scope") else s for s, r in zip(shown, responsible, strict=True))


def timing_text(timing: dict) -> str:
    if timing["kind"] == "nicht_erkannt":
        return f"{timing['text']} (nicht erkannt)"
    return timing["text"] or "–"


def item_row(item: dict) -> dict:
    flag = "überfällig" if item.get("overdue") else day(item.get("due"))
    return item | {
        "v": responsible_text(item["responsible"]),
        "t": timing_text(item["timing"]),
        "short": item["text"][:70],
        "flag": flag,
    }


@arbeitsplan.command("liste")
def list_items(offen: bool = typer.Option(False, "--offen", help="Nur offene Punkte")) -> None:
    """Listet den Arbeitsplan mit Fälligkeit; ein nicht erkanntes T ist als solches markiert.

    Beispiel: beratungsnetz arbeitsplan liste --offen"""
    data = run(lambda g: g.get("/arbeitsplan", only_open="true" if offen else None))
    emit(data, ITEM_COLUMNS, [item_row(i) for i in data["items"]])


@arbeitsplan.command("erledigt")
def item_done(punkt: str = typer.Argument(..., help=ITEM_HELP)) -> None:
    """Vermerkt einen Punkt als erledigt (wiederkehrende: für den laufenden Zeitraum).

    Beispiel: beratungsnetz arbeitsplan erledigt 5d1c8a20"""
    result = run(lambda g: g.call("/arbeitsplan/erledigt", {"item_id": names.item(g, punkt)}))
    emit(result) if state.json else done(f"Erledigt: {result['text'][:60]}")


@arbeitsplan.command("vermerk")
def note(
    punkt: str = typer.Argument(..., help=ITEM_HELP),
    text: str = typer.Argument(..., help="Der Vermerk"),
    autor: str = typer.Option("", help="Wer ihn schreibt"),
) -> None:
    """Fügt einem Punkt einen Fortschrittsvermerk hinzu.

    Beispiel: beratungsnetz arbeitsplan vermerk 5d1c8a20 "Flyer bestellt" --autor Kathrin"""
    result = run(
        lambda g: g.call("/arbeitsplan/vermerk", {"item_id": names.item(g, punkt), "text": text, "author": autor})
    )
    emit(result) if state.json else done("Vermerk gespeichert.")


@arbeitsplan.command("punkt")
def add_item(
    text: str = typer.Argument(..., help="Was zu tun ist"),
    v: str = typer.Option(..., "--v", help="Wer verantwortlich ist (V), z. B. „Kathrin“"),
    t: str = typer.Option(None, "--t", help="Wann (T), z. B. „bis 30.06.“ oder „monatlich“"),
    plan: str = typer.Option("Arbeitsplan", help="Zu welchem Plan"),
    jahr: int = typer.Option(None, help="Jahr des Plans"),
) -> None:
    """Nimmt einen Punkt in den Arbeitsplan auf.

    Beispiel: beratungsnetz arbeitsplan punkt "Flyer für den Zahltag drucken" --v Kathrin --t "bis 15.11.\""""
    payload = {"text": text, "responsible": v, "timing": t, "plan": plan, "year": jahr}
    item = run(lambda g: g.call("/arbeitsplan/punkt", payload))
    emit(item) if state.json else done(f"Aufgenommen: {item['text'][:60]} (Kennung {item['item_id'][:8]})")


@arbeitsplan.command("status")
def item_status(
    punkt: str = typer.Argument(..., help=ITEM_HELP),
    status: str = typer.Argument(..., help="offen, „in Arbeit“ oder erledigt"),
) -> None:
    """Setzt den Status eines Punkts.

    Beispiel: beratungsnetz arbeitsplan status 5d1c8a20 "in Arbeit\""""
    item = run(lambda g: g.call("/arbeitsplan/status", {"item_id": names.item(g, punkt), "status": status}))
    emit(item) if state.json else done(f"{item['text'][:60]}: {item['status']}")


def progress(
    zeitraum: str = typer.Option(None, help="Einen früheren Bericht zeigen (Zeitraum aus --liste)"),
    liste: bool = typer.Option(False, "--liste", help="Die bisherigen Berichte auflisten"),
) -> None:
    """Zeigt den Fortschrittsbericht; das Landesbüro erstellt ihn dabei neu, der Landesvorstand liest den letzten.

    Der neue Bericht geht auch an den Landesvorstand. Mit --liste die bisherigen Berichte, mit --zeitraum einen davon.

    Beispiel: beratungsnetz fortschritt

    Beispiel: beratungsnetz fortschritt --liste

    Beispiel: beratungsnetz fortschritt --zeitraum 2026-11"""
    if liste:
        found = run(lambda g: g.get("/fortschritt"))
        columns = [("Zeitraum", "period_key"), ("von", "since"), ("bis", "until"), ("durchgeführt", "actions_done")]
        emit(found, [*columns, ("überfällig", "items_overdue")], found["reports"])
        return
    report = run(lambda g: g.get("/fortschritt/bericht", period_key=zeitraum) if zeitraum else _compile_or_latest(g))
    if state.json:
        emit(report)
        return
    _show_report(report)


def _compile_or_latest(g):  # noqa: ANN001, ANN202
    """A new report where the token may compile one (Landesbüro), else the latest the board may read."""
    try:
        return g.call("/fortschritt/erstellen", {})
    except CliError as exc:
        if exc.code != DENIED:
            raise
    latest = g.get("/fortschritt", limit=1)["reports"]
    if not latest:
        raise CliError("Noch kein Fortschrittsbericht erstellt; das Landesbüro erstellt ihn.", 1)
    return g.get("/fortschritt/bericht", period_key=latest[0]["period_key"])


def _show_report(report: dict) -> None:
    o = report["overall"]
    console.print(f"[bold]Fortschrittsbericht {day(report['since'][:10])} bis {day(report['until'][:10])}[/bold]")
    console.print(
        f"Aktionen: {o['actions_planned']} geplant, {o['actions_done']} durchgeführt, "
        f"{count(o['invitations_open'], 'Einladung', 'Einladungen')} offen"
    )
    console.print(
        f"Arbeitsplan: {o['items_due']} bald fällig, {o['items_overdue']} überfällig, {o['items_done']} erledigt"
    )
    emit(
        report,
        [
            ("Gruppe", "group_name"),
            ("geplant", "actions_planned"),
            ("durchgeführt", "actions_done"),
            ("Einladungen offen", "invitations_open"),
            ("überfällig", "items_overdue"),
        ],
        report["groups"],
    )
