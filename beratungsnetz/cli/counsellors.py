"""`beratungsnetz stellen berater|anleitung`: counsellors, their trainings and the RDG supervision of an office."""

from __future__ import annotations

import typer

from beratungsnetz.cli import names
from beratungsnetz.cli.formats import parse_day
from beratungsnetz.cli.output import done, emit, run, state
from shared.clock import Clock

OFFICE_HELP = "Name der Beratungsstelle (bei gleichen Namen „Name, Ort“), Kurzkennung aus der Liste oder Kennung"
COUNSELLOR_HELP = "Name oder E-Mail-Adresse der Berater:in (oder ihre Kennung)"
berater = typer.Typer(
    help="Berater:innen einer Beratungsstelle: hinzufügen, entfernen, Schulungen.", no_args_is_help=True
)


def counsellor_input(text: str, publish: bool) -> dict:
    """ "Name" or "Name <adresse>"."""
    name, _, rest = text.partition("<")
    return {"name": name.strip(), "email": rest.rstrip(">").strip() or None, "publish_name": publish}


@berater.command("hinzufuegen")
def add_counsellor(
    stelle: str = typer.Argument(..., help=OFFICE_HELP),
    person: str = typer.Argument(..., help="„Name“ oder „Name <adresse>“"),
    namen_veroeffentlichen: bool = typer.Option(False, help="Namen im Verzeichnis zeigen (Einwilligung liegt vor)"),
) -> None:
    """Fügt einer Beratungsstelle eine Berater:in hinzu.

    Beispiel: beratungsnetz stellen berater hinzufuegen "Sozialberatung Zwickau-Nord" "Anna B. <anna.b@example.org>\""""
    payload = counsellor_input(person, namen_veroeffentlichen)
    office = run(
        lambda g: g.call("/beratungsstellen/berater/hinzufuegen", payload | {"office_id": names.office(g, stelle)})
    )
    emit(office) if state.json else done(f"{payload['name']} berät jetzt in {office['name']}.")


@berater.command("entfernen")
def remove_counsellor(
    stelle: str = typer.Argument(..., help=OFFICE_HELP), person: str = typer.Argument(..., help=COUNSELLOR_HELP)
) -> None:
    """Entfernt eine Berater:in aus einer Beratungsstelle.

    Beispiel: beratungsnetz stellen berater entfernen "Sozialberatung Zwickau-Nord" "Anna B.\""""

    def remove(g):  # noqa: ANN001, ANN202
        office_id = names.office(g, stelle)
        ref = {"office_id": office_id, "counsellor_id": names.counsellor(g, office_id, person)}
        return g.call("/beratungsstellen/berater/entfernen", ref)

    office = run(remove)
    emit(office) if state.json else done(f"{person} berät nicht mehr in {office['name']}.")


@berater.command("schulung")
def record_training(
    stelle: str = typer.Argument(..., help=OFFICE_HELP),
    person: str = typer.Argument(..., help=COUNSELLOR_HELP),
    thema: str = typer.Option(..., help="z. B. „Multiplikatorenschulung SGB II“"),
    am: str = typer.Option(..., help="Tag der Schulung, TT.MM.JJJJ"),
) -> None:
    """Trägt eine besuchte Schulung einer Berater:in ein.

    Beispiel: beratungsnetz stellen berater schulung "Sozialberatung Zwickau-Nord" "Anna B."
    --thema "Multiplikatorenschulung" --am 14.11.2026"""
    on = parse_day(am)

    def record(g):  # noqa: ANN001, ANN202
        office_id = names.office(g, stelle)
        ref = {"office_id": office_id, "counsellor_id": names.counsellor(g, office_id, person)}
        return g.call("/beratungsstellen/berater/schulung", ref | {"training": {"title": thema, "on": on}})

    office = run(record)
    emit(office) if state.json else done(f"Schulung „{thema}“ für {person} eingetragen ({office['name']}).")


def supervision(
    stelle: str = typer.Argument(..., help=OFFICE_HELP),
    volljurist: str = typer.Option(None, help="Name der Volljurist:in, die nach § 6 RDG anleitet"),
    seit: str = typer.Option(None, help="TT.MM.JJJJ (ohne Angabe: heute)"),
    keine: bool = typer.Option(False, "--keine", help="Die Anleitung endet (die Stelle ist dann ohne)"),
) -> None:
    """Setzt oder beendet die RDG-Anleitung einer Beratungsstelle (§ 6 RDG).

    Beispiel: beratungsnetz stellen anleitung "Sozialberatung Zwickau-Nord" --volljurist "RA K. Muster" --seit 01.10.2026"""
    if not keine and not volljurist:
        raise typer.BadParameter("Bitte --volljurist angeben (oder --keine).")
    given = None
    if not keine:
        since = parse_day(seit) if seit else Clock().today().isoformat()
        given = {"lawyer_name": volljurist, "qualification_confirmed": True, "since": since}
    office = run(
        lambda g: g.call("/beratungsstellen/anleitung", {"office_id": names.office(g, stelle), "supervision": given})
    )
    emit(office) if state.json else done(
        f"{office['name']}: " + (f"angeleitet von {volljurist}" if given else "ohne Anleitung")
    )
