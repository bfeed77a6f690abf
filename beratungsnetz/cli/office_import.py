"""`beratungsnetz stellen import`: a CSV list of offices, sent in chunks, with the original line of each refusal."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import typer
from rich.progress import Progress

from beratungsnetz.cli.formats import count
from beratungsnetz.cli.output import console, done, emit, errors, run, state

CHUNK = 200


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """The header, the records with the line each starts on, and the delimiter."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, records, line = next(reader, []), [], 2
    for record in reader:
        records.append((line, record))
        line = reader.line_num + 1
    return header, records, delimiter


def _chunk_text(header: list[str], records: list[tuple[int, list[str]]], delimiter: str) -> tuple[str, dict[int, int]]:
    """CSV text for a chunk, and for each line it starts on in that text, the line in the original file."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    lines, here = {}, 2
    for original, record in records:
        lines[here] = original
        before = out.tell()
        writer.writerow(record)
        here += out.getvalue()[before:].count("\n")
    return out.getvalue(), lines


def import_offices(
    datei: Path = typer.Argument(..., exists=True, readable=True, help="CSV-Datei (Komma oder Semikolon, UTF-8)"),
    probelauf: bool = typer.Option(False, "--probelauf", help="Nur prüfen, nichts speichern"),
) -> None:
    """Importiert eine Liste von Beratungsstellen; fehlerhafte Zeilen werden mit Grund genannt.

    Beispiel: beratungsnetz stellen import stellen.csv --probelauf"""
    header, records, delimiter = _rows(datei.read_text(encoding="utf-8-sig"))
    total = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": [], "warnings": [], "dry_run": probelauf}
    with Progress(console=errors, disable=state.json) as progress:
        task = progress.add_task("Importiere …", total=len(records))
        for start in range(0, len(records), CHUNK):
            text, lines = _chunk_text(header, records[start : start + CHUNK], delimiter)
            report = run(lambda g, text=text: g.call("/beratungsstellen/import", {"csv": text, "dry_run": probelauf}))
            for key in ("rows", "created", "updated", "unchanged"):
                total[key] += report[key]
            total["errors"] += [
                {"line": lines.get(e["line"], e["line"]), "reason": e["reason"]} for e in report["errors"]
            ]
            total["warnings"] = sorted(set(total["warnings"]) | set(report["warnings"]))
            progress.advance(task, len(records[start : start + CHUNK]))
    if state.json:
        emit(total)
    else:
        failed = len(total["errors"])
        verb = ("würde" if failed == 1 else "würden") if probelauf else ("wurde" if failed == 1 else "wurden")
        done(
            f"{count(total['rows'], 'Zeile', 'Zeilen')}: {total['created']} neu, {total['updated']} geändert, "
            f"{total['unchanged']} unverändert {'(Probelauf)' if probelauf else ''}".strip()
        )
        for warning in total["warnings"]:
            console.print(f"[yellow]Hinweis:[/yellow] {warning}")
        if total["errors"]:
            emit(
                None,
                [("Zeile", "line"), ("Grund", "reason")],
                total["errors"],
                title=f"{count(failed, 'Zeile', 'Zeilen')} {verb} nicht übernommen",
            )
    if total["errors"]:
        raise typer.Exit(1)
