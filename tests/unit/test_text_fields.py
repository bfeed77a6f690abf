"""Text fields of the request contracts: control characters refused, German messages. (That no request contract takes an
unconstrained string is a scan of every contract: tests/tools/test_contract_policies.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts.german import field_messages
from shared.contracts.text import Email, Flag, MultiLine, Name, NonBlankText, SingleLine


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
