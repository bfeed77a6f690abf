"""The command line's framework speaks German: typer's (and its vendored click's) own messages, translated
through the hooks they offer — typer's gettext `_` and rich_utils constants, the exceptions' `format_message`,
the help option's text, the usage prefix and the type labels of the help.

Typer vendors click without gettext, so its messages are matched here by their English templates (CATALOG)
and written in German; a message no template matches is shown as it is (tests/integration/test_cli_deutsch.py
finds any that slips through, from the framework's own source).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from shared.contracts.german import message as pydantic_message

KIND = {"argument": "Argument", "option": "Option", "parameter": "Angabe"}
PATH = {"file": "Datei", "dir": "Verzeichnis", "path": "Pfad"}
TYPES = {"str": "Text", "int": "Zahl", "float": "Zahl", "bool": "", "Path": "Datei", "datetime": "Zeitpunkt"}
WORDS = {  # typer's gettext messages (typer.core, typer.rich_utils)
    "(dynamic)": "(berechnet)",
    "default: {default}": "Vorgabe: {default}",
    "env var: {var}": "Umgebungsvariable: {var}",
    "required": "Pflicht",
    "Arguments": "Argumente",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Missing command.": "Bitte einen Befehl angeben.",
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    "Aborted!": "Abgebrochen.",
}
RICH = {  # typer.rich_utils' constants
    "DEPRECATED_STRING": "(veraltet) ",
    "DEFAULT_STRING": "[Vorgabe: {}]",
    "ENVVAR_STRING": "[Umgebungsvariable: {}]",
    "REQUIRED_LONG_STRING": "[Pflicht]",
    "ARGUMENTS_PANEL_TITLE": "Argumente",
    "OPTIONS_PANEL_TITLE": "Optionen",
    "COMMANDS_PANEL_TITLE": "Befehle",
    "ERRORS_PANEL_TITLE": "Fehler",
    "ABORTED_TEXT": "Abgebrochen.",
    "RICH_HELP": "Hilfe: [blue]'{command_path} {help_option}'[/]",
}
HELP = "Diese Hilfe zeigen und beenden."
USAGE = "Aufruf: "
OPTIONS_METAVAR, COMMAND_METAVAR = "[OPTIONEN]", "BEFEHL [ARGUMENTE]..."


def _missing(m: re.Match) -> str:
    what = KIND.get(m["kind"], "Angabe")
    said = f"{what} {m['hint']} fehlt." if m["hint"] else f"{what} fehlt."
    return f"{said} {translate(m['rest'])}" if m["rest"] else said


def _path(m: re.Match) -> str:
    state = {
        "does not exist": "gibt es nicht",
        "is a file": "ist eine Datei",
        "is a directory": "ist ein Verzeichnis",
        "is not readable": "ist nicht lesbar",
        "is not writable": "ist nicht beschreibbar",
    }
    return f"{PATH[m['kind']]} {m['name']} {state[m['state']]}."


CATALOG: list[tuple[str, Callable[[re.Match], str]]] = [  # English template (regex) → German
    (r"Missing (?P<kind>argument|option|parameter)(?: (?P<hint>.+?))?\.(?: (?P<rest>.*))?", _missing),
    (r"Missing parameter: (?P<name>.*)", lambda m: f"Angabe fehlt: {m['name']}"),
    (r"Choose from:\s*(?P<choices>.*)", lambda m: f"Zur Wahl: {', '.join(m['choices'].split())}".replace(",,", ",")),
    (
        r"No such option: (?P<name>.*?)(?: \(Possible options: (?P<hint>.*)\))?",
        lambda m: f"Unbekannte Option: {m['name']}" + (f" (Meinten Sie {m['hint']}?)" if m["hint"] else ""),
    ),
    (
        r"(?:No such command|Unbekannter Befehl) (?P<name>'[^']*')\.?(?: Did you mean (?P<hint>.*)\?)?",
        lambda m: f"Unbekannter Befehl {m['name']}." + (f" Meinten Sie {m['hint']}?" if m["hint"] else ""),
    ),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", lambda m: f"Zu viele Angaben: {m['args']}"),
    (
        r"Invalid value for (?P<name>.+?): (?P<reason>.*)",
        lambda m: f"Ungültiger Wert für {m['name']}: {translate(m['reason'])}",
    ),
    (r"Invalid value: (?P<reason>.*)", lambda m: f"Ungültiger Wert: {translate(m['reason'])}"),
    (
        r"Value (?P<value>.*) is not a valid (?P<kind>.*)\.",
        lambda m: f"{m['value']} passt nicht (erwartet: {TYPES.get(m['kind'], m['kind']) or 'ja/nein'}).",
    ),
    (
        r"(?P<value>.*) is not one of (?P<choices>.*)\.",
        lambda m: f"{m['value']} ist nicht vorgesehen; zur Wahl: {m['choices']}.",
    ),
    (
        r"(?P<kind>file|dir|path) (?P<name>.*) (?P<state>does not exist|is a file|is a directory|is not readable|is not writable)\.",
        _path,
    ),
    (
        r"Could not open file (?P<name>.*?): (?P<reason>.*)",
        lambda m: f"Die Datei {m['name']} lässt sich nicht öffnen: {translate(m['reason'])}",
    ),
    (r"unknown error", lambda m: "unbekannter Fehler"),
    (r"Option (?P<name>.*) requires an argument\.", lambda m: f"Die Option {m['name']} braucht einen Wert."),
    (
        r"Option (?P<name>.*) requires (?P<n>\d+) arguments\.",
        lambda m: f"Die Option {m['name']} braucht {m['n']} Werte.",
    ),
    (r"Option (?P<name>.*) does not take a value\.", lambda m: f"Die Option {m['name']} nimmt keinen Wert."),
    (r"Argument (?P<name>.*) takes (?P<n>\d+) values\.", lambda m: f"Das Argument {m['name']} braucht {m['n']} Werte."),
]
COMPILED = [(re.compile(pattern, re.DOTALL), german) for pattern, german in CATALOG]


def translate(text: str) -> str:
    """A framework message in German (nested messages too); a message no template knows stays as it is."""
    for pattern, german in COMPILED:
        if found := pattern.fullmatch(text):
            return german(found)
    return text


def gettext(message: str) -> str:
    return WORDS.get(message, message)


def _german_result(method: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        return translate(method(*args, **kwargs))

    wrapper.__german__ = True  # type: ignore[attr-defined]
    return wrapper


def _pydantic_error(exc: Any) -> str:
    errors = exc.errors()
    return pydantic_message(errors[0]) if errors else "Ungültiger Wert."


def _display_type(method: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(method)
    def wrapper(self: Any, ctx: Any) -> str:
        shown = method(self, ctx)
        label = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else None
        if label is None:
            return shown
        inner = label.removeprefix("list[").removesuffix("]")
        german = TYPES.get(inner, PATH.get(inner, inner))
        return f"<{german}>" if german else ""

    return wrapper


def install() -> None:
    """Put the German texts into typer; idempotent."""
    import typer.core
    import typer.rich_utils
    from typer import _click, _coercion, _display, exceptions
    from typer._click import exceptions as click_exceptions
    from typer._click import formatting

    if getattr(exceptions.TyperException.format_message, "__german__", False):
        return
    typer.core._ = gettext
    for name, text in RICH.items():
        setattr(typer.rich_utils, name, text)
    typer.rich_utils.OptionHighlighter.highlights = [
        h.replace("Usage: ", USAGE) for h in typer.rich_utils.OptionHighlighter.highlights
    ]
    for cls in (exceptions.TyperException, *vars(click_exceptions).values()):
        if isinstance(cls, type) and "format_message" in vars(cls) and issubclass(cls, exceptions.TyperException):
            cls.format_message = _german_result(vars(cls)["format_message"])
    _coercion.get_error_msg = _display.get_error_msg = _pydantic_error
    typer.core._TyperParameter.display_type = _display_type(typer.core._TyperParameter.display_type)
    usage = formatting.HelpFormatter.write_usage
    formatting.HelpFormatter.write_usage = lambda self, prog, args="", prefix=None: usage(
        self,
        prog,
        args.replace("[OPTIONS]", OPTIONS_METAVAR).replace("COMMAND [ARGS]...", COMMAND_METAVAR),
        USAGE if prefix is None else prefix,
    )
    get_help_option = _click.core.Command.get_help_option

    def german_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP
        return option

    _click.core.Command.get_help_option = german_help_option
