"""`beratungsnetz aktionen`: joint actions of the regional groups."""

from __future__ import annotations

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.formats import LABELS, count, moment, parse_moment
from beratungsnetz.cli.output import console, done, emit, run, state, view

aktionen = typer.Typer(
    help="Gemeinsame Aktionen: planen, zeigen, verschieben, einladen, zusagen, bestätigen, abschließen, auswerten.",
    no_args_is_help=True,
)
ACTION_HELP = "Titel der Aktion, ihre Kurzkennung aus `aktionen liste` oder ihre Kennung"
WHEN_HELP = "TT.MM.JJJJ HH:MM oder JJJJ-MM-TT HH:MM (Europe/Berlin)"
ACTION_COLUMNS = [
    ("Kennung", "action_id"),
    ("Titel", "title"),
    ("Beginn", "start"),
    ("Status", "status"),
    ("Gruppe", "organiser_group_name"),
]


@aktionen.command("planen")
def plan(
    gruppe: str = typer.Option(..., help="Organisierende Regionalgruppe: Kurzname (z. B. vogtland), Name oder Kennung"),
    art: str = typer.Option(..., help="zahltag, info, protestbrief, fruehstueck, treffen, schulung, sonstiges"),
    titel: str = typer.Option(...),
    beginn: str = typer.Option(None, help=WHEN_HELP),
    ende: str = typer.Option(None, help=WHEN_HELP),
    ort: str = typer.Option("", help="Wo die Aktion stattfindet"),
    jobcenter: str = typer.Option("", help="Vor welchem Jobcenter (bei Zahltag-Aktionen)"),
    verantwortlich: list[str] = typer.Option([], help="Wer verantwortlich ist (mehrfach)"),
    idee: bool = typer.Option(False, help="Nur als Idee, ohne Termin"),
) -> None:
    """Plant eine Aktion; vor einem Jobcenter mit der Leitlinie der LAG.

    Beispiel: beratungsnetz aktionen planen --gruppe vogtland --art zahltag --titel "Zahltag-Aktion"
    --jobcenter "Jobcenter Plauen" --beginn "1.12.2026 8:30" --ende "1.12.2026 11:00" --verantwortlich Kathrin"""
    payload = {
        "organiser_group_id": gruppe,
        "kind": art,
        "title": titel,
        "place": ort,
        "job_centre": jobcenter,
        "start": parse_moment(beginn),
        "end": parse_moment(ende),
        "responsible": verantwortlich,
        "as_idea": idee,
    }
    result = run(lambda g: g.call("/aktionen/planen", payload))
    if state.json:
        emit(result)
        return
    done(f"Geplant: {result['action']['title']} (Kennung {result['action']['action_id'][:8]})")
    for warning in result["warnings"]:
        console.print(f"[yellow]Warnung:[/yellow] {warning}")
    if result["guideline"]:
        console.print(f"[blue]{result['guideline']}[/blue]")


@aktionen.command("einladen")
def invite(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    gruppen: list[str] = typer.Argument(..., help="Eingeladene Gruppen: Kurznamen (z. B. erzgebirge) oder Kennungen"),
) -> None:
    """Lädt Regionalgruppen ein (ihre Verteiler bekommen eine Mail mit .ics).

    Beispiel: beratungsnetz aktionen einladen "Zahltag-Aktion" erzgebirge chemnitz"""
    result = run(lambda g: g.call("/aktionen/einladen", {"action_id": names.action(g, aktion), "group_ids": gruppen}))
    emit(result) if state.json else done(
        f"Eingeladen: {', '.join(i['group_name'] or i['group_id'] for i in result['invitations'])}"
    )


def _respond(aktion: str, gruppe: str, accept: bool) -> None:
    result = run(
        lambda g: g.call(
            "/aktionen/antworten", {"action_id": names.action(g, aktion), "group_id": gruppe, "accept": accept}
        )
    )
    emit(result) if state.json else done("Zugesagt." if accept else "Abgesagt.")


@aktionen.command("zusagen")
def accept(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    gruppe: str = typer.Argument(..., help="Kurzname, Name oder Kennung der Gruppe"),
) -> None:
    """Sagt für eine eingeladene Gruppe zu.

    Beispiel: beratungsnetz aktionen zusagen "Zahltag-Aktion" erzgebirge"""
    _respond(aktion, gruppe, True)


@aktionen.command("ablehnen")
def decline(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    gruppe: str = typer.Argument(..., help="Kurzname, Name oder Kennung der Gruppe"),
) -> None:
    """Sagt für eine eingeladene Gruppe ab.

    Beispiel: beratungsnetz aktionen ablehnen "Zahltag-Aktion" chemnitz"""
    _respond(aktion, gruppe, False)


@aktionen.command("bestaetigen")
def confirm(aktion: str = typer.Argument(..., help=ACTION_HELP)) -> None:
    """Bestätigt eine Aktion (alle Eingeladenen haben geantwortet, V ist eingetragen).

    Beispiel: beratungsnetz aktionen bestaetigen "Zahltag-Aktion\""""
    result = run(lambda g: g.call("/aktionen/bestaetigen", {"action_id": names.action(g, aktion)}))
    emit(result) if state.json else done(f"Bestätigt: {result['title']}")


