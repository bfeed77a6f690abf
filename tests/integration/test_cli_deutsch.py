"""Every command's help and failing calls are German: none of the framework's English messages shows.

The English list is read from the installed framework itself: typer's gettext messages (typer.core and the
rich_utils constants, parsed from their source) and the messages its vendored click writes literally (listed
here, each checked to still be in that source, so the list cannot go stale unnoticed), plus pydantic's
messages, which typer uses to convert values, and the type labels of the help.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import typer
import typer.core
import typer.main
import typer.rich_utils
from typer.testing import CliRunner

from beratungsnetz.cli import app

CLICK_LITERALS = [  # typer/_click/*.py: messages written without gettext
    ("exceptions.py", "Invalid value for"),
    ("exceptions.py", "Invalid value:"),
    ("exceptions.py", "Missing "),
    ("exceptions.py", "Missing parameter:"),
    ("exceptions.py", "No such option:"),
    ("exceptions.py", "Possible options:"),
    ("exceptions.py", "for help."),
    ("exceptions.py", "Error: "),
    ("exceptions.py", "Could not open file"),
    ("core.py", "Got unexpected extra argument(s)"),
    ("decorators.py", "Show this message and exit."),
    ("formatting.py", "Usage: "),
    ("parser.py", "requires "),
    ("parser.py", "does not take a value."),
    ("parser.py", "values."),
    ("termui.py", "Repeat for confirmation"),
    ("termui.py", "invalid input"),
    ("termui.py", "The value you entered was invalid."),
]
TYPER_LITERALS = [  # typer/*.py outside gettext
    ("core.py", "Choose from:"),
    ("core.py", "Did you mean"),
    ("core.py", "[OPTIONS]"),
    ("core.py", "COMMAND [ARGS]..."),
    ("_coercion.py", " is not a valid "),
    ("_param_types.py", " is not one of "),
    ("_param_types.py", " does not exist."),
    ("_param_types.py", " is not readable."),
]
PYDANTIC = ["Input should be", "Field required", "unable to parse", "Value error"]  # typer converts with pydantic
TYPE_LABELS = ["<str>", "<int>", "<bool>", "<float>", "<path>", "<file>", "<list", "<datetime>"]
ENGLISH_CONFIRM = ["[y/N]", "[Y/n]", "[y/n]", "Aborted"]
TYPER = Path(inspect.getfile(typer))
CLICK = Path(inspect.getfile(click)).parent
GERMAN_TOO = {"Option", "Argument", "Parameter", "Text", "Name"}  # English fragments that are German words as well


def _gettext_messages() -> list[str]:
    """The messages typer passes through gettext's `_` (typer/core.py, typer/rich_utils.py), from the source."""
    found = []
    for name in ("core.py", "rich_utils.py"):
        for node in ast.walk(ast.parse((TYPER.parent / name).read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    found.append(node.args[0].value)
    return found


def _click_messages() -> list[str]:
    """Every message click (the package typer vendored) marks for translation: `_()` and `ngettext()`."""
    found = []
    for source in CLICK.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
                found += [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return found


def _fragments(template: str) -> list[str]:
    """The English words of a message template: placeholders and rich markup taken out."""
    text = re.sub(r"\[/?[a-z ]*\]", "", template)  # [blue] … [/]
    parts = re.split(r"\{[^}]*\}", text)
    return [p.strip(" '\n\t") for p in parts if len(re.findall(r"[A-Za-z]", p)) >= 4]


@functools.cache
def english() -> list[str]:
    gettext = _gettext_messages()
    assert {"Arguments", "Options", "Commands", "Error", "Aborted.", "[required]"} <= set(gettext)
    messages = _click_messages()
    assert {"Show this message and exit.", "Aborted!", "Missing argument"} & set(messages), "click not read"
    literal = [text for _, text in CLICK_LITERALS + TYPER_LITERALS]
    words = {f for t in gettext + messages + literal for f in _fragments(t)} - GERMAN_TOO | set(PYDANTIC)
    return sorted(words) + TYPE_LABELS + ENGLISH_CONFIRM


@pytest.mark.parametrize(("where", "text"), CLICK_LITERALS + TYPER_LITERALS, ids=lambda v: str(v))
def test_the_listed_english_messages_are_the_frameworks_own(where: str, text: str) -> None:
    source = TYPER.parent / ("_click" if (where, text) in CLICK_LITERALS else "") / where
    assert text in source.read_text(), f"{text!r} steht nicht (mehr) in {source}: Liste anpassen"


def commands() -> Iterator[tuple[list[str], object]]:
    def walk(path: list[str], command: object) -> Iterator[tuple[list[str], object]]:
        yield path, command
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk([*path, name], sub)

    yield from walk([], typer.main.get_command(app))


def calls(path: list[str], command: object) -> list[tuple[list[str], str]]:
    """`--help` and failing calls: nothing given, an unknown option, one argument too many, a wrong number."""
    params = [p for p in command.params if p.name != "help"]
    runs = [([*path, "--help"], ""), ([*path, "--gibtsnicht"], "")]
    if hasattr(command, "commands"):
        return [*runs, ([*path, "gibtsnicht"], "")]
    required = [p for p in params if p.required]
    given = []
    for p in required:
        value = "1" if p.param_type_name == "argument" or "int" in p.display_type(None) else "x"
        given += [value] if p.param_type_name == "argument" else [p.opts[0], value]
    if required:
        runs.append((path, ""))
    if not any(p.param_type_name == "argument" and p.nargs != 1 for p in params):
        runs.append(([*path, *given, "zuviel"], ""))
    for p in params:
        if p.param_type_name == "option" and "Zahl" in (p.display_type(None) or ""):
            runs.append(([*path, *given, p.opts[0], "elf"], ""))
    if path == ["personen", "loeschen"]:  # the question before an erasure, answered "no" and not at all
        runs += [([*path, "a@example.org"], "n\n"), ([*path, "a@example.org"], "")]
    return runs


def _shown(result) -> str:
    text = result.stdout + result.stderr
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _found(word: str, text: str) -> bool:
    start = r"\b" if word[0].isalnum() else ""
    end = r"\b" if word[-1].isalnum() else ""
    return re.search(start + re.escape(word) + end, text) is not None


CALLS = [(args, stdin) for path, command in commands() for args, stdin in calls(path, command)]


def test_every_command_is_called() -> None:
    called = {" ".join(a[:-1]) for a, _ in CALLS if a and a[-1] == "--help"}
    assert {"", "up", "verteiler zustellung", "aktionen verschieben", "stellen berater hinzufuegen"} <= called


@pytest.mark.parametrize(("args", "stdin"), CALLS, ids=lambda v: " ".join(v) if isinstance(v, list) else repr(v))
def test_help_and_failures_show_no_english(tmp_path: Path, args: list[str], stdin: str) -> None:
    env = {
        "BERATUNGSNETZ_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
        "BERATUNGSNETZ_GATEWAY_URL": None,  # no gateway: a call that passes the framework fails in German
        "BERATUNGSNETZ_TOKEN": None,
        "BERATUNGSNETZ_CLI_CONFIG": None,
        "COLUMNS": "200",
        "TERMINAL_WIDTH": "200",
    }
    result = CliRunner().invoke(app, args, env=env, input=stdin)
    shown = _shown(result)
    assert shown, args
    assert not [w for w in english() if _found(w, shown)], shown
    if args[-1] != "--help":
        assert result.exit_code != 0, shown
        assert re.search(r"Fehler|fehlt|Unbekannt|Zu viele|Ungültig|Nichts gelöscht|Abgebrochen|Aufruf", shown), shown
    if stdin or args[-1] == "a@example.org":
        assert "[j/N]" in shown
