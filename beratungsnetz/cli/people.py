"""`beratungsnetz personen`: what is held about an address (Art. 15 GDPR), its erasure and block (Art. 17, 21)."""

from __future__ import annotations

import typer

from beratungsnetz.cli.client import UNREACHABLE
from beratungsnetz.cli.formats import count
from beratungsnetz.cli.output import confirm, done, emit, errors, run, state

personen = typer.Typer(
    help="Auskunft (Art. 15 DSGVO), Löschung (Art. 17) und Sperre (Widerspruch, Art. 21) einer Adresse in allen Diensten.",
    no_args_is_help=True,
)


@personen.command("auskunft")
def export(
    adresse: str, als_json: bool = typer.Option(False, "--json", help="Als JSON (deutsche Schlüssel) statt als Text")
) -> None:
    """Alles, was Verteilerdienst, Register, Aktionsplanung und Gateway zu einer Adresse speichern (Art. 15 DSGVO).

    Antwortet ein Dienst nicht, steht das oben; die Auskunft ist dann unvollständig (Rückgabewert 3, wie „nicht erreichbar“).

    Beispiel: beratungsnetz personen auskunft anna@example.org

    Beispiel: beratungsnetz personen auskunft anna@example.org --json"""
    if als_json or state.json:
        state.json = True
        found = run(lambda g: g.call("/personen/auskunft", {"address": adresse}))
        emit(found)
        complete = found.get("vollstaendig", True)
    else:
        text = run(lambda g: g.get("/personen/auskunft", address=adresse, format="text"))
        print(text, end="")
        complete = "ACHTUNG:" not in text
    if not complete:
        raise typer.Exit(UNREACHABLE)  # a service did not answer: the export is incomplete


@personen.command("loeschen")
def erase(
    adresse: str,
    sperren: bool = typer.Option(
        False,
        "--sperren",
        help="Löschen und sperren (Widerspruch, Art. 21 DSGVO): kein Weg nimmt die Adresse wieder auf, sie erhält "
        "keine E-Mail mehr. Ohne: die Person kann sich später mit neuer Bestätigung wieder eintragen.",
    ),
    ja: bool = typer.Option(False, "--ja", help="Ohne Rückfrage löschen"),
) -> None:
    """Löscht eine Adresse in allen Diensten (Verteiler, Register, Aktionsplanung), mit --sperren auch für immer.

    Beispiel: beratungsnetz personen loeschen anna@example.org --sperren --ja"""
    question = f"{adresse} überall löschen und sperren?" if sperren else f"{adresse} überall löschen?"
    if not ja and not confirm(question):
        errors.print("Nichts gelöscht.")
        raise typer.Exit(1)
    result = run(lambda g: g.call("/personen/loeschen", {"address": adresse, "block": sperren}))
    what = "gelöscht und gesperrt" if sperren else "gelöscht"
    emit(result) if state.json else done(
        f"{adresse} {what} ({count(result['memberships'], 'Mitgliedschaft', 'Mitgliedschaften')}); "
        "die anderen Dienste folgen."
    )