@aktionen.command("abschliessen")
def complete(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    teilnehmende: int = typer.Option(..., help="Wie viele teilnahmen"),
    notizen: str = typer.Option("", help="Wie es lief"),
    presse: str = typer.Option("", help="Presseecho"),
) -> None:
    """Vermerkt eine Aktion als durchgeführt, mit kurzem Bericht.

    Beispiel: beratungsnetz aktionen abschliessen "Zahltag-Aktion" --teilnehmende 14 --notizen "Gute Gespräche\""""
    result = run(
        lambda g: g.call(
            "/aktionen/abschliessen",
            {"action_id": names.action(g, aktion), "participants": teilnehmende, "notes": notizen, "press": presse},
        )
    )
    emit(result) if state.json else done(f"Durchgeführt: {result['title']}")


@aktionen.command("absagen")
def cancel(aktion: str = typer.Argument(..., help=ACTION_HELP), grund: str = typer.Option("", help="Warum")) -> None:
    """Sagt eine Aktion ab.

    Beispiel: beratungsnetz aktionen absagen "Zahltag-Aktion" --grund "Jobcenter geschlossen\""""
    result = run(lambda g: g.call("/aktionen/absagen", {"action_id": names.action(g, aktion), "reason": grund}))
    emit(result) if state.json else done(f"Abgesagt: {result['title']}")


@aktionen.command("liste")
def list_actions(
    gruppe: str = typer.Option(None, help="Kurzname, Name oder Kennung der Gruppe"),
    status: str = typer.Option(None, help="z. B. geplant, bestätigt, durchgeführt, abgesagt, idee"),
) -> None:
    """Listet Aktionen, auch die einer Gruppe (Kennungen gekürzt; jeder Befehl nimmt sie so an).

    Beispiel: beratungsnetz aktionen liste --gruppe vogtland"""
    data = run(lambda g: g.get("/aktionen", group_id=gruppe, status=status))
    emit(data, ACTION_COLUMNS, data["actions"], title=count(len(data["actions"]), "Aktion", "Aktionen"))


@aktionen.command("zeigen")
def show_action(aktion: str = typer.Argument(..., help=ACTION_HELP)) -> None:
    """Zeigt eine Aktion mit Einladungen, Bericht und Auswertung, lesbar; mit --json die Daten für Skripte.

    Beispiel: beratungsnetz aktionen zeigen "Zahltag-Aktion\""""
    found = run(lambda g: g.get("/aktion", action_id=names.action(g, aktion)))
    if state.json:
        emit(found)
        return
    invitations = [f"{i['group_name'] or i['group_id'][:8]}: {i['status']}" for i in found.get("invitations", [])]
    view(found | {"invitations": invitations}, LABELS)


@aktionen.command("verschieben")
def reschedule(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    beginn: str = typer.Option(None, help=WHEN_HELP + "; ohne Angabe bleibt er"),
    ende: str = typer.Option(None, help=WHEN_HELP + "; ohne Angabe bleibt es"),
    titel: str = typer.Option(None, help="Neuer Titel"),
    ort: str = typer.Option(None, help="Neuer Ort"),
    jobcenter: str = typer.Option(None, help="Neues Jobcenter"),
    verantwortlich: list[str] = typer.Option([], help="Ersetzt die Verantwortlichen (mehrfach)"),
) -> None:
    """Verschiebt oder ändert eine Aktion; nicht Genanntes bleibt, die Eingeladenen erfahren es.

    Beispiel: beratungsnetz aktionen verschieben "Zahltag-Aktion" --beginn "8.12.2026 8:30" --ende "8.12.2026 11:00\""""

    def change(g):  # noqa: ANN001, ANN202
        action_id = names.action(g, aktion)
        now = g.get("/aktion", action_id=action_id)
        payload = {k: now[k] for k in ("kind", "title", "place", "job_centre", "start", "end", "responsible")}
        given = {"title": titel, "place": ort, "job_centre": jobcenter, "start": parse_moment(beginn)}
        given |= {"end": parse_moment(ende), "responsible": verantwortlich or None}
        return g.call(
            "/aktionen/verschieben",
            payload | {k: v for k, v in given.items() if v is not None} | {"action_id": action_id},
        )

    result = run(change)
    if state.json:
        emit(result)
        return
    action = result["action"]
    done(f"Geändert: {action['title']}, {moment(action['start']) or 'ohne Termin'}")
    for warning in result["warnings"]:
        console.print(f"[yellow]Warnung:[/yellow] {warning}")


@aktionen.command("auswerten")
def evaluate(
    aktion: str = typer.Argument(..., help=ACTION_HELP),
    auswertung: str = typer.Option(..., help="Was gut lief, was beim nächsten Mal anders sein soll"),
) -> None:
    """Hält die Auswertung einer durchgeführten Aktion fest.

    Beispiel: beratungsnetz aktionen auswerten "Zahltag-Aktion" --auswertung "Früher da sein; mehr Flyer\""""
    result = run(
        lambda g: g.call("/aktionen/auswerten", {"action_id": names.action(g, aktion), "evaluation": auswertung})
    )
    emit(result) if state.json else done(f"Ausgewertet: {result['title']}")
