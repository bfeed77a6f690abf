"""Text field types of the request contracts: what a person may type into a field.

A single-line field (title, name, place, address, id) refuses every control character, line
breaks included: such a value ends up in mail headers, calendar lines and CSV cells. A
multi-line field (description, report, plan text, post body) allows line breaks and tabs; CRLF
is read as LF. The rules are patterns, so the published OpenAPI says exactly what is refused.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, EmailStr, Field, StrictBool, StrictInt

_CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL_BUT_TAB_AND_LF = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029"
SINGLE_LINE = rf"^[^{_CONTROL}]*$"
MULTI_LINE = rf"^[^{_CONTROL_BUT_TAB_AND_LF}]*$"
NOT_BLANK_MULTI_LINE = rf"^[^{_CONTROL_BUT_TAB_AND_LF}]*[^\s{_CONTROL}][^{_CONTROL_BUT_TAB_AND_LF}]*$"
NOT_BLANK_SINGLE_LINE = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
POSTCODE = r"^\s*(0[1-9]|[1-9][0-9])[0-9]{3}\s*$"  # five digits, not 00…


def _lf(value: object) -> object:
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


SingleLine = Annotated[str, Field(pattern=SINGLE_LINE)]
MultiLine = Annotated[str, Field(pattern=MULTI_LINE), BeforeValidator(_lf)]  # the pattern first: the schema shows it
NonBlankText = Annotated[str, Field(min_length=1, pattern=NOT_BLANK_MULTI_LINE), BeforeValidator(_lf)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK_SINGLE_LINE)]
DisplayName = Annotated[str, Field(max_length=100, pattern=SINGLE_LINE)]  # a name in a mail header ("Kathrin Beispiel")
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=SINGLE_LINE)]
Postcode = Annotated[str, Field(pattern=POSTCODE)]
Email = Annotated[EmailStr, Field(max_length=320)]
Flag = StrictBool  # JSON true/false only: "ja", 1 or "" are refused, not guessed
Count = StrictInt

# The messages people see for these patterns (shared/contracts/german.py).
PATTERN_MESSAGES = {
    SINGLE_LINE: "Zeilenumbrüche und Steuerzeichen sind in diesem Feld nicht erlaubt.",
    MULTI_LINE: "Steuerzeichen sind in diesem Feld nicht erlaubt (Zeilenumbrüche und Tabulatoren schon).",
    NOT_BLANK_MULTI_LINE: "Bitte einen Text angeben; er darf nicht leer sein.",
    NOT_BLANK_SINGLE_LINE: "Bitte ausfüllen; das Feld darf nicht leer sein.",
    POSTCODE: "Bitte eine Postleitzahl aus fünf Ziffern angeben.",
}
FILLED_IN = {
    NOT_BLANK_SINGLE_LINE: SINGLE_LINE,
    NOT_BLANK_MULTI_LINE: MULTI_LINE,
}  # not blank, so the characters are wrong
