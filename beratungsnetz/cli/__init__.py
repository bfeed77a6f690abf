"""The `beratungsnetz` command line: a client of the gateway's HTTP API, plus `up` for the whole system."""

from __future__ import annotations

import typer

from beratungsnetz.cli import (
    access,
    actions,
    counsellors,
    deutsch,
    groups,
    lists,
    office_import,
    operations,
    people,
    planning,
    register,
    runtime,
)
from beratungsnetz.cli.output import state

deutsch.install()  # the framework's own messages in German, before any command is built
app = typer.Typer(
    help="Beratungsnetz: Beratungsstellen, Regionalgruppen, Verteiler und Aktionsplanung.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)


@app.callback()
def _main(
    json_output: bool = typer.Option(False, "--json", help="Ausgabe als JSON (für Skripte)"),
    gateway: str = typer.Option(None, envvar="BERATUNGSNETZ_GATEWAY_URL", help="Adresse des Gateways"),
    token: str = typer.Option(None, envvar="BERATUNGSNETZ_TOKEN", help="API-Token"),
) -> None:
    """Beratungsnetz auf der Kommandozeile. Exit-Codes: 0 ok, 1 abgelehnt, 2 Aufruf falsch, 3 nicht erreichbar, 4 keine Berechtigung."""
    state.json, state.gateway, state.token = json_output, gateway, token


app.command("up")(runtime.up)
app.command("status")(operations.status)
register.stellen.command("import")(office_import.import_offices)
register.stellen.add_typer(counsellors.berater, name="berater")
register.stellen.command("anleitung")(counsellors.supervision)
app.add_typer(register.stellen, name="stellen")
app.add_typer(groups.gruppen, name="gruppen")
app.add_typer(groups.kreisverbaende, name="kreisverbaende")
app.command("abdeckung")(groups.coverage)
app.add_typer(lists.verteiler, name="verteiler")
app.add_typer(people.personen, name="personen")
app.add_typer(actions.aktionen, name="aktionen")
app.add_typer(planning.arbeitsplan, name="arbeitsplan")
app.command("fortschritt")(planning.progress)
app.add_typer(access.tokens, name="tokens")
