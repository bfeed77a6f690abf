"""Text fields of the request contracts: control characters refused, German messages, no unconstrained string."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts import CATALOGUE, RequestSpec
from shared.contracts.german import field_messages
from shared.contracts.text import Email, Flag, MultiLine, Name, NonBlankText, SingleLine

# Built by the public feeds from URL parts, or asked only between services (not part of the API).
NOT_FROM_PEOPLE = {"CalendarQuery", "DirectoryQuery", "GroupsQuery"}


class Form(BaseModel):
    title: Name = "x"
    place: SingleLine = ""
    text: MultiLine = ""
    plan: NonBlankText = "x"
    email: Email | None = None
    flag: Flag = False


def refusal(**values: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        Form(**values)
    return field_messages(refused.value.errors())


@pytest.mark.parametrize("bad", ["a\r\nb", "a\nb", "a\tb", "a\x00b", "a\x1bb", "a\x85b", "a\u2028b"])
def test_single_line_fields_refuse_every_control_character(bad: str) -> None:
    assert refusal(place=bad) == {"place": "Zeilenumbrüche und Steuerzeichen sind in diesem Feld nicht erlaubt."}
    assert refusal(title=bad) == {"title": "Zeilenumbrüche und Steuerzeichen sind in diesem Feld nicht erlaubt."}


def test_multi_line_fields_keep_line_breaks_and_tabs_but_nothing_else() -> None:
    assert Form(text="Liebe alle,\r\n\tbis Montag\n").text == "Liebe alle,\n\tbis Montag\n"
    assert "Steuerzeichen" in refusal(text="a\rb")["text"]
    assert "Steuerzeichen" in refusal(text="a\x07b")["text"]
    assert refusal(plan=" \n\t") == {"plan": "Bitte einen Text angeben; er darf nicht leer sein."}
    assert refusal(title="   ") == {"title": "Bitte ausfüllen; das Feld darf nicht leer sein."}


def test_pydantic_errors_are_german() -> None:
    assert refusal(email="kein-at") == {"email": "Keine gültige E-Mail-Adresse."}
    assert refusal(flag="ja") == {"flag": "Bitte true oder false angeben."}
    assert refusal(title="x" * 201) == {"title": "Zu lang: höchstens 200 Zeichen."}


def unconstrained(schema: dict, defs: dict, path: str) -> Iterator[str]:
    if "$ref" in schema:
        yield from unconstrained(defs[schema["$ref"].split("/")[-1]], defs, path)
        return
    for option in schema.get("anyOf", []):
        yield from unconstrained(option, defs, path)
    if schema.get("type") == "string" and not {"enum", "const", "pattern", "format"} & schema.keys():
        yield path
    if schema.get("type") == "array":
        yield from unconstrained(schema.get("items", {}), defs, path + "[]")
    for name, field in schema.get("properties", {}).items():
        yield from unconstrained(field, defs, f"{path}.{name}")


def test_no_request_contract_takes_an_unconstrained_string() -> None:
    found = []
    for spec in CATALOGUE.specs():
        if isinstance(spec, RequestSpec) and spec.request.__name__ not in NOT_FROM_PEOPLE:
            schema = spec.request.model_json_schema()
            found += unconstrained(schema, schema.get("$defs", {}), spec.request.__name__)
    assert found == []
